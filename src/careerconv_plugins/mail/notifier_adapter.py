"""The mail notifiers: ``smtp`` mails each notice as plain text; ``mailfiles`` writes each
notice as an ``.eml`` file into a folder, the embedded default that needs no server."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

from careerconv_core.errors import AdapterError, ConfigurationError
from careerconv_core.ports import DeliveryOutcome, OutcomeStatus
from careerconv_core.views import NoticeView
from careerconv_plugins.files import (
    folder_setting,
    os_error_outcome,
    read_text,
    required_folder,
    write_atomic,
)
from careerconv_plugins.mail import mapping as messages
from careerconv_plugins.mail.client import SmtpConnection, SmtpSettings
from careerconv_plugins.outcomes import error_outcome

log = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


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
        if self.state_directory is None:
            return None
        return self.state_directory / messages.file_name(key, ".sent")

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
                    message = messages.notice_message(notice, sender=self.settings.sender, stamp=self.clock())
                    try:
                        refused = smtp.send(message, [notice.recipient.email])
                    except AdapterError as exc:
                        outcomes.append(error_outcome(notice.key, exc))
                        continue
                    if refused:
                        outcome = messages.refused_outcome(notice.key, refused, [notice.recipient], 0)
                        outcomes.append(outcome)
                    else:
                        self._record_sent(notice)
                        outcomes.append(DeliveryOutcome(notice.key, OutcomeStatus.DELIVERED))
        except AdapterError as exc:
            done = {o.key for o in outcomes}
            outcomes += [error_outcome(n.key, exc) for n in pending if n.key not in done]
        return outcomes


class MailFilesNotifier:
    """A ``Notifier`` that writes each notice as an ``.eml`` file into ``directory``."""

    HEADER = "X-Careerconv-Fingerprint"

    def __init__(self, directory: Path, *, sender: str, clock: Callable[[], datetime] = _utc_now) -> None:
        self.directory = directory
        self.sender = sender
        self.clock = clock

    def path(self, key: str) -> Path:
        """The file of the notice with ``key``."""
        return self.directory / messages.file_name(key, ".eml")

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


def smtp_from_settings(
    settings: Mapping[str, str], *, environ: Mapping[str, str] | None = None
) -> SmtpNotifier:
    """Build the ``smtp`` notifier; ``from_address`` is required."""
    smtp = SmtpSettings.from_settings("smtp", settings, environ)
    if not smtp.sender:
        raise ConfigurationError(
            "mail adapter 'smtp': setting 'from_address' is missing; give the address notices "
            'come from, for example from_address = "careers@example.com"'
        )
    state = folder_setting(settings, "state_directory", where="mail adapter 'smtp'")
    return SmtpNotifier(smtp, state_directory=state)


def mailfiles_from_settings(settings: Mapping[str, str]) -> MailFilesNotifier:
    """Build the ``mailfiles`` notifier: ``directory`` (required), ``from_address``."""
    directory = required_folder(
        settings,
        "directory",
        where="mail adapter 'mailfiles'",
        purpose=".eml files",
        example="outbox-mail",
    )
    sender = settings.get("from_address", "").strip() or "careerconv@localhost"
    return MailFilesNotifier(directory, sender=sender)
