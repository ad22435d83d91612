"""Registers the file tracker and the file HR record as the embedded defaults."""

from __future__ import annotations

from careerconv_core.hookspecs import AdapterKind, AdapterSpec, hookimpl
from careerconv_core.ports import HrisRecordWriter, TicketTracker
from careerconv_plugins.localfiles.hris_writer_adapter import FileSummaries
from careerconv_plugins.localfiles.tracker_adapter import FileTracker


@hookimpl
def careerconv_ticket_trackers() -> list[AdapterSpec[TicketTracker]]:
    """The embedded tracker: ticket files in a folder."""
    return [
        AdapterSpec(
            AdapterKind.TRACKER,
            "files",
            FileTracker,
            "GROW actions as JSON files in a folder (no server)",
            ("directory",),
        )
    ]


@hookimpl
def careerconv_hris_writers() -> list[AdapterSpec[HrisRecordWriter]]:
    """The embedded HR record: summary files in a folder."""
    return [
        AdapterSpec(
            AdapterKind.HRIS_WRITER,
            "files",
            FileSummaries,
            "plan summaries as JSON files in a folder (no server)",
            ("directory",),
        )
    ]
