"""Registers the ``microsoft`` calendar backend (Microsoft 365 through Microsoft Graph).

The backend needs ``msal`` and ``requests`` (the ``microsoft`` extra); they are
imported only when configuration asks for this backend.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from careerconv_core.errors import ConfigurationError
from careerconv_core.hookspecs import AdapterKind, AdapterSpec, hookimpl
from careerconv_core.ports import CalendarBackend
from careerconv_core.setting import Setting, SettingType
from careerconv_plugins.files import folder_setting
from careerconv_plugins.settings import seconds_setting, service_url, shown_env

WHERE = "calendar 'microsoft'"
AUTHORITY = "https://login.microsoftonline.com"
GRAPH_URL = "https://graph.microsoft.com/v1.0"

SETTINGS = (
    Setting("tenant", help="the Directory (tenant) id of the app registration"),
    Setting("client_id", help="the Application (client) id of the app registration"),
    Setting(
        "client_secret_env",
        help="the environment variable that holds the app's client secret",
        default="CAREERCONV_GRAPH_SECRET",
    ),
    Setting(
        "mailbox",
        help="write every event into this mailbox instead of each organizer's own",
    ),
    Setting(
        "state_directory",
        SettingType.PATH,
        "folder where careerconv records the events it made (whose calendar, which id), so "
        "answers are read in the right mailbox and a deleted event is told from a new one",
        "microsoft-state",
    ),
    Setting("authority", help="the sign-in address (a national cloud's)", default=AUTHORITY),
    Setting("graph_url", help="Graph's address and version (a national cloud's)", default=GRAPH_URL),
    Setting("timeout", SettingType.NUMBER, "seconds to wait for Graph", default=10, minimum=1, maximum=120),
    Setting(
        "schedules_per_request",
        SettingType.INTEGER,
        "people asked in one getSchedule request",
        default=20,
        minimum=1,
        maximum=100,
    ),
)


def _https(settings: Mapping[str, str], name: str, default: str) -> str:
    value = settings.get(name, default).strip().rstrip("/") or default
    # msal accepts only an https authority, so http:// stays refused here even on this machine.
    if not value.startswith("https://"):
        raise ConfigurationError(f"{WHERE}: setting {name!r} must be an https:// address, like {default}")
    return service_url(value, where=WHERE, setting=name, example=default)


def make_backend(settings: Mapping[str, str], *, environ: Mapping[str, str] | None = None) -> CalendarBackend:
    """Build the Graph backend from its settings; the secret comes from ``$client_secret_env``.

    :raises ConfigurationError: a setting is missing or wrong (named, with the fix).
    """
    env = os.environ if environ is None else environ
    if "client_secret" in settings:
        raise ConfigurationError(
            f"{WHERE}: do not put the client secret in the settings; set 'client_secret_env' to "
            "the name of an environment variable that holds it"
        )
    tenant = settings.get("tenant", "").strip()
    client_id = settings.get("client_id", "").strip()
    for name, value, what in (
        ("tenant", tenant, "Directory (tenant)"),
        ("client_id", client_id, "Application (client)"),
    ):
        if not value:
            raise ConfigurationError(
                f"{WHERE}: setting {name!r} is missing; copy the {what} id from the app's "
                "overview page in the Entra admin center"
            )
    secret_env = settings.get("client_secret_env", "CAREERCONV_GRAPH_SECRET").strip()
    unusable: str | None = None
    if secret_env not in env or not env[secret_env]:
        missing = (
            f"{WHERE}: environment variable {shown_env(secret_env)} (setting 'client_secret_env') "
            "is not set; export it with the app's client secret"
        )
        if shown_env(secret_env) != secret_env:
            raise ConfigurationError(missing)  # not a variable's name (a secret pasted in its place?)
        # Only this calendar's deliveries wait for it; every other command and adapter works.
        unusable = missing
    try:
        per_request = int(settings.get("schedules_per_request", "20"))
    except ValueError:
        per_request = 0
    if not 1 <= per_request <= 100:
        raise ConfigurationError(
            f"{WHERE}: setting 'schedules_per_request' must be a whole number from 1 to 100"
        )
    try:
        from careerconv_plugins.microsoft.adapter import GraphCalendar  # noqa: PLC0415 - see module doc
        from careerconv_plugins.microsoft.client import GraphClient  # noqa: PLC0415
        from careerconv_plugins.microsoft.known import KnownEvents  # noqa: PLC0415
    except ImportError as exc:
        raise ConfigurationError(
            f"{WHERE} needs the 'microsoft' extra ({exc.name} is missing); install it with: "
            "pip install 'careerconv[microsoft]'"
        ) from None
    client = GraphClient(
        tenant=tenant,
        client_id=client_id,
        client_secret=env.get(secret_env, ""),
        authority=_https(settings, "authority", AUTHORITY),
        graph_url=_https(settings, "graph_url", GRAPH_URL),
        timeout=seconds_setting(settings, "timeout", where=WHERE, default=10, most=120),
    )
    known = KnownEvents(folder_setting(settings, "state_directory", where=WHERE), tenant)
    return GraphCalendar(
        client,
        mailbox=settings.get("mailbox", "").strip(),
        schedules_per_request=per_request,
        known=known,
        unusable=unusable,
    )


@hookimpl
def careerconv_calendar_backends() -> Iterable[AdapterSpec[CalendarBackend]]:
    """The ``microsoft`` backend: events in Microsoft 365 calendars, with free/busy and answers."""
    return [
        AdapterSpec(
            kind=AdapterKind.CALENDAR,
            name="microsoft",
            factory=make_backend,
            summary="events in Microsoft 365 (Exchange Online) calendars through Microsoft Graph",
            settings=SETTINGS,
        )
    ]
