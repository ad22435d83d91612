"""Attendees' iMIP REPLYs read from a real IMAP mailbox: Dovecot from Debian's packages.

The mail is put in with IMAP APPEND, as delivery would; the ``imip`` adapter
is built from its settings as careerconv.toml gives them, and read through
the ``AnswersRead`` port.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import icalendar
import pytest

from careerconv_core.errors import AdapterError, ConfigurationError
from careerconv_core.ports import AnswersRead, AttendeeAnswer
from careerconv_plugins.mail.calendar_adapter import REPLIES_STATE, ImipCalendar, imip_from_settings
from careerconv_plugins.mail.imap import MOST_BYTES
from careerconv_plugins.mail.replies import replies_of
from servers.imap import IMAP_PASSWORD, IMAP_USER, ImapServer
from servers.smtp import SmtpServer
from support.invites import invite, moved

pytestmark = pytest.mark.servers

ENV = "CAREERCONV_TEST_IMAP_PASSWORD"
UID = "plan1-life_story@careerconv"
OTHER = "plan1-pinnacle@careerconv"


def reply(
    uid: str,
    address: str,
    partstat: str,
    *,
    sequence: int = 0,
    stamp: datetime = datetime(2026, 12, 1, 9, tzinfo=UTC),
    method: str = "REPLY",
) -> bytes:
    """An iMIP REPLY as a calendar client sends it (RFC 6047): text/calendar; method=REPLY."""
    cal = icalendar.Calendar()
    cal.add("PRODID", "-//Example Mail//EN")
    cal.add("VERSION", "2.0")
    cal.add("METHOD", method)
    event = icalendar.Event()
    event.add("UID", uid)
    event.add("SEQUENCE", sequence)
    event.add("DTSTAMP", stamp)
    event.add("DTSTART", datetime(2026, 12, 2, 9, tzinfo=UTC))
    event.add("ORGANIZER", "mailto:maya@example.com")
    attendee = icalendar.vCalAddress(f"mailto:{address}")
    attendee.params["PARTSTAT"] = icalendar.vText(partstat)
    event.add("ATTENDEE", attendee)
    cal.add_component(event)
    message = EmailMessage()
    message["From"] = address
    message["To"] = "careers@example.com"
    message["Subject"] = f"{partstat.title()}: career conversation"
    message.set_content("The answer is in the calendar part.")
    message.add_attachment(
        cal.to_ical(), maintype="text", subtype="calendar", params={"method": method}, disposition="inline"
    )
    return message.as_bytes()


def plain(subject: str) -> bytes:
    message = EmailMessage()
    message["From"] = "someone@example.com"
    message["Subject"] = subject
    message.set_content("not a calendar answer")
    return message.as_bytes()


def _imip(server: ImapServer, state: Path | None = None, **extra: str) -> ImipCalendar:
    settings = {
        "host": "smtp.invalid",
        "imap_host": "127.0.0.1",
        "imap_port": str(server.port),
        "imap_security": "none",
        "imap_user": IMAP_USER,
        "imap_password_env": ENV,
        **({"state_directory": str(state)} if state else {}),
        **extra,
    }
    return imip_from_settings(settings, environ={ENV: IMAP_PASSWORD})


def test_replies_are_read_newest_answer_per_attendee_and_uid(imap_server: ImapServer) -> None:
    later = datetime(2026, 12, 1, 12, tzinfo=UTC)
    imap_server.append(reply(UID, "rae@example.com", "DECLINED", sequence=1))
    imap_server.append(reply(UID, "rae@example.com", "ACCEPTED", sequence=0, stamp=later))  # older SEQUENCE
    imap_server.append(reply(UID, "maya@example.com", "ACCEPTED", stamp=later))
    imap_server.append(reply(UID, "maya@example.com", "TENTATIVE"))  # same SEQUENCE, earlier DTSTAMP
    imap_server.append(reply(OTHER, "rae@example.com", "TENTATIVE"))
    backend = _imip(imap_server)
    assert isinstance(backend, AnswersRead)

    report = backend.answers([UID])

    assert report.available
    assert report.answers == {
        UID: {"rae@example.com": AttendeeAnswer.DECLINED, "maya@example.com": AttendeeAnswer.ACCEPTED}
    }, "only the uid asked, and per attendee the newest by SEQUENCE, then DTSTAMP"
    assert report.marks[UID]["rae@example.com"] == "1", "the SEQUENCE answered"


def test_mail_that_is_not_a_reply_is_left_alone_and_nothing_is_marked(imap_server: ImapServer) -> None:
    imap_server.append(plain("lunch on friday?"))
    imap_server.append(reply(UID, "rae@example.com", "DECLINED", method="REQUEST"))
    imap_server.append(b"Content-Type: text/calendar; method=REPLY\r\n\r\nBEGIN:VCALENDAR\r\nnot ical\r\n")
    imap_server.append(reply(UID, "rae@example.com", "TENTATIVE"))
    before = imap_server.flags()

    report = _imip(imap_server).answers([UID])

    assert report.answers == {UID: {"rae@example.com": AttendeeAnswer.TENTATIVE}}
    assert imap_server.count() == 4, "no message is deleted, understood or not"
    assert imap_server.flags() == before, "read with PEEK on a read-only folder: no flag changed"


def test_with_state_a_rerun_reads_no_message_twice_and_still_tells_the_answers(
    imap_server: ImapServer, tmp_path: Path
) -> None:
    imap_server.append(reply(UID, "rae@example.com", "DECLINED"))
    imap_server.append(plain("unrelated"))
    backend = _imip(imap_server, tmp_path)
    assert backend.answers([UID]).answers[UID]["rae@example.com"] is AttendeeAnswer.DECLINED
    assert backend.mailbox.fetched == 2  # type: ignore[attr-defined]
    assert (tmp_path / REPLIES_STATE).is_file()

    again = _imip(imap_server, tmp_path)  # a new process: the state is on disk
    assert again.answers([UID]).answers[UID]["rae@example.com"] is AttendeeAnswer.DECLINED
    assert again.mailbox.fetched == 0, "nothing new in the folder: nothing fetched"  # type: ignore[attr-defined]

    imap_server.append(reply(UID, "rae@example.com", "ACCEPTED", sequence=1))
    third = _imip(imap_server, tmp_path)
    assert third.answers([UID]).answers[UID]["rae@example.com"] is AttendeeAnswer.ACCEPTED
    assert third.mailbox.fetched == 1  # type: ignore[attr-defined]


def test_a_folder_rebuilt_under_the_same_name_is_read_again(imap_server: ImapServer, tmp_path: Path) -> None:
    imap_server.append(reply(UID, "rae@example.com", "DECLINED"), folder="Replies")
    backend = _imip(imap_server, tmp_path, imap_folder="Replies")
    backend.answers([UID])
    imap = imap_server.connect()
    imap.delete("Replies")
    imap.logout()
    imap_server.append(reply(UID, "rae@example.com", "ACCEPTED", sequence=2), folder="Replies")
    report = _imip(imap_server, tmp_path, imap_folder="Replies").answers([UID])
    assert report.answers[UID]["rae@example.com"] is AttendeeAnswer.ACCEPTED, "new UIDVALIDITY: read from 1"


def test_a_missing_folder_names_the_setting(imap_server: ImapServer) -> None:
    with pytest.raises(AdapterError, match=r"folder 'Answers' does not exist.*imap_folder") as caught:
        _imip(imap_server, imap_folder="Answers").answers([UID])
    assert caught.value.misconfigured


def test_a_wrong_password_names_the_settings_and_never_the_secret(imap_server: ImapServer) -> None:
    settings = {
        "host": "smtp.invalid",
        "imap_host": "127.0.0.1",
        "imap_port": str(imap_server.port),
        "imap_security": "none",
        "imap_user": IMAP_USER,
        "imap_password_env": ENV,
    }
    backend = imip_from_settings(settings, environ={ENV: "wrong-" + IMAP_PASSWORD})
    with pytest.raises(AdapterError, match=r"refused the login of 'replies'.*imap_password_env") as caught:
        backend.answers([UID])
    assert IMAP_PASSWORD not in str(caught.value) and "wrong-" not in str(caught.value)


def test_tls_with_the_servers_own_certificate(imap_server: ImapServer) -> None:
    imap_server.append(reply(UID, "rae@example.com", "DECLINED"))
    cert = imap_server.folder / "cert.pem"
    backend = _imip(imap_server, imap_port=str(imap_server.tls_port), imap_security="tls", ca_file=str(cert))
    assert backend.answers([UID]).answers[UID]["rae@example.com"] is AttendeeAnswer.DECLINED
    untrusted = _imip(imap_server, imap_port=str(imap_server.tls_port), imap_security="tls")
    with pytest.raises(AdapterError, match=r"TLS with the IMAP server .*'ca_file'"):
        untrusted.answers([UID])


def test_server_down_is_a_retry() -> None:
    from servers import free_port

    backend = imip_from_settings(
        {
            "host": "smtp.invalid",
            "imap_host": "127.0.0.1",
            "imap_port": str(free_port()),
            "imap_security": "none",
            "imap_user": "u",
            "imap_password_env": ENV,
        },
        environ={ENV: "x"},
    )
    with pytest.raises(AdapterError, match="could not reach the IMAP server") as caught:
        backend.answers([UID])
    assert caught.value.retryable


def test_without_imap_settings_the_backend_reads_no_answers() -> None:
    backend = imip_from_settings({"host": "smtp.invalid"})
    assert not isinstance(backend, AnswersRead)


@pytest.mark.parametrize(
    ("settings", "fix"),
    [
        ({"imap_user": "u"}, "without 'imap_host'"),
        ({"imap_host": "h", "imap_security": "ssl3"}, "'imap_security' must be"),
        ({"imap_host": "h", "imap_port": "0"}, "'imap_port' must be"),
        ({"imap_host": "h"}, "'imap_user' is missing"),
        ({"imap_host": "h", "imap_user": "u"}, "'imap_password_env' is missing"),
        ({"imap_host": "h", "imap_user": "u", "imap_password": "x"}, "do not put the password"),
        ({"imap_host": "h", "imap_user": "u", "imap_password_env": "NOT_SET_HERE"}, "is not set"),
    ],
)
def test_settings_are_checked_with_the_fix(settings: dict[str, str], fix: str) -> None:
    with pytest.raises(ConfigurationError, match=fix):
        imip_from_settings({"host": "smtp.invalid", **settings}, environ={})


def test_a_reply_with_several_events_and_no_partstat() -> None:
    raw = reply(UID, "rae@example.com", "DELEGATED")
    assert replies_of(raw) == [], "a PARTSTAT careerconv has no word for is not an answer"
    assert replies_of(plain("x")) == []


def test_mail_too_big_to_be_a_reply_is_not_fetched(imap_server: ImapServer) -> None:
    big = EmailMessage()
    big["From"] = "someone@example.com"
    big["Subject"] = "slides"
    big.set_content("see attached")
    big.add_attachment(b"x" * (MOST_BYTES + 1), maintype="application", subtype="octet-stream")
    imap_server.append(big.as_bytes())
    imap_server.append(reply(UID, "rae@example.com", "DECLINED"))
    backend = _imip(imap_server)
    assert backend.answers([UID]).answers == {UID: {"rae@example.com": AttendeeAnswer.DECLINED}}
    assert backend.mailbox.fetched == 1  # type: ignore[attr-defined]
    assert imap_server.count() == 2


def test_another_folder_is_read_from_its_start(imap_server: ImapServer, tmp_path: Path) -> None:
    imap_server.append(reply(UID, "rae@example.com", "DECLINED"))
    imap_server.append(plain("one"))
    _imip(imap_server, tmp_path).answers([UID])  # INBOX read up to UID 2
    imap_server.append(reply(UID, "maya@example.com", "ACCEPTED"), folder="Replies")  # UID 1 there
    # UIDVALIDITY is per folder: two folders may well share one (RFC 3501), as these do now.
    imap = imap_server.connect()
    imap.select("Replies", readonly=True)
    _, data = imap.response("UIDVALIDITY")
    imap.logout()
    state = tmp_path / REPLIES_STATE
    remembered = json.loads(state.read_text())
    remembered["uidvalidity"] = int(data[0])
    state.write_text(json.dumps(remembered))
    report = _imip(imap_server, tmp_path, imap_folder="Replies").answers([UID])
    assert report.answers[UID]["maya@example.com"] is AttendeeAnswer.ACCEPTED, "UID 1 of Replies is read"
    assert report.answers[UID]["rae@example.com"] is AttendeeAnswer.DECLINED, "answers read before are kept"


def test_a_reply_mailed_twice_is_one_answer_and_one_to_the_moved_meeting_is_another(
    imap_server: ImapServer,
) -> None:
    imap_server.append(reply(UID, "rae@example.com", "DECLINED", sequence=0))
    first = _imip(imap_server).answers([UID]).marks[UID]["rae@example.com"]
    later = datetime(2026, 12, 1, 10, tzinfo=UTC)
    imap_server.append(reply(UID, "rae@example.com", "DECLINED", sequence=0, stamp=later))
    assert _imip(imap_server).answers([UID]).marks[UID]["rae@example.com"] == first
    imap_server.append(reply(UID, "rae@example.com", "DECLINED", sequence=1, stamp=later))
    assert _imip(imap_server).answers([UID]).marks[UID]["rae@example.com"] != first


def test_a_late_reply_to_the_time_before_a_move_is_left_out(
    imap_server: ImapServer, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    first = invite(UID)
    backend = _imip(imap_server, tmp_path, host="127.0.0.1", port=str(smtp_server.port), security="none")
    assert backend.deliver_invites([first])[0].ok
    assert backend.deliver_invites([moved(first)])[0].ok  # now SEQUENCE 1
    imap_server.append(reply(UID, "rae@example.com", "DECLINED", sequence=0))  # to the old time
    imap_server.append(reply(UID, "maya@example.com", "ACCEPTED", sequence=1))
    report = backend.answers([UID])
    assert report.answers == {UID: {"maya@example.com": AttendeeAnswer.ACCEPTED}}
    imap_server.append(reply(UID, "rae@example.com", "TENTATIVE", sequence=1))
    assert backend.answers([UID]).answers[UID]["rae@example.com"] is AttendeeAnswer.TENTATIVE
