"""Registers the ``google`` calendar backend (Google Calendar API v3).

The backend needs ``google-auth`` and ``requests`` (the ``google`` extra).
They are imported only when configuration asks for this backend, so a plain
install without the extra still loads every plugin.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from careerconv_core.errors import ConfigurationError
from careerconv_core.hookspecs import AdapterKind, AdapterSpec, hookimpl
from careerconv_core.ports import (
    AnswersReport,
    BusyReport,
    CalendarBackend,
    DeliveryOutcome,
    OutcomeStatus,
)
from careerconv_core.setting import Setting, SettingType
from careerconv_core.views import InviteView, Participant
from careerconv_plugins.settings import seconds_setting, service_url, shown_env

_WHERE = "calendar 'google'"
_SEND_UPDATES = ("all", "externalOnly", "none")

SETTINGS = (
    Setting("credentials_env", help="variable holding the credentials JSON (service account or user)"),
    Setting("credentials_file", SettingType.PATH, "file holding the credentials JSON, readable only by you"),
    Setting("subject", help="act as this user for every invite (default: each invite's organizer)"),
    Setting("calendar_id", help="the calendar to write to", default="primary"),
    Setting("send_updates", help="who Google mails about changes: all, externalOnly, none", default="all"),
    Setting("scopes", help="OAuth scopes, space-separated (default: the two narrowest)"),
    Setting("api_url", help="the Calendar API base URL", default="https://www.googleapis.com/calendar/v3"),
    Setting("token_uri", help="the OAuth token endpoint (default: the one in the credentials)"),
    Setting("timeout", SettingType.NUMBER, "seconds to wait for Google", default=10, minimum=1, maximum=300),
    Setting(
        "max_attempts", SettingType.INTEGER, "requests per call at most", default=4, minimum=1, maximum=10
    ),
    Setting(
        "max_retry_wait",
        SettingType.NUMBER,
        "longest wait in place; a longer Retry-After goes back to the outbox",
        default=30,
        minimum=0,
        maximum=600,
    ),
    Setting("state_directory", SettingType.PATH, "where each invite's organizer is kept, for answers"),
)


def _credentials_info(
    settings: Mapping[str, str], environ: Mapping[str, str]
) -> tuple[dict[str, object], str]:
    """The credentials JSON and the setting it came from."""
    if "credentials" in settings or "private_key" in settings:
        raise ConfigurationError(
            f"{_WHERE}: do not put credentials in the settings; set 'credentials_env' to the name of "
            "an environment variable that holds the JSON, or 'credentials_file' to its file"
        )
    name = settings.get("credentials_env", "").strip()
    path = settings.get("credentials_file", "").strip()
    if name:
        if shown_env(name) != name:
            raise ConfigurationError(
                f"{_WHERE}: setting 'credentials_env' must be the name of an environment variable "
                "(upper case), not the credentials themselves"
            )
        if name not in environ:
            raise ConfigurationError(
                f"{_WHERE}: environment variable {name} (setting 'credentials_env') is not set; "
                "export it with the service account key or the user's OAuth credentials JSON"
            )
        text, where = environ[name], f"setting 'credentials_env' ({name})"
    elif path:
        try:
            text = Path(path).expanduser().read_text(encoding="utf-8")
        except OSError:
            raise ConfigurationError(
                f"{_WHERE}: cannot read {path} (setting 'credentials_file'); give the path of the "
                "downloaded JSON key"
            ) from None
        where = "setting 'credentials_file'"
    else:
        raise ConfigurationError(
            f"{_WHERE}: no credentials; set 'credentials_env' (a variable holding the JSON) or "
            "'credentials_file' (see docs/adapters/google.md for how to make them)"
        )
    try:
        info = json.loads(text)
    except ValueError:
        raise ConfigurationError(f"{_WHERE}: {where} is not JSON; give the downloaded JSON as is") from None
    if not isinstance(info, dict):
        raise ConfigurationError(f"{_WHERE}: {where} must hold one JSON object")
    return info, where


HELD_FOR = 3600.0
"""Seconds an invite waits when the credentials' variable is not set: nothing is wrong with it."""


class Unusable:
    """The backend while its credentials' variable is unset: every other adapter still delivers.

    Invites are held (``RETRY``, an hour later), not failed: they go out once
    the variable is set. Free/busy and answers say why they are unavailable.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def deliver_invites(self, invites: Sequence[InviteView]) -> Sequence[DeliveryOutcome]:
        """One held outcome per invite, naming the setting to fix."""
        why = f"configuration: {self.reason}"
        return [DeliveryOutcome(v.uid, OutcomeStatus.RETRY, why, HELD_FOR) for v in invites]

    def busy(self, people: Sequence[Participant], start: datetime, end: datetime) -> BusyReport:
        """Unavailable, and why."""
        return BusyReport(busy={}, available=False, reason=self.reason)

    def answers(self, uids: Sequence[str]) -> AnswersReport:
        """Unavailable, and why."""
        return AnswersReport(answers={}, available=False, reason=self.reason)


def _int(settings: Mapping[str, str], name: str, default: int, most: int) -> int:
    raw = str(settings.get(name, default)).strip()
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        raise ConfigurationError(f"{_WHERE}: setting {name!r} must be a whole number from 1 to {most}")
    return int(raw)


def make_backend(settings: Mapping[str, str], *, environ: Mapping[str, str] | None = None) -> CalendarBackend:
    """Build the Google backend from its settings (see ``docs/adapters/google.md``)."""
    env = os.environ if environ is None else environ
    try:
        from careerconv_plugins.google.adapter import GoogleCalendar  # noqa: PLC0415 - see module doc
        from careerconv_plugins.google.auth import SCOPES, Tokens  # noqa: PLC0415
        from careerconv_plugins.google.client import API_URL, GoogleClient  # noqa: PLC0415
    except ImportError as exc:
        raise ConfigurationError(
            f"calendar 'google' needs the 'google' extra ({exc.name} is missing); install it "
            "with: pip install 'careerconv[google]'"
        ) from None
    from careerconv_plugins.files import folder_setting  # noqa: PLC0415

    send_updates = settings.get("send_updates", "all").strip()
    if send_updates not in _SEND_UPDATES:
        raise ConfigurationError(
            f"{_WHERE}: setting 'send_updates' must be one of {', '.join(_SEND_UPDATES)} "
            "(who Google mails about new, changed and cancelled events)"
        )
    urls = {k: settings.get(k, "").strip() for k in ("api_url", "token_uri")}
    examples = {"api_url": API_URL, "token_uri": "https://oauth2.googleapis.com/token"}
    for key, url in urls.items():
        if url:
            service_url(url, where=_WHERE, setting=key, example=examples[key])
    scopes = tuple(settings.get("scopes", "").split()) or SCOPES
    timeout = seconds_setting(settings, "timeout", where=_WHERE, default=10, most=300)
    wait = str(settings.get("max_retry_wait", "30")).strip()
    try:
        max_wait = float(wait)
    except ValueError:
        max_wait = -1.0
    if not 0 <= max_wait <= 600:
        raise ConfigurationError(f"{_WHERE}: setting 'max_retry_wait' must be seconds from 0 to 600")
    subject = settings.get("subject", "").strip() or None
    if subject and "@" not in subject:
        raise ConfigurationError(f"{_WHERE}: setting 'subject' must be a user's e-mail address")
    name = settings.get("credentials_env", "").strip()
    if name and shown_env(name) == name and name not in env and not settings.get("credentials_file"):
        try:
            _credentials_info(settings, env)
        except ConfigurationError as unset:
            return Unusable(str(unset))
    info, where = _credentials_info(settings, env)
    tokens = Tokens(info, scopes=scopes, token_uri=urls["token_uri"], timeout=timeout, where=where)
    client = GoogleClient(
        tokens,
        api_url=urls["api_url"] or API_URL,
        timeout=timeout,
        max_attempts=_int(settings, "max_attempts", 4, 10),
        max_retry_wait=max_wait,
    )
    return GoogleCalendar(
        client,
        calendar_id=settings.get("calendar_id", "").strip() or "primary",
        subject=subject,
        send_updates=send_updates,
        state_directory=folder_setting(settings, "state_directory", where=_WHERE),
    )


@hookimpl
def careerconv_calendar_backends() -> Iterable[AdapterSpec[CalendarBackend]]:
    """The ``google`` backend: events in Google Calendar, with free/busy and attendees' answers."""
    return [
        AdapterSpec(
            kind=AdapterKind.CALENDAR,
            name="google",
            factory=make_backend,
            summary="events in Google Calendar (Workspace or a personal account), free/busy, answers",
            settings=SETTINGS,
        )
    ]
