"""``careerconv sync-answers``, ``status`` and ``due`` on a home whose invites go out by iMIP mail
(a real aiosmtpd) and whose attendees' REPLYs come back to a real IMAP mailbox (Dovecot)."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from servers.imap import IMAP_PASSWORD, IMAP_USER, ImapServer
from servers.smtp import SmtpServer
from support.cli import Cli, ready_home
from support.example_team import org_without

pytestmark = pytest.mark.servers

ENV = "CAREERCONV_TEST_IMAP_PASSWORD"


def _with_imip(cli: Cli, smtp: SmtpServer, imap: ImapServer) -> None:
    config = cli.home / "careerconv.toml"
    settings = {
        "host": "127.0.0.1",
        "port": smtp.port,
        "security": "none",
        "from_address": "careers@example.com",
        "state_directory": "imip-state",
        "imap_host": "127.0.0.1",
        "imap_port": imap.port,
        "imap_security": "none",
        "imap_user": IMAP_USER,
        "imap_password_env": ENV,
    }
    table = ", ".join(f"{k} = {json.dumps(v)}" for k, v in settings.items())
    config.write_text(config.read_text() + f'\n[[calendar]]\nadapter = "imip"\nsettings = {{ {table} }}\n')


def _invite_of(smtp: SmtpServer, summary_word: str) -> icalendar.Event:
    for received in smtp.handler.messages:
        message = email.message_from_bytes(received.raw, policy=email.policy.default)
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                event = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
                if summary_word in str(event["SUMMARY"]):
                    return event
    raise AssertionError(f"no invite mailed for {summary_word}")


def _reply(event: icalendar.Event, address: str, partstat: str) -> bytes:
    """What a calendar client mails back when the attendee declines (RFC 6047)."""
    cal = icalendar.Calendar()
    cal.add("PRODID", "-//Example Mail//EN")
    cal.add("VERSION", "2.0")
    cal.add("METHOD", "REPLY")
    answer = icalendar.Event()
    for name in ("UID", "SEQUENCE", "DTSTART", "DTEND", "ORGANIZER"):
        answer.add(name, event.decoded(name) if name in ("DTSTART", "DTEND") else event[name])
    answer.add("DTSTAMP", event.decoded("DTSTAMP"))
    attendee = icalendar.vCalAddress(f"mailto:{address}")
    attendee.params["PARTSTAT"] = icalendar.vText(partstat)
    answer.add("ATTENDEE", attendee)
    cal.add_component(answer)
    message = email.message.EmailMessage()
    message["From"] = address
    message["To"] = "careers@example.com"
    message["Subject"] = "Declined"
    message.set_content("Declined.")
    message.add_attachment(cal.to_ical(), maintype="text", subtype="calendar", params={"method": "REPLY"})
    return message.as_bytes()


def test_a_declined_conversation_is_read_back_told_shown_and_moved_with_one_command(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: SmtpServer,
    imap_server: ImapServer,
) -> None:
    monkeypatch.setenv(ENV, IMAP_PASSWORD)
    cli = ready_home(Cli(tmp_path, capsys, monkeypatch), ("jonas",))
    _with_imip(cli, smtp_server, imap_server)
    cli("schedule", "jonas")
    cli("dispatch")
    event = _invite_of(smtp_server, "life story")
    imap_server.append(_reply(event, "jonas.weber@example.com", "DECLINED"))

    out = cli("sync-answers", "-v")
    assert "imip: 3 meeting(s) asked, 1 answer(s) read" in out
    assert "jonas: Career conversation 1: your life story at" in out and "jonas declined" in out
    assert "1 notice(s) to the manager queued" in out
    assert "ics:" not in out, "the ics files cannot tell answers: not asked"

    monkeypatch.delenv(ENV)  # status reads the store only: no calendar is built for it
    status = cli("status")
    monkeypatch.setenv(ENV, IMAP_PASSWORD)
    assert "answers: 1 upcoming meeting(s) declined, tentative or deleted" in status
    assert "declined by Jonas Weber (jonas)" in status and "Europe/Berlin" in status
    assert "move it: 'careerconv reschedule jonas life_story --to " in status
    due = cli("due")
    assert "declined by Jonas Weber (jonas)" in due

    again = cli("sync-answers")
    assert "notice(s) to the manager queued" not in again, "the same REPLY read again tells nobody"

    cli("dispatch")
    mails = [p.read_text() for p in (tmp_path / "mail").rglob("*.eml")]
    declined = [m for m in mails if "Jonas Weber declined Career conversation 1" in m]
    assert len(declined) == 1 and "maya.okafor@example.com" in declined[0]

    # Earlier on its day, in Maya's own time: the order and the month still hold.
    start = event.decoded("DTSTART").astimezone(ZoneInfo("Europe/Berlin"))
    earlier = start.replace(hour=10 if start.hour != 10 else 11, minute=0, tzinfo=None)
    cli("reschedule", "jonas", "life_story", "--to", earlier.isoformat())
    assert "declined" not in cli("status"), "the move answers the decline"


def test_a_decline_on_the_plan_of_a_manager_who_left_is_still_shown(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: SmtpServer,
    imap_server: ImapServer,
) -> None:
    monkeypatch.setenv(ENV, IMAP_PASSWORD)
    cli = ready_home(Cli(tmp_path, capsys, monkeypatch), ("jonas",))
    _with_imip(cli, smtp_server, imap_server)
    cli("schedule", "jonas")
    cli("dispatch")
    imap_server.append(_reply(_invite_of(smtp_server, "life story"), "jonas.weber@example.com", "DECLINED"))
    cli("sync-answers")
    team = ("jonas", "aylin", "lukas", "sofia", "emil", "priya", "marcus", "hannah")
    cli(
        "org", "import", str(org_without(tmp_path, "maya", dict.fromkeys(team, "daniel"))), "--remove-missing"
    )
    # The plan still names Maya until the handoff is answered: both commands read it and answer.
    assert "outbox:" in cli("status")
    cli("due")
