"""One event, whichever way it arrives (issue 15, item 3).

A person reached through several calendars at once (``.ics`` files, iMIP
mail through a real aiosmtpd, CalDAV on a real Radicale, Google Calendar
through its stateful fake) must see one event per meeting: each copy carries
the same UID, SEQUENCE and ORGANIZER, after the first delivery and after a
move alike, so a calendar that receives two of them merges them instead of
showing two. Microsoft 365 gives each event a UID of its own (Graph's
``iCalUId`` is read-only), so a configuration that would mail the same
people by iMIP as well is refused.
"""

from __future__ import annotations

import email
import email.policy
import json
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from careerconv.cli import main
from careerconv_plugins.google.auth import SCOPES
from fakes.fake_google import running
from servers.calendars import CalendarServer
from servers.smtp import SmtpServer
from support.caldav import events
from support.cli import Cli, ready_home

pytestmark = pytest.mark.servers
ENV = "TEST_ONE_EVENT_CALDAV_PASSWORD"
MAYA = "maya.okafor@example.com"


def _ics(folder: Path) -> dict[str, icalendar.Event]:
    """The invite files, by UID; each person's calendar file must hold the very same events."""
    found: dict[str, icalendar.Event] = {}
    for path in (folder / "invites").glob("*.ics"):
        for event in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
            uid = str(event["UID"])
            assert uid not in found, f"two files hold {uid}"
            found[uid] = event
    for path in (folder / "people").glob("*.ics"):
        for event in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
            assert _identity(event) == _identity(found[str(event["UID"])]), path.name
    return found


def _mailed(smtp: SmtpServer) -> dict[str, icalendar.Event]:
    """The last invite mailed per UID (what the attendee's mail client keeps)."""
    found: dict[str, icalendar.Event] = {}
    for received in smtp.handler.messages:
        message = email.message_from_bytes(received.raw, policy=email.policy.default)
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                for event in icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT"):
                    found[str(event["UID"])] = event
    return found


def _identity(event: icalendar.Event) -> tuple[str, int, str]:
    return (str(event["UID"]), int(event.get("SEQUENCE", 0)), str(event["ORGANIZER"]).lower())


def test_ics_imip_and_caldav_carry_the_same_uid_sequence_and_organizer(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: SmtpServer,
    radicale: CalendarServer,
) -> None:
    url = f"{radicale.home_url}career-{uuid.uuid4().hex[:10]}/"
    cli = ready_home(Cli(tmp_path, capsys, monkeypatch), ("jonas",))
    caldav = f'url = "{url}", timeout = "10"'
    if radicale.password:
        monkeypatch.setenv(ENV, radicale.password)
        caldav += f', user = "{radicale.user}", password_env = "{ENV}"'
    config = cli.home / "careerconv.toml"
    config.write_text(
        config.read_text()
        + f'\n[[calendar]]\nadapter = "imip"\nsettings = {{ host = "127.0.0.1", port = {smtp_server.port}, '
        'security = "none", from_address = "careers@example.com", state_directory = "imip-state" }\n'
        f'\n[[calendar]]\nadapter = "caldav"\nsettings = {{ {caldav} }}\n'
    )
    cli("schedule", "jonas")
    cli("dispatch")
    for round_ in ("placed", "moved"):
        files, mailed, on_caldav = _ics(tmp_path / "invites"), _mailed(smtp_server), events(url, radicale)
        assert len(files) == 3 and files.keys() == mailed.keys() == on_caldav.keys(), round_
        for uid in files:
            same = {_identity(files[uid]), _identity(mailed[uid]), _identity(on_caldav[uid])}
            assert len(same) == 1, (
                f"{round_}: {uid} differs between the ics file, the mail and CalDAV: {same}"
            )
            assert "maya.okafor@example.com" in _identity(files[uid])[2]
        if round_ == "placed":
            life_story = next(u for u in files if "life_story" in u)
            start = files[life_story].decoded("DTSTART").astimezone()
            # Earlier on its day, in Maya's own time: the order and the one-month window still hold.
            local = start.astimezone(ZoneInfo("Europe/Berlin"))
            earlier = local.replace(hour=10 if local.hour != 10 else 11, minute=0, tzinfo=None)
            cli("reschedule", "jonas", "life_story", "--to", earlier.isoformat())
            cli("dispatch")
    assert _identity(_ics(tmp_path / "invites")[life_story])[1] == 1, "the move raised SEQUENCE by one"


def _move_earlier(cli: Cli, files: dict[str, icalendar.Event]) -> str:
    """Move the life story earlier on its day (Maya's time) and deliver; its uid."""
    life_story = next(u for u in files if "life_story" in u)
    local = files[life_story].decoded("DTSTART").astimezone(ZoneInfo("Europe/Berlin"))
    earlier = local.replace(hour=10 if local.hour != 10 else 11, minute=0, tzinfo=None)
    cli("reschedule", "jonas", "life_story", "--to", earlier.isoformat())
    cli("dispatch")
    return life_story


def _google_identity(event: dict[str, Any]) -> tuple[str, int, str]:
    return (str(event["iCalUID"]), int(event["sequence"]), f"mailto:{event['organizer']['email']}".lower())


def test_google_imip_and_ics_carry_the_same_uid_sequence_and_organizer(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: SmtpServer,
) -> None:
    with running() as google:
        google.state.users |= {MAYA, "jonas.weber@example.com"}
        google.state.granted_scopes |= set(SCOPES)
        key_file = tmp_path / "google-key.json"
        key_file.write_text(json.dumps(google.add_service_account("cc@careers-test.iam.gserviceaccount.com")))
        key_file.chmod(0o600)
        cli = ready_home(Cli(tmp_path, capsys, monkeypatch), ("jonas",))
        config = cli.home / "careerconv.toml"
        config.write_text(
            config.read_text() + f'\n[[calendar]]\nadapter = "imip"\nsettings = {{ host = "127.0.0.1", '
            f'port = {smtp_server.port}, security = "none", from_address = "careers@example.com", '
            'state_directory = "imip-state" }\n'
            f'\n[[calendar]]\nadapter = "google"\nsettings = {{ credentials_file = "{key_file}", '
            f'api_url = "{google.api_url}", token_uri = "{google.token_uri}", '
            'state_directory = "google-state" }\n'
        )
        cli("schedule", "jonas")
        cli("dispatch")
        for round_ in ("placed", "moved"):
            files, mailed, on_google = _ics(tmp_path / "invites"), _mailed(smtp_server), google.by_uid(MAYA)
            assert len(files) == 3 and files.keys() == mailed.keys() == on_google.keys(), round_
            for uid in files:
                same = {_identity(files[uid]), _identity(mailed[uid]), _google_identity(on_google[uid])}
                assert len(same) == 1, (
                    f"{round_}: {uid} differs between the ics file, the mail and Google: {same}"
                )
                assert same.pop()[::2] == (uid, f"mailto:{MAYA}")
            if round_ == "placed":
                life_story = _move_earlier(cli, files)
        assert _google_identity(google.by_uid(MAYA)[life_story])[1] == 1, "the move raised SEQUENCE by one"
        assert _identity(_mailed(smtp_server)[life_story])[1] == 1
        assert len(google.events_of(MAYA, deleted=True)) == 3  # moved in place, never a second event


def test_a_microsoft_calendar_beside_imip_is_refused_naming_both_and_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    assert main(["--home", str(home), "init"]) == 0
    config = home / "careerconv.toml"
    config.write_text(
        config.read_text() + '\n[[calendar]]\nadapter = "imip"\n'
        'settings = { host = "127.0.0.1", from_address = "c@example.com" }\n'
        '\n[[calendar]]\nadapter = "microsoft"\nsettings = { tenant = "t", client_id = "c" }\n'
    )
    capsys.readouterr()
    assert main(["--home", str(home), "config", "check"]) != 0
    said = capsys.readouterr()
    text = said.out + said.err
    assert "calendar 'microsoft' and calendar 'imip'" in text and "[[calendar]] #3" in text
    assert "two copies" in text and "Fix: keep one of the two [[calendar]] tables" in text
    assert "Traceback" not in text
    google_instead = config.read_text().replace('adapter = "microsoft"', 'adapter = "google"')
    config.write_text(google_instead.replace('tenant = "t", client_id = "c"', 'credentials_env = "X"'))
    assert main(["--home", str(home), "config", "check"]) == 0  # Google keeps the invite's UID
