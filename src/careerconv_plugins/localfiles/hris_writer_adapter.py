"""The embedded HR record: one JSON file per plan summary, named by its external id."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from careerconv_core import serialization
from careerconv_core.ports import DeliveryOutcome
from careerconv_core.views import HrisSummaryView
from careerconv_plugins.localfiles.client import JsonFolder


class FileSummaries:
    """An ``HrisRecordWriter`` writing the summary view, and nothing else, to a folder."""

    def __init__(self, settings: Mapping[str, str]) -> None:
        self.folder = JsonFolder("files hris", settings.get("directory"))

    def deliver_summaries(self, summaries: Sequence[HrisSummaryView]) -> Sequence[DeliveryOutcome]:
        """Write each summary; the same summary twice writes once; a withdrawn one is deleted."""
        return [
            self.folder.remove(s.external_id)
            if s.withdrawn
            else self.folder.deliver(s.external_id, serialization.unstructure(s))
            for s in summaries
        ]

    def rebuild(self, summaries: Sequence[HrisSummaryView]) -> Sequence[DeliveryOutcome]:
        """Write every summary's file again (``ports.Rebuildable``): a missing one is restored."""
        return self.deliver_summaries(summaries)
