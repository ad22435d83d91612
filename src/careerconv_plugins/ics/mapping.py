"""Pure mapping from ``InviteView`` to RFC 5545 iCalendar, shared by every calendar adapter.

No I/O and no clock: the time stamp (``DTSTAMP``) is passed in, so the same
view and stamp always give the same bytes (the golden files check this).

Two fingerprints are written into each event as ``X-`` properties so that any
backend can decide what to do without keeping state of its own:

* ``X-CAREERCONV-FINGERPRINT`` is a hash of what the view asks for (times,
  title, text, people, method). Equal fingerprint: the event is unchanged and
  nothing is written.
* ``X-CAREERCONV-STATE`` is a hash of the event as it was written, computed from
  parsed values (so a server that refolds lines or reorders parameters does not
  disturb it). If the stored event no longer matches its own state hash,
  somebody edited it on the server: that is reported as a conflict, never
  overwritten.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

from careerconv_core.domain.text import one_line, without_controls
from careerconv_core.errors import InvalidInput
from careerconv_core.views import InviteMethod, InviteView, Participant

PRODID = "-//careerconv//Career Conversations//EN"
FINGERPRINT = "X-CAREERCONV-FINGERPRINT"
STATE = "X-CAREERCONV-STATE"
KIND = "X-CAREERCONV-KIND"

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$")
_HASHED_NAME = re.compile(r"^cc-[0-9a-f]{40}$")


def resource_name(uid: str, suffix: str = ".ics") -> str:
    """A file or URL name for ``uid`` that is stable and safe everywhere (``<name>.ics``).

    A UID made of letters, digits, dots, dashes and underscores is used as it is
    so people can find the file; anything else (an ``@``, a slash) is hashed.
    """
    if _SAFE_NAME.match(uid) and not _HASHED_NAME.match(uid):
        return f"{uid}{suffix}"
    # A UID that looks like a hashed name is hashed too, so it cannot take another's name.
    return f"cc-{hashlib.sha256(uid.encode()).hexdigest()[:40]}{suffix}"


def latest_per_uid(invites: Sequence[InviteView]) -> dict[str, InviteView]:
    """The invite that counts for each UID in a batch: the highest sequence, then the last.

    A batch may hold several changes of one meeting (moved, then cancelled);
    only the final state is written, so nothing is written twice or in the
    wrong order.
    """
    chosen: dict[str, InviteView] = {}
    for view in invites:
        held = chosen.get(view.uid)
        if held is None or view.sequence >= held.sequence:
            chosen[view.uid] = view
    return chosen


def organizer_zone(view: InviteView) -> ZoneInfo:
    """The organizer's zone, or ``InvalidInput`` naming the invite when it is unknown."""
    try:
        return ZoneInfo(view.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"invite {view.uid}: time_zone",
            "an IANA time zone such as 'Europe/Berlin'",
            f"unknown time zone {view.time_zone!r}",
        ) from None


def _who(person: Participant) -> str:
    return f"{person.person_id}|{person.name}|{person.email.lower()}"


def fingerprint(view: InviteView) -> str:
    """A hash of everything the view asks the calendar to show (not its sequence)."""
    parts = [
        view.uid,
        view.method.value,
        view.kind.value,
        view.title,
        view.start.astimezone(UTC).isoformat(),
        view.end.astimezone(UTC).isoformat(),
        view.time_zone,
        _who(view.organizer),
        *sorted(_who(a) for a in view.attendees),
        view.description,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _text(event: icalendar.Event, name: str) -> str:
    value = event.get(name)
    return "" if value is None else str(value)


def _moment(event: icalendar.Event, name: str) -> str:
    prop = event.get(name)
    if prop is None:
        return ""
    value = prop.dt
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.isoformat()
        return value.astimezone(UTC).isoformat()
    return str(value)


def _addresses(event: icalendar.Event) -> list[str]:
    raw = event.get("ATTENDEE", [])
    items = raw if isinstance(raw, list) else [raw]
    return sorted(str(a).lower().removeprefix("mailto:") for a in items)


def state_hash(event: icalendar.Event) -> str:
    """A hash of an event's meaning, from parsed values, to spot edits made elsewhere."""
    parts = [
        _text(event, "UID"),
        _text(event, "SUMMARY"),
        _text(event, "DESCRIPTION").replace("\r\n", "\n"),
        _moment(event, "DTSTART"),
        _moment(event, "DTEND"),
        _text(event, "STATUS").upper(),
        str(int(event.get("SEQUENCE", 0))),
        str(event.get("ORGANIZER", "")).lower().removeprefix("mailto:"),
        *_addresses(event),
        _text(event, FINGERPRINT),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


PERSON_ID = "X-CAREERCONV-ID"


def _person(person: Participant, *, attendee: bool, with_id: bool) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{person.email.strip()}")
    # A parameter value may hold neither line breaks nor double quotes (RFC 5545 3.2).
    address.params["CN"] = one_line(person.name.replace('"', "'"))
    if with_id:
        address.params[PERSON_ID] = person.person_id
    if attendee:
        address.params["CUTYPE"] = "INDIVIDUAL"
        address.params["ROLE"] = "REQ-PARTICIPANT"
        address.params["PARTSTAT"] = "NEEDS-ACTION"
        address.params["RSVP"] = "TRUE"
    return address


def is_ambiguous(moment: datetime, tz: ZoneInfo) -> bool:
    """Whether ``moment``'s wall-clock time in ``tz`` happens twice (the repeated hour of a fall-back)."""
    local = moment.astimezone(tz)
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def calendar_time(moment: datetime, tz: ZoneInfo) -> datetime:
    """``moment`` as DTSTART/DTEND write it: local time in ``tz``, or UTC where that is ambiguous.

    ``DTSTART;TZID=Europe/Berlin:20271031T024500`` names two instants, and RFC 5545
    has readers take the first; in UTC the instant is the one we meant.
    """
    return moment.astimezone(UTC) if is_ambiguous(moment, tz) else moment.astimezone(tz)


def invite_event(
    view: InviteView, *, sequence: int, stamp: datetime, person_ids: bool = False
) -> icalendar.Event:
    """The VEVENT for ``view`` with the given ``SEQUENCE`` and ``DTSTAMP``.

    Times are written in the organizer's zone (``DTSTART;TZID=...``), or in UTC
    when that local time happens twice (``calendar_time``); a cancelled invite
    gets ``STATUS:CANCELLED``. The description is the view's agenda and coaching
    questions, nothing else. With ``person_ids`` each
    ORGANIZER and ATTENDEE carries an ``X-CAREERCONV-ID`` parameter so local
    files can be sorted per person; mailed and server copies leave it out.
    """
    tz = organizer_zone(view)
    event = icalendar.Event()
    event.add("UID", view.uid)
    event.add("DTSTAMP", stamp.astimezone(UTC))
    event.add("SEQUENCE", sequence)
    event.add("DTSTART", calendar_time(view.start, tz))
    event.add("DTEND", calendar_time(view.end, tz))
    # Control characters have no escape in iCalendar TEXT; they are dropped, never written.
    event.add("SUMMARY", one_line(view.title))
    event.add("DESCRIPTION", without_controls(view.description))
    event.add("STATUS", "CANCELLED" if view.method is InviteMethod.CANCEL else "CONFIRMED")
    event.add("TRANSP", "OPAQUE")
    event.add("CLASS", "PRIVATE")
    event.add("ORGANIZER", _person(view.organizer, attendee=False, with_id=person_ids))
    for attendee in view.attendees:
        event.add("ATTENDEE", _person(attendee, attendee=True, with_id=person_ids))
    event.add(KIND, view.kind.value)
    event.add(FINGERPRINT, fingerprint(view))
    event.add(STATE, state_hash(event))
    return event


def _calendar(method: str | None) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    cal.add("CALSCALE", "GREGORIAN")
    if method:
        cal.add("METHOD", method)
    return cal


def _add_zones(cal: icalendar.Calendar, days: Sequence[date]) -> None:
    # The VTIMEZONE covers a little before the first and after the last event
    # instead of 1970-2038, which keeps files small and still valid.
    if days:
        first = min(days) - timedelta(days=366)
        last = max(days) + timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=last)


def invite_calendar(
    view: InviteView,
    *,
    sequence: int,
    stamp: datetime,
    method: bool = True,
    person_ids: bool = False,
) -> icalendar.Calendar:
    """A whole iCalendar object for one invite, with its VTIMEZONE.

    With ``method`` the calendar carries ``METHOD:REQUEST`` or ``METHOD:CANCEL``
    (an iTIP message, as mailed or as an importable file); without it, the
    object is fit for storing on a CalDAV server, where METHOD is not allowed.
    """
    cal = _calendar(view.method.value if method else None)
    cal.add_component(invite_event(view, sequence=sequence, stamp=stamp, person_ids=person_ids))
    _add_zones(cal, [view.start.date(), view.end.date()])
    return cal


def events_of(text: str | bytes) -> list[icalendar.Event]:
    """The VEVENTs in an iCalendar text (empty when there are none)."""
    cal = icalendar.Calendar.from_ical(text)
    return [c for c in cal.walk("VEVENT") if isinstance(c, icalendar.Event)]


def person_calendar(events: Iterable[icalendar.Event], name: str) -> icalendar.Calendar:
    """One person's calendar: the given events in start order, with their VTIMEZONEs.

    No METHOD: the file is for subscribing or importing, not an iTIP message.
    """
    cal = _calendar(None)
    cal.add("X-WR-CALNAME", name)
    ordered = sorted(events, key=lambda e: (_moment(e, "DTSTART"), _text(e, "UID")))
    days: list[date] = []
    for event in ordered:
        cal.add_component(event)
        start = event.get("DTSTART")
        if start is not None and isinstance(start.dt, datetime):
            days.append(start.dt.date())
    _add_zones(cal, days)
    return cal


def participant_ids(event: icalendar.Event) -> set[str]:
    """The person ids on an event's ORGANIZER and ATTENDEEs (written with ``person_ids``)."""
    found: set[str] = set()
    for name in ("ORGANIZER", "ATTENDEE"):
        raw = event.get(name, [])
        for address in raw if isinstance(raw, list) else [raw]:
            ident = getattr(address, "params", {}).get(PERSON_ID)
            if ident:
                found.add(str(ident))
    return found


def stored_sequence(event: icalendar.Event) -> int:
    """The event's ``SEQUENCE`` (0 when absent)."""
    return int(event.get("SEQUENCE", 0))


def next_sequence(view: InviteView, stored: icalendar.Event | None) -> int:
    """The SEQUENCE to write for a real change: the view's, and always above the stored one."""
    if stored is None:
        return view.sequence
    return max(view.sequence, stored_sequence(stored) + 1)


def is_unchanged(view: InviteView, stored: icalendar.Event | None) -> bool:
    """True when ``stored`` already shows exactly what ``view`` asks for."""
    if stored is None:
        return False
    same = _text(stored, FINGERPRINT) == fingerprint(view)
    return same and stored_sequence(stored) >= view.sequence


def edited_elsewhere(stored: icalendar.Event) -> bool:
    """True when the stored event no longer matches the state hash written with it.

    An event without our state property was not written by careerconv (or its
    marks were removed): also treated as edited, so it is never overwritten.
    """
    recorded = _text(stored, STATE)
    return not recorded or recorded != state_hash(stored)


def to_text(cal: icalendar.Calendar) -> str:
    """The calendar as RFC 5545 text (CRLF line ends, folded lines)."""
    data: bytes = cal.to_ical()
    return data.decode()
