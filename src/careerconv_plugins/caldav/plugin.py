"""Registers the ``caldav`` calendar backend.

The backend needs ``requests`` (the ``caldav`` extra). It is imported only when
configuration asks for this backend, so a plain install without the extra
still loads every plugin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from careerconv_core.errors import ConfigurationError
from careerconv_core.hookspecs import AdapterKind, AdapterSpec, hookimpl
from careerconv_core.ports import CalendarBackend
from careerconv_core.setting import Setting, SettingType

SETTINGS = (
    "url",
    "user",
    "password_env",
    Setting("timeout", SettingType.NUMBER, "seconds to wait for the server"),
    "on_cancel",
    Setting("create_calendar", SettingType.FLAG, "create the calendar collection when missing"),
    "calendar_name",
    "busy_urls",
)


def make_backend(settings: Mapping[str, str]) -> CalendarBackend:
    """Build the CalDAV backend from its settings (see ``adapter.from_settings``)."""
    try:
        from careerconv_plugins.caldav.adapter import from_settings  # noqa: PLC0415 - see module doc
    except ImportError as exc:
        raise ConfigurationError(
            f"calendar 'caldav' needs the 'caldav' extra ({exc.name} is missing); install it "
            "with: pip install 'careerconv[caldav]'"
        ) from None
    return from_settings(settings)


@hookimpl
def careerconv_calendar_backends() -> Iterable[AdapterSpec[CalendarBackend]]:
    """The ``caldav`` backend: events on a CalDAV server, with free/busy."""
    return [
        AdapterSpec(
            kind=AdapterKind.CALENDAR,
            name="caldav",
            factory=make_backend,
            summary="events on a CalDAV server (Nextcloud, Fastmail, iCloud, Radicale, ...)",
            settings=SETTINGS,
        )
    ]
