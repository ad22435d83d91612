"""Mail adapters: iMIP invites over SMTP, notices over SMTP, and notices as ``.eml`` files.

* ``imip`` (a ``CalendarBackend``) mails each invite, update and cancellation
  to the attendees. Mail has no remote state to compare with; with the
  ``state_directory`` setting the last sent calendar of each invite is kept
  there, so an unchanged invite is not mailed twice and the SEQUENCE always
  rises. It cannot see anyone's calendar, so ``busy()`` is unavailable.
* ``smtp`` (a ``Notifier``) mails each notice as plain text.
* ``mailfiles`` (a ``Notifier``) writes each notice as an ``.eml`` file into a
  folder: the embedded default that needs no server.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import icalendar

from careerconv_core.errors import AdapterError, CareerconvError, ConfigurationError
from careerconv_core.ports import BusyReport, DeliveryOutcome, OutcomeStatus
from careerconv_core.views import InviteMethod, InviteView, NoticeView, Participant
from careerconv_plugins.ics import mapping
from careerconv_plugins.ics.files import os_error_outcome, read_text, write_atomic
from careerconv_plugins.mail import messages
from careerconv_plugins.mail.client import SmtpConnection, SmtpSettings

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$")


log = logging.getLogger(__name__)

def _utc_now() -> datetime:
    return datetime.now(UTC)


def _file_name(key: str, suffix: str) -> str:
    if _SAFE.match(key):
        return f"{key}{suffix}"
    return f"cc-{hashlib.sha256(key.encode()).hexdigest()[:40]}{suffix}"


def _failed(key: str, exc: AdapterError) -> DeliveryOutcome:
    status = OutcomeStatus.RETRY if exc.retryable else OutcomeStatus.FAILED
    return DeliveryOutcome(key, status, exc.reason, retry_after=exc.retry_after)


def _refused_outcome(
    key: str, refused: Mapping[str, int], people: Sequence[Participant], sent_to: int
) -> DeliveryOutcome:
    ids = {p.email.lower(): p.person_id for p in people}
    names = ", ".join(sorted(ids.get(a.lower(), "unknown") for a in refused))
    codes = ", ".join(sorted({str(c) for c in refused.values()}))
    temporary = all(400 <= c < 500 for c in refused.values())
    if temporary and sent_to == 0:
        return DeliveryOutcome(
            key, OutcomeStatus.RETRY, f"{key}: the server deferred recipient(s) {names} ({codes})"
        )
    # Someone already got it: a retry would send them a duplicate, so a person decides.
    delivered = f"; delivered to the {sent_to} other(s)" if sent_to else ""
    return DeliveryOutcome(
        key,
        OutcomeStatus.FAILED,
        f"{key}: the mail server refused recipient(s) {names} ({codes}){delivered}; "
        "check their e-mail address",
    )


class ImipCalendar:
    """A ``CalendarBackend`` that mails iMIP invitations (RFC 6047) through SMTP."""

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        state_directory: Path | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.settings = settings
        self.state_directory = state_directory
        self.clock = clock

    def _state_path(self, uid: str) -> Path | None:
        if self.state_directory is None:
            return None
        return self.state_directory / mapping.resource_name(uid)

    def _last_sent(self, uid: str) -> icalendar.Event | None:
        path = self._state_path(uid)
        if path is None:
            return None
        try:
            text = read_text(path)
            events = mapping.events_of(text) if text is not None else []
        except (OSError, ValueError):
            return None
        return events[0] if events else None

    def deliver_invites(self, invites: Sequence[InviteView]) -> Sequence[DeliveryOutcome]:
        """Mail each invite that changed since it was last mailed (all, without state)."""
        outcomes: dict[str, DeliveryOutcome] = {}
        todo: list[tuple[InviteView, int]] = []
        for view in mapping.latest_per_uid(invites).values():
            last = self._last_sent(view.uid)
            if mapping.is_unchanged(view, last):
                outcomes[view.uid] = DeliveryOutcome(view.uid, OutcomeStatus.UNCHANGED)
            elif view.method is InviteMethod.CANCEL and last is None and self.state_directory:
                outcomes[view.uid] = DeliveryOutcome(
                    view.uid, OutcomeStatus.UNCHANGED, "nothing to cancel"
                )
            elif not view.attendees:
                outcomes[view.uid] = DeliveryOutcome(
                    view.uid, OutcomeStatus.UNCHANGED, "no attendees to invite"
                )
            else:
                todo.append((view, mapping.next_sequence(view, last)))
        if todo:
            try:
                with SmtpConnection("imip", self.settings) as smtp:
                    for view, sequence in todo:
                        outcomes[view.uid] = self._send(smtp, view, sequence)
            except AdapterError as exc:
                for view, _ in todo:
                    outcomes.setdefault(view.uid, _failed(view.uid, exc))
        return [outcomes[view.uid] for view in invites]

    def _send(self, smtp: SmtpConnection, view: InviteView, sequence: int) -> DeliveryOutcome:
        stamp = self.clock()
        try:
            message = messages.invite_message(
                view, sequence=sequence, stamp=stamp, sender=self.settings.sender
            )
        except CareerconvError as exc:
            return DeliveryOutcome(view.uid, OutcomeStatus.FAILED, str(exc))
        recipients = [a.email for a in view.attendees]
        try:
            refused = smtp.send(message, recipients)
        except AdapterError as exc:
            return _failed(view.uid, exc)
        if refused:
            return _refused_outcome(
                view.uid, refused, view.attendees, len(recipients) - len(refused)
            )
        path = self._state_path(view.uid)
        if path is not None:
            cal = mapping.invite_calendar(view, sequence=sequence, stamp=stamp)
            try:
                write_atomic(path, mapping.to_text(cal))
            except OSError as exc:
                # The mail went out; only the memory of it failed. Report it, do not resend.
                reason = os_error_outcome(view.uid, path, exc).reason
                return DeliveryOutcome(
                    view.uid, OutcomeStatus.DELIVERED, f"sent, but not recorded: {reason}"
                )
        return DeliveryOutcome(view.uid, OutcomeStatus.DELIVERED, reference=message["Message-ID"])

    def busy(self, people: Sequence[Participant], start: datetime, end: datetime) -> BusyReport:
        """Mail cannot see calendars: always unavailable, with the reason."""
        return BusyReport(
            busy={}, available=False,
            reason="the 'imip' mail backend cannot read calendars; scheduling by working "
            "hours only (use 'caldav' for free/busy)",
        )


class SmtpNotifier:
    """A ``Notifier`` that mails each notice as plain text.

    With a ``state_directory`` it keeps a sent-log: one small file per notice
    key, holding the fingerprint of what was mailed, written right after the
    server accepted the mail. A repeated delivery (a retry, or a dispatcher
    restarted after a crash) then skips what was already sent; only a crash
    between the server's answer and that write can still mail one notice twice.
    """

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        clock: Callable[[], datetime] = _utc_now,
        state_directory: Path | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.state_directory = state_directory

    def _sent_path(self, key: str) -> Path | None:
        return None if self.state_directory is None else self.state_directory / _file_name(key, ".sent")

    def _already_sent(self, notice: NoticeView) -> bool:
        path = self._sent_path(notice.key)
        try:
            return path is not None and read_text(path) == messages.notice_fingerprint(notice)
        except OSError:
            return False  # an unreadable log is no proof it was sent: send again

    def _record_sent(self, notice: NoticeView) -> None:
        path = self._sent_path(notice.key)
        if path is not None:
            try:
                write_atomic(path, messages.notice_fingerprint(notice))
            except OSError:
                # The mail went out; failing it now would only send it again.
                log.warning("smtp: could not record notice %s as sent", notice.key)

    def deliver_notices(self, notices: Sequence[NoticeView]) -> Sequence[DeliveryOutcome]:
        """Send each notice over one SMTP connection."""
        if not notices:
            return []
        outcomes: list[DeliveryOutcome] = []
        pending: list[NoticeView] = []
        for notice in notices:
            if self._already_sent(notice):
                outcomes.append(DeliveryOutcome(notice.key, OutcomeStatus.UNCHANGED))
            else:
                pending.append(notice)
        if not pending:
            return outcomes
        try:
            with SmtpConnection("smtp", self.settings) as smtp:
                for notice in pending:
                    message = messages.notice_message(
                        notice, sender=self.settings.sender, stamp=self.clock()
                    )
                    try:
                        refused = smtp.send(message, [notice.recipient.email])
                    except AdapterError as exc:
                        outcomes.append(_failed(notice.key, exc))
                        continue
                    if refused:
                        outcome = _refused_outcome(notice.key, refused, [notice.recipient], 0)
                        outcomes.append(outcome)
                    else:
                        self._record_sent(notice)
                        outcomes.append(DeliveryOutcome(notice.key, OutcomeStatus.DELIVERED))
        except AdapterError as exc:
            done = {o.key for o in outcomes}
            outcomes += [_failed(n.key, exc) for n in pending if n.key not in done]
        return outcomes


class MailFilesNotifier:
    """A ``Notifier`` that writes each notice as an ``.eml`` file into ``directory``."""

    HEADER = "X-Careerconv-Fingerprint"

    def __init__(
        self, directory: Path, *, sender: str, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        self.directory = directory
        self.sender = sender
        self.clock = clock

    def path(self, key: str) -> Path:
        """The file of the notice with ``key``."""
        return self.directory / _file_name(key, ".eml")

    def deliver_notices(self, notices: Sequence[NoticeView]) -> Sequence[DeliveryOutcome]:
        """Write each notice's file, unless the same notice is already there."""
        outcomes: list[DeliveryOutcome] = []
        for notice in notices:
            path = self.path(notice.key)
            fingerprint = messages.notice_fingerprint(notice)
            try:
                old = read_text(path)
                if old is not None:
                    parsed = message_from_bytes(old.encode(), policy=policy.default)
                    if parsed.get(self.HEADER) == fingerprint:
                        same = OutcomeStatus.UNCHANGED
                        outcomes.append(DeliveryOutcome(notice.key, same, reference=str(path)))
                        continue
                message = messages.notice_message(notice, sender=self.sender, stamp=self.clock())
                message[self.HEADER] = fingerprint
                write_atomic(path, message.as_string(policy=policy.SMTP))
            except OSError as exc:
                outcomes.append(os_error_outcome(notice.key, path, exc))
                continue
            written = OutcomeStatus.DELIVERED
            outcomes.append(DeliveryOutcome(notice.key, written, reference=str(path)))
        return outcomes


def _directory(adapter: str, settings: Mapping[str, str], name: str) -> Path | None:
    raw = settings.get(name, "").strip()
    if not raw:
        return None
    path = Path(raw).expanduser()
    if path.exists() and not path.is_dir():
        raise ConfigurationError(
            f"mail adapter {adapter!r}: setting {name!r} points to {path}, which is a file; "
            "give a folder instead"
        )
    return path


def imip_from_settings(
    settings: Mapping[str, str], *, environ: Mapping[str, str] | None = None
) -> ImipCalendar:
    """Build the ``imip`` backend: SMTP settings plus an optional ``state_directory``."""
    smtp = SmtpSettings.from_settings("imip", settings, environ)
    return ImipCalendar(smtp, state_directory=_directory("imip", settings, "state_directory"))


def smtp_from_settings(
    settings: Mapping[str, str], *, environ: Mapping[str, str] | None = None
) -> SmtpNotifier:
    """Build the ``smtp`` notifier; ``from_address`` is required."""
    smtp = SmtpSettings.from_settings("smtp", settings, environ)
    if not smtp.sender:
        raise ConfigurationError(
            "mail adapter 'smtp': setting 'from_address' is missing; give the address notices "
            "come from, for example from_address = \"careers@example.com\""
        )
    return SmtpNotifier(smtp, state_directory=_directory("smtp", settings, "state_directory"))


def mailfiles_from_settings(settings: Mapping[str, str]) -> MailFilesNotifier:
    """Build the ``mailfiles`` notifier: ``directory`` (required), ``from_address``."""
    directory = _directory("mailfiles", settings, "directory")
    if directory is None:
        raise ConfigurationError(
            "mail adapter 'mailfiles': setting 'directory' is missing; set it to the folder "
            "for .eml files, for example directory = \"outbox-mail\""
        )
    sender = settings.get("from_address", "").strip() or "careerconv@localhost"
    return MailFilesNotifier(directory, sender=sender)
