"""iMIP REPLY mail read back (RFC 6047, RFC 5546): who answered which invite, and how.

Pure: a message's bytes in, the answers it carries out. A REPLY is a
``text/calendar; method=REPLY`` part (or a calendar whose METHOD is REPLY);
each VEVENT names its UID, its SEQUENCE, its DTSTAMP and the ATTENDEE
answering with a PARTSTAT. Mail that is none of that is not understood and
gives nothing; it is never touched.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime

import icalendar
from attrs import frozen

from careerconv_core.ports import AttendeeAnswer

_PARTSTAT = {
    "ACCEPTED": AttendeeAnswer.ACCEPTED,
    "TENTATIVE": AttendeeAnswer.TENTATIVE,
    "DECLINED": AttendeeAnswer.DECLINED,
    "NEEDS-ACTION": AttendeeAnswer.NEEDS_ACTION,
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@frozen
class Reply:
    """One attendee's answer to one invite, as a REPLY carried it."""

    uid: str
    address: str  # lower case, without mailto:
    answer: AttendeeAnswer
    sequence: int
    stamp: datetime

    @property
    def order(self) -> tuple[int, datetime]:
        """Which of two answers is newer: the higher SEQUENCE, then the later DTSTAMP (RFC 5546)."""
        return (self.sequence, self.stamp)

    @property
    def mark(self) -> str:
        """The answer's own sign, for ``AnswersReport.marks``: the SEQUENCE it answered.

        The same word sent again to the same SEQUENCE (a client that mails its
        REPLY twice) is the same answer; to a moved meeting, a new one.
        """
        return str(self.sequence)


def _calendars(raw: bytes) -> Iterable[bytes]:
    """The text/calendar parts of a message whose method is REPLY."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() != "text/calendar":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        method = (part.get_param("method") or "").__str__().upper()
        if method and method != "REPLY":
            continue
        yield payload


def _stamp(value: object) -> datetime:
    when = getattr(value, "dt", None)
    if isinstance(when, datetime):
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    if isinstance(when, date):
        return datetime(when.year, when.month, when.day, tzinfo=UTC)
    return _EPOCH


def _sequence(value: object) -> int:
    try:
        return max(0, int(str(value)))
    except (TypeError, ValueError):
        return 0


def replies_of(raw: bytes) -> list[Reply]:
    """Every answer a message carries; [] for mail that is not an iMIP REPLY or cannot be read."""
    out: list[Reply] = []
    for text in _calendars(raw):
        try:
            cal = icalendar.Calendar.from_ical(text)
        except ValueError:
            continue
        if str(cal.get("METHOD", "REPLY")).upper() != "REPLY":
            continue
        for event in cal.walk("VEVENT"):
            uid = str(event.get("UID", "")).strip()
            if not uid:
                continue
            attendees = event.get("ATTENDEE")
            if attendees is None:
                continue
            for attendee in attendees if isinstance(attendees, list) else [attendees]:
                address = str(attendee).strip()
                if address.lower().startswith("mailto:"):
                    address = address[len("mailto:") :]
                answer = _PARTSTAT.get(str(attendee.params.get("PARTSTAT", "")).upper())
                if not address or "@" not in address or answer is None:
                    continue
                out.append(
                    Reply(
                        uid,
                        address.lower(),
                        answer,
                        _sequence(event.get("SEQUENCE", 0)),
                        _stamp(event.get("DTSTAMP")),
                    )
                )
    return out


def newest(
    replies: Iterable[Reply], kept: Mapping[tuple[str, str], Reply] | None = None
) -> dict[tuple[str, str], Reply]:
    """The newest answer per invite uid and attendee, over ``kept`` and ``replies``."""
    out = dict(kept or {})
    for reply in replies:
        key = (reply.uid, reply.address)
        if key not in out or reply.order > out[key].order:
            out[key] = reply
    return out
