"""Registers the ``caldav`` calendar backend."""

from __future__ import annotations

from collections.abc import Iterable

from careerconv_core.hookspecs import AdapterKind, AdapterSpec, hookimpl
from careerconv_plugins.caldav.backend import from_settings

SETTINGS = (
    "url", "user", "password_env", "timeout", "on_cancel",
    "create_calendar", "calendar_name", "busy_urls",
)


@hookimpl
def careerconv_calendar_backends() -> Iterable[AdapterSpec]:
    """The ``caldav`` backend: events on a CalDAV server, with free/busy."""
    return [
        AdapterSpec(
            kind=AdapterKind.CALENDAR,
            name="caldav",
            factory=from_settings,
            summary="events on a CalDAV server (Nextcloud, Fastmail, iCloud, Radicale, ...)",
            settings=SETTINGS,
        )
    ]
