"""Mail adapters against a real aiosmtpd: iMIP invites, notices by SMTP, notices as files."""

from __future__ import annotations

import errno
import os
import socket
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from attrs import evolve

from careerconv_core.errors import ConfigurationError
from careerconv_core.hookspecs import AdapterKind
from careerconv_core.plugins import make_plugin_manager
from careerconv_core.ports import CalendarBackend, Notifier, OutcomeStatus
from careerconv_core.views import NoticeKind, NoticeView, Participant
from careerconv_plugins import files
from careerconv_plugins.mail import plugin as mail_plugin
from careerconv_plugins.mail.calendar_adapter import ImipCalendar, imip_from_settings
from careerconv_plugins.mail.notifier_adapter import mailfiles_from_settings, smtp_from_settings
from servers.smtp import SMTP_PASSWORD, SMTP_USER, SmtpServer
from support.ics_parsers import check_ics
from support.invites import AGENDA, MANAGER, QUESTIONS, REPORT, cancelled, invite, moved

pytestmark = pytest.mark.servers

ENV = "CAREERCONV_TEST_SMTP_PASSWORD"

# aiosmtpd warns when AUTH is offered without TLS; on loopback in a test that is intended.
plain_auth = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


def _imip(smtp: SmtpServer, **extra: str) -> ImipCalendar:
    settings = {"host": "127.0.0.1", "port": str(smtp.port), "security": "none", **extra}
    return imip_from_settings(settings, environ={ENV: SMTP_PASSWORD})


def _calendar_part(message: EmailMessage) -> EmailMessage:
    return next(p for p in message.walk() if p.get_content_type() == "text/calendar")


def _text_part(message: EmailMessage) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    content = part.get_content()
    assert isinstance(content, str)
    return content


def _notice(key: str = "n-plan1-checkin-2027-02", recipient: Participant = REPORT) -> NoticeView:
    return NoticeView(
        key=key,
        kind=NoticeKind.CHECK_IN_DUE,
        recipient=recipient,
        subject="Career check-in due this month",
        body="Add a 5-10 minute career check-in to your next 1:1, not as the last item.",
        due=date(2027, 2, 15),
    )


def test_invite_is_a_real_imip_request_with_a_plain_text_agenda(smtp_server: SmtpServer) -> None:
    view = invite()
    [outcome] = _imip(smtp_server).deliver_invites([view])
    assert outcome.status is OutcomeStatus.DELIVERED
    [received] = smtp_server.messages
    assert received.rcpt_tos == ["ravi@example.com"]
    message = received.message
    assert message.get_content_type() == "multipart/alternative"
    assert message["Content-Class"] == "urn:content-classes:calendarmessage"
    assert message["From"].addresses[0].addr_spec == "mara@example.com"
    assert message["Subject"] == "Invitation: Career conversation 1: Life story"
    text = _text_part(message)
    assert all(item in text for item in AGENDA + QUESTIONS)
    assert "(Europe/Berlin)" in text
    part = _calendar_part(message)
    assert part.get_param("method") == "REQUEST"
    cal = check_ics(part.get_content(), expect_events=1)
    assert cal["METHOD"] == "REQUEST"
    [event] = cal.walk("VEVENT")
    assert event["UID"] == view.uid
    assert [str(a) for a in [event["ATTENDEE"]]] == ["mailto:ravi@example.com"]
    assert "X-CAREERCONV-ID" not in part.get_content()


def test_update_and_cancel_keep_the_uid(smtp_server: SmtpServer) -> None:
    backend = _imip(smtp_server)
    view = invite()
    backend.deliver_invites([view])
    backend.deliver_invites([moved(view)])
    backend.deliver_invites([cancelled(moved(view))])
    subjects = [m.message["Subject"] for m in smtp_server.messages]
    assert subjects == [
        "Invitation: Career conversation 1: Life story",
        "Updated invitation: Career conversation 1: Life story",
        "Cancelled: Career conversation 1: Life story",
    ]
    events = []
    for received in smtp_server.messages:
        part = _calendar_part(received.message)
        cal = check_ics(part.get_content(), expect_events=1)
        assert cal["METHOD"] == part.get_param("method")
        events.append(next(iter(cal.walk("VEVENT"))))
    assert [(e["UID"], e["SEQUENCE"]) for e in events] == [(view.uid, n) for n in (0, 1, 2)]
    assert events[2]["STATUS"] == "CANCELLED"
    ids = {m.message["Message-ID"] for m in smtp_server.messages}
    assert len(ids) == 3


def test_with_state_an_unchanged_invite_is_not_mailed_again(smtp_server: SmtpServer, tmp_path: Path) -> None:
    backend = _imip(smtp_server, state_directory=str(tmp_path / "sent"))
    view = invite()
    assert backend.deliver_invites([view])[0].status is OutcomeStatus.DELIVERED
    assert backend.deliver_invites([view])[0].status is OutcomeStatus.UNCHANGED
    assert len(smtp_server.messages) == 1
    # A change the caller forgot to number still goes out one SEQUENCE higher.
    later = moved(view)
    backend.deliver_invites([evolve(later, sequence=view.sequence)])
    assert len(smtp_server.messages) == 2
    [event] = check_ics(_calendar_part(smtp_server.messages[1].message).get_content()).walk("VEVENT")
    assert event["SEQUENCE"] == 1


def test_refused_recipient_fails_naming_the_invite_and_the_person(
    smtp_server: SmtpServer,
) -> None:
    smtp_server.refuse.add("ravi@example.com")
    [outcome] = _imip(smtp_server).deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.FAILED
    assert "cc-plan1-conv1" in outcome.reason
    assert "r1" in outcome.reason
    assert "550" in outcome.reason
    assert "mailbox unavailable" not in outcome.reason
    assert smtp_server.messages == []


def test_partly_refused_invite_fails_without_resending_to_the_others(
    smtp_server: SmtpServer,
) -> None:
    other = Participant("r2", "Rae Other", "rae@example.com")
    smtp_server.refuse.add("rae@example.com")
    [outcome] = _imip(smtp_server).deliver_invites([invite(attendees=(REPORT, other))])
    assert outcome.status is OutcomeStatus.FAILED
    assert "r2" in outcome.reason
    assert "delivered to the 1 other" in outcome.reason
    assert [m.rcpt_tos for m in smtp_server.messages] == [["ravi@example.com"]]


def test_server_down_is_a_retry_for_every_invite() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    backend = imip_from_settings({"host": "127.0.0.1", "port": str(port), "security": "none", "timeout": "2"})
    outcomes = backend.deliver_invites([invite(), invite("cc-plan1-conv2")])
    assert [o.status for o in outcomes] == [OutcomeStatus.RETRY] * 2
    assert all("could not talk to the SMTP server" in o.reason for o in outcomes)


@plain_auth
def test_login_with_the_password_from_the_environment(smtp_auth_server: SmtpServer) -> None:
    backend = _imip(smtp_auth_server, user=SMTP_USER, password_env=ENV)
    assert backend.deliver_invites([invite()])[0].status is OutcomeStatus.DELIVERED
    assert SMTP_PASSWORD.encode() not in smtp_auth_server.messages[0].raw


@plain_auth
def test_wrong_password_fails_with_the_fix_and_no_secret(smtp_auth_server: SmtpServer) -> None:
    backend = imip_from_settings(
        {
            "host": "127.0.0.1",
            "port": str(smtp_auth_server.port),
            "security": "none",
            "user": SMTP_USER,
            "password_env": ENV,
        },
        environ={ENV: "not-the-password"},
    )
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.FAILED
    assert "password_env" in outcome.reason
    assert "not-the-password" not in outcome.reason
    assert smtp_auth_server.messages == []


def test_starttls_required_but_not_offered_fails_with_the_fix(smtp_server: SmtpServer) -> None:
    backend = imip_from_settings({"host": "127.0.0.1", "port": str(smtp_server.port)})
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.FAILED
    assert "'security'" in outcome.reason


def test_imip_cannot_tell_busy_times(smtp_server: SmtpServer) -> None:
    view = invite()
    report = _imip(smtp_server).busy([MANAGER], view.start, view.end)
    assert not report.available
    assert "working hours" in report.reason


def test_smtp_notifier_mails_each_notice(smtp_server: SmtpServer) -> None:
    notifier = smtp_from_settings(
        {
            "host": "127.0.0.1",
            "port": str(smtp_server.port),
            "security": "none",
            "from_address": "careers@example.com",
        }
    )
    other = Participant("r2", "Rae Other", "rae@example.com")
    smtp_server.refuse.add("rae@example.com")
    outcomes = notifier.deliver_notices([_notice(), _notice("n-2", other)])
    assert [o.status for o in outcomes] == [OutcomeStatus.DELIVERED, OutcomeStatus.FAILED]
    assert "r2" in outcomes[1].reason
    [received] = smtp_server.messages
    message = received.message
    assert received.rcpt_tos == ["ravi@example.com"]
    assert message["Subject"] == "Career check-in due this month"
    assert message["From"].addresses[0].addr_spec == "careers@example.com"
    body = message.get_content()
    assert "not as the last item" in body
    assert "Due: Monday 15 February 2027" in body


def test_smtp_sent_log_keeps_a_repeated_delivery_from_mailing_twice(
    smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = {
        "host": "127.0.0.1",
        "port": str(smtp_server.port),
        "security": "none",
        "from_address": "careers@example.com",
        "state_directory": str(tmp_path / "sent"),
    }
    first = smtp_from_settings(settings).deliver_notices([_notice()])
    # A new notifier (a restarted dispatcher) gets the same notice again.
    again = smtp_from_settings(settings).deliver_notices([_notice()])
    assert [o.status for o in first] == [OutcomeStatus.DELIVERED]
    assert [o.status for o in again] == [OutcomeStatus.UNCHANGED]
    assert len(smtp_server.messages) == 1
    changed_notice = evolve(_notice(), subject="Changed")
    changed = smtp_from_settings(settings).deliver_notices([changed_notice])
    assert [o.status for o in changed] == [OutcomeStatus.DELIVERED]  # a different notice goes out
    assert len(smtp_server.messages) == 2


def test_mailfiles_writes_one_eml_per_notice_once(tmp_path: Path) -> None:
    notifier = mailfiles_from_settings({"directory": str(tmp_path / "mail")})
    [outcome] = notifier.deliver_notices([_notice()])
    assert outcome.status is OutcomeStatus.DELIVERED
    path = notifier.path("n-plan1-checkin-2027-02")
    before = path.stat().st_mtime_ns
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"] == "Ravi Report <ravi@example.com>"
    assert message["Subject"] == "Career check-in due this month"
    assert notifier.deliver_notices([_notice()])[0].status is OutcomeStatus.UNCHANGED
    assert path.stat().st_mtime_ns == before


def test_mailfiles_full_disk_is_a_retry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notifier = mailfiles_from_settings({"directory": str(tmp_path / "mail")})

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", full)
    [outcome] = notifier.deliver_notices([_notice()])
    assert outcome.status is OutcomeStatus.RETRY
    assert "ENOSPC" in outcome.reason
    assert list((tmp_path / "mail").iterdir()) == []


def test_settings_are_checked_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="'host'"):
        imip_from_settings({})
    with pytest.raises(ConfigurationError, match="'security'"):
        imip_from_settings({"host": "h", "security": "ssl3"})
    with pytest.raises(ConfigurationError, match="'port'"):
        imip_from_settings({"host": "h", "port": "99999"})
    with pytest.raises(ConfigurationError, match="password_env"):
        imip_from_settings({"host": "h", "password": "x"})
    with pytest.raises(ConfigurationError, match="password_env"):
        imip_from_settings({"host": "h", "user": "u"})
    with pytest.raises(ConfigurationError, match="NOT_SET_HERE"):
        imip_from_settings({"host": "h", "user": "u", "password_env": "NOT_SET_HERE"}, environ={})
    with pytest.raises(ConfigurationError, match="'from_address'"):
        smtp_from_settings({"host": "h"})
    with pytest.raises(ConfigurationError, match="'directory'"):
        mailfiles_from_settings({})
    host = make_plugin_manager(load_entry_points=False, plugins=[mail_plugin])
    assert isinstance(host.create(AdapterKind.CALENDAR, "imip", {"host": "h"}), CalendarBackend)
    made = host.create(AdapterKind.NOTIFIER, "mailfiles", {"directory": str(tmp_path)})
    assert isinstance(made, Notifier)
    made = host.create(AdapterKind.NOTIFIER, "smtp", {"host": "h", "from_address": "c@example.com"})
    assert isinstance(made, Notifier)


def test_starttls_then_login_then_mail(
    smtp_starttls_server: SmtpServer, tls_certificate: tuple[Path, Path]
) -> None:
    backend = imip_from_settings(
        {
            "host": "127.0.0.1",
            "port": str(smtp_starttls_server.port),
            "security": "starttls",
            "user": SMTP_USER,
            "password_env": ENV,
            "ca_file": str(tls_certificate[0]),
        },
        environ={ENV: SMTP_PASSWORD},
    )
    assert backend.deliver_invites([invite()])[0].status is OutcomeStatus.DELIVERED
    assert len(smtp_starttls_server.messages) == 1


def test_implicit_tls(smtp_tls_server: SmtpServer, tls_certificate: tuple[Path, Path]) -> None:
    notifier = smtp_from_settings(
        {
            "host": "127.0.0.1",
            "port": str(smtp_tls_server.port),
            "security": "tls",
            "from_address": "careers@example.com",
            "ca_file": str(tls_certificate[0]),
        }
    )
    assert notifier.deliver_notices([_notice()])[0].status is OutcomeStatus.DELIVERED
    assert len(smtp_tls_server.messages) == 1


def test_untrusted_certificate_fails_with_the_fix(smtp_starttls_server: SmtpServer) -> None:
    backend = imip_from_settings(
        {"host": "127.0.0.1", "port": str(smtp_starttls_server.port), "security": "starttls"}
    )
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.FAILED
    assert "CERTIFICATE_VERIFY_FAILED" in outcome.reason
    assert "'ca_file'" in outcome.reason
    assert smtp_starttls_server.messages == []


def test_line_breaks_in_names_and_titles_stay_out_of_headers(smtp_server: SmtpServer) -> None:
    odd = Participant("r9", "Eve\r\nBcc: someone@evil.example", "eve@example.com")
    view = evolve(invite(attendees=(odd,)), title="Career conversation\nX-Injected: yes")
    [outcome] = _imip(smtp_server).deliver_invites([view])
    assert outcome.status is OutcomeStatus.DELIVERED
    [received] = smtp_server.messages
    assert received.rcpt_tos == ["eve@example.com"]
    message = received.message
    assert message["X-Injected"] is None
    assert message["Bcc"] is None
    assert message["Subject"] == "Invitation: Career conversation X-Injected: yes"
    [event] = check_ics(_calendar_part(message).get_content(), expect_events=1).walk("VEVENT")
    assert event["ATTENDEE"].params["CN"] == "Eve Bcc: someone@evil.example"


def test_an_invite_in_the_repeated_hour_says_which_02_45_it_means() -> None:
    from datetime import UTC, datetime

    from careerconv_plugins.mail.mapping import invite_text

    first = invite_text(invite(start=datetime(2027, 10, 31, 0, 45, tzinfo=UTC)))
    second = invite_text(invite(start=datetime(2027, 10, 31, 1, 45, tzinfo=UTC)))
    assert "02:45 CEST-02:45 CET" in first
    assert "02:45 CET-03:45 CET" in second
    assert "CET" not in invite_text(invite())  # an ordinary time stays as it was
