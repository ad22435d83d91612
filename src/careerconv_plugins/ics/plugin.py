"""Registers the ``ics`` calendar backend, the embedded default."""

from __future__ import annotations

from collections.abc import Iterable

from careerconv_core.hookspecs import AdapterKind, AdapterSpec, hookimpl
from careerconv_core.ports import CalendarBackend
from careerconv_plugins.ics.adapter import from_settings


@hookimpl
def careerconv_calendar_backends() -> Iterable[AdapterSpec[CalendarBackend]]:
    """The ``ics`` backend: one .ics file per invite and one per person, in a folder."""
    return [
        AdapterSpec(
            kind=AdapterKind.CALENDAR,
            name="ics",
            factory=from_settings,
            summary="RFC 5545 files on disk: one per invite, one per person",
            settings=("directory",),
        )
    ]
