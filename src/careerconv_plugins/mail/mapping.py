"""Pure mapping from views to e-mail messages (iMIP invites, RFC 6047, and notices),
and from the server's refusals to delivery outcomes.

An invite mail is ``multipart/alternative`` with a plain-text part carrying
the agenda and coaching questions and a ``text/calendar; method=REQUEST`` (or
``CANCEL``) part, which is what Gmail, Outlook and Apple Mail turn into a real
invitation with Accept and Decline. The ``Message-ID`` is derived from the
invite's UID, sequence and method, so a retried send is recognisable as the
same message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from careerconv_core.domain.text import one_line, without_controls
from careerconv_core.ports import DeliveryOutcome, OutcomeStatus
from careerconv_core.views import InviteMethod, InviteView, NoticeView, Participant
from careerconv_plugins.ics import mapping

MAILER = "careerconv"


def _one_line(text: str) -> str:
    # A line break in a header would end it (or inject another), a NUL truncates it in
    # some readers: keep headers on one line, without control characters.
    return one_line(text)


def _address(person: Participant) -> Address:
    local, _, domain = person.email.strip().partition("@")
    return Address(display_name=_one_line(person.name), username=local, domain=domain)


def _message_id(*parts: str, domain: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"<{digest}@{domain or 'careerconv.invalid'}>"


def _domain(address: str) -> str:
    return address.rpartition("@")[2]


def _when(view: InviteView) -> str:
    zone = mapping.organizer_zone(view)
    local = view.start.astimezone(zone)
    end = view.end.astimezone(zone)
    if mapping.is_ambiguous(view.start, zone) or mapping.is_ambiguous(view.end, zone):
        # The repeated hour of a fall-back: the abbreviation (CEST or CET) says which one.
        return f"{local:%A %d %B %Y, %H:%M %Z}-{end:%H:%M %Z} ({view.time_zone})"
    return f"{local:%A %d %B %Y, %H:%M}-{end:%H:%M} ({view.time_zone})"


def invite_subject(view: InviteView, sequence: int) -> str:
    """``Invitation: ...``, ``Updated invitation: ...`` or ``Cancelled: ...``."""
    if view.method is InviteMethod.CANCEL:
        prefix = "Cancelled"
    elif sequence > 0:
        prefix = "Updated invitation"
    else:
        prefix = "Invitation"
    return _one_line(f"{prefix}: {view.title}")


def invite_text(view: InviteView) -> str:
    """The plain-text part: when, who organizes, then the agenda and coaching questions."""
    head = "This conversation is cancelled." if view.method is InviteMethod.CANCEL else ""
    lines = [
        *([head, ""] if head else []),
        view.title,
        f"When: {_when(view)}",
        f"Organizer: {view.organizer.name}",
        "",
        view.description,
        "",
    ]
    return "\n".join(lines)


def invite_message(view: InviteView, *, sequence: int, stamp: datetime, sender: str = "") -> EmailMessage:
    """The iMIP mail for ``view`` to its attendees.

    :param sender: the ``From`` address; empty means the organizer's own. When
        it differs from the organizer, replies go to the organizer (``Reply-To``).
    """
    cal = mapping.invite_calendar(view, sequence=sequence, stamp=stamp, method=True)
    message = EmailMessage()
    organizer = _address(view.organizer)
    message["From"] = sender or organizer
    if sender and sender.lower() != view.organizer.email.lower():
        message["Reply-To"] = organizer
    message["To"] = [_address(a) for a in view.attendees]
    message["Subject"] = invite_subject(view, sequence)
    message["Date"] = format_datetime(stamp)
    message["Message-ID"] = _message_id(
        view.uid, str(sequence), view.method.value, domain=_domain(sender or view.organizer.email)
    )
    message["X-Mailer"] = MAILER
    message.set_content(without_controls(invite_text(view)))
    message.add_alternative(
        mapping.to_text(cal).encode(),
        maintype="text",
        subtype="calendar",
        params={"method": view.method.value, "charset": "utf-8"},
        cte="base64",
    )
    # Outlook looks for this header to treat the mail as a meeting request. Set last:
    # turning the message into multipart moves Content-* headers into the first part.
    message["Content-Class"] = "urn:content-classes:calendarmessage"
    return message


def notice_text(notice: NoticeView) -> str:
    """The notice's body, with its due date when it has one."""
    due = f"\n\nDue: {notice.due:%A %d %B %Y}" if notice.due else ""
    return f"{notice.body}{due}\n"


def notice_message(notice: NoticeView, *, sender: str, stamp: datetime) -> EmailMessage:
    """A plain-text mail for one notice (a nudge, a consent request, ...)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = _address(notice.recipient)
    message["Subject"] = _one_line(notice.subject)
    message["Date"] = format_datetime(stamp)
    message["Message-ID"] = _message_id(notice.key, notice.kind.value, domain=_domain(sender))
    message["X-Mailer"] = MAILER
    message["X-Careerconv-Notice"] = notice.kind.value
    message.set_content(without_controls(notice_text(notice)))
    return message


def notice_fingerprint(notice: NoticeView) -> str:
    """A hash of what the notice says and to whom, to skip re-writing the same notice."""
    parts = [
        notice.key,
        notice.kind.value,
        notice.recipient.email.lower(),
        notice.recipient.name,
        notice.subject,
        notice.body,
        notice.due.isoformat() if notice.due else "",
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def file_name(key: str, suffix: str) -> str:
    """A safe, stable file name for the notice or invite ``key`` (``<key><suffix>``)."""
    return mapping.resource_name(key, suffix)


def refused_outcome(
    key: str, refused: Mapping[str, int], people: Sequence[Participant], sent_to: int
) -> DeliveryOutcome:
    """The outcome when the server refused some recipients (``refused``: address to SMTP code).

    Only when every refusal is temporary (4xx) and nobody got the mail is it
    a retry; once someone got it, a retry would send them a duplicate, so a
    person decides. The reason names person ids and codes, never the server's text.
    """
    ids = {p.email.lower(): p.person_id for p in people}
    names = ", ".join(sorted(ids.get(a.lower(), "unknown") for a in refused))
    codes = ", ".join(sorted({str(c) for c in refused.values()}))
    temporary = all(400 <= c < 500 for c in refused.values())
    if temporary and sent_to == 0:
        return DeliveryOutcome(
            key, OutcomeStatus.RETRY, f"{key}: the server deferred recipient(s) {names} ({codes})"
        )
    delivered = f"; delivered to the {sent_to} other(s)" if sent_to else ""
    return DeliveryOutcome(
        key,
        OutcomeStatus.FAILED,
        f"{key}: the mail server refused recipient(s) {names} ({codes}){delivered}; "
        "check their e-mail address",
    )
