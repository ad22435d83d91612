"""The ``imip`` calendar backend: invites, updates and cancellations mailed over SMTP (RFC 6047).

Mail has no remote state to compare with; with the ``state_directory``
setting the last sent calendar of each invite is kept there, so an unchanged
invite is not mailed twice and the SEQUENCE always rises. It cannot see
anyone's calendar, so ``busy()`` is unavailable. With the ``imap_*``
settings it reads the attendees' REPLYs back from a mailbox
(``ImipCalendarWithAnswers``, an ``AnswersRead``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import icalendar

from careerconv_core.errors import AdapterError, CareerconvError
from careerconv_core.ports import AnswersReport, AttendeeAnswer, BusyReport, DeliveryOutcome, OutcomeStatus
from careerconv_core.views import InviteMethod, InviteView, Participant
from careerconv_plugins.files import folder_setting, os_error_outcome, read_text, write_atomic
from careerconv_plugins.ics import mapping
from careerconv_plugins.mail import mapping as messages
from careerconv_plugins.mail.client import SmtpConnection, SmtpSettings
from careerconv_plugins.mail.imap import ImapSettings, ReplyMailbox
from careerconv_plugins.outcomes import error_outcome


def _utc_now() -> datetime:
    return datetime.now(UTC)


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
                outcomes[view.uid] = DeliveryOutcome(view.uid, OutcomeStatus.UNCHANGED, "nothing to cancel")
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
                    outcomes.setdefault(view.uid, error_outcome(view.uid, exc))
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
            return error_outcome(view.uid, exc)
        if refused:
            return messages.refused_outcome(view.uid, refused, view.attendees, len(recipients) - len(refused))
        path = self._state_path(view.uid)
        if path is not None:
            cal = mapping.invite_calendar(view, sequence=sequence, stamp=stamp)
            try:
                write_atomic(path, mapping.to_text(cal))
            except OSError as exc:
                # The mail went out; only the memory of it failed. Report it, do not resend.
                reason = os_error_outcome(view.uid, path, exc).reason
                return DeliveryOutcome(view.uid, OutcomeStatus.DELIVERED, f"sent, but not recorded: {reason}")
        return DeliveryOutcome(view.uid, OutcomeStatus.DELIVERED, reference=message["Message-ID"])

    def busy(self, people: Sequence[Participant], start: datetime, end: datetime) -> BusyReport:
        """Mail cannot see calendars: always unavailable, with the reason."""
        return BusyReport(
            busy={},
            available=False,
            reason="the 'imip' mail backend cannot read calendars; scheduling by working "
            "hours only (use 'caldav' for free/busy)",
        )


class ImipCalendarWithAnswers(ImipCalendar):
    """The ``imip`` backend that also reads the attendees' REPLYs from an IMAP mailbox."""

    def __init__(
        self,
        settings: SmtpSettings,
        mailbox: ReplyMailbox,
        *,
        state_directory: Path | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        super().__init__(settings, state_directory=state_directory, clock=clock)
        self.mailbox = mailbox

    def answers(self, uids: Sequence[str]) -> AnswersReport:
        """The newest answer of each attendee to each of ``uids``, from the REPLYs received.

        With ``state_directory`` the SEQUENCE last mailed for each uid is known: a
        REPLY to an earlier SEQUENCE answered a time the meeting no longer has, and
        is left out (RFC 5546), so a late decline of the old time tells nobody.
        """
        report = self.mailbox.answers(uids)
        answers: dict[str, dict[str, AttendeeAnswer]] = {}
        marks: dict[str, dict[str, str]] = {}
        for uid, per_address in report.answers.items():
            sent = self._last_sent(uid)
            current = mapping.stored_sequence(sent) if sent is not None else 0
            for address, answer in per_address.items():
                mark = report.marks.get(uid, {}).get(address, "")
                if mark.isdigit() and int(mark) < current:
                    continue
                answers.setdefault(uid, {})[address] = answer
                marks.setdefault(uid, {})[address] = mark
        return AnswersReport(answers, removed=report.removed, marks=marks)


REPLIES_STATE = "imap-replies.json"
"""The file in ``state_directory`` that remembers which REPLYs were read, and their answers."""


def imip_from_settings(
    settings: Mapping[str, str], *, environ: Mapping[str, str] | None = None
) -> ImipCalendar:
    """Build the ``imip`` backend: SMTP settings, an optional ``state_directory`` and,
    with ``imap_host``, the mailbox its REPLYs are read from."""
    smtp = SmtpSettings.from_settings("imip", settings, environ)
    state = folder_setting(settings, "state_directory", where="mail adapter 'imip'")
    imap = ImapSettings.from_settings(settings, environ)
    if imap is None:
        return ImipCalendar(smtp, state_directory=state)
    mailbox = ReplyMailbox(imap, state / REPLIES_STATE if state is not None else None)
    return ImipCalendarWithAnswers(smtp, mailbox, state_directory=state)
