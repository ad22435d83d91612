"""What an iCalendar event makes busy, in the person's own time zone: one rule for ``ics`` and ``caldav``.

* An event blocks time unless it is cancelled (``STATUS:CANCELLED``) or free.
  Free is ``TRANSP:TRANSPARENT`` (a birthday or a reminder marked free stays
  free, all-day or not), unless ``X-MICROSOFT-CDO-BUSYSTATUS`` says otherwise:
  Outlook and Exchange write that property, and where it is present it is what
  the person chose (``OOF``, ``BUSY``, ``TENTATIVE`` block; ``FREE`` and
  ``WORKINGELSEWHERE`` do not), as Exchange itself reads it (MS-OXCICAL). An
  out-of-office day therefore blocks even when its ``TRANSP`` says transparent.
* An all-day event (``VALUE=DATE``) blocks the whole of its days, midnight to
  midnight in the person's zone, DST days included (23 or 25 hours); one
  without ``DTEND`` or ``DURATION`` lasts one day (RFC 5545, 3.6.1). A
  floating date-time (no ``TZID``, no ``Z``) is the person's wall-clock time
  too, never UTC's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

from careerconv_core.domain.clock import Interval

BUSY_STATUSES = frozenset({"BUSY", "OOF", "TENTATIVE"})
"""``X-MICROSOFT-CDO-BUSYSTATUS`` values that block time; ``FREE`` and ``WORKINGELSEWHERE`` do not."""

MS_BUSY_STATUS = "X-MICROSOFT-CDO-BUSYSTATUS"


def person_zone(name: str) -> tzinfo:
    """The person's zone by IANA name; UTC when the name is empty or unknown."""
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def blocks(event: icalendar.Event) -> bool:
    """Whether the event makes its time busy (see the module's rule)."""
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return False
    status = str(event.get(MS_BUSY_STATUS, "")).strip().upper()
    if status:
        return status in BUSY_STATUSES
    return str(event.get("TRANSP", "OPAQUE")).upper() != "TRANSPARENT"


def is_floating(event: icalendar.Event) -> bool:
    """True for an all-day event or a date-time without a zone: its time is the person's own."""
    start = _value(event, "DTSTART")
    return isinstance(start, date) and (not isinstance(start, datetime) or start.tzinfo is None)


def event_interval(event: icalendar.Event, zone: tzinfo) -> Interval | None:
    """The time the event takes, with dates and floating times read in ``zone``; None if it has none."""
    start = _value(event, "DTSTART")
    if not isinstance(start, date):
        return None
    end = _value(event, "DTEND")
    duration = _value(event, "DURATION")
    if not isinstance(start, datetime):
        if isinstance(end, date) and not isinstance(end, datetime):
            last = end
        elif isinstance(duration, timedelta):
            last = start + timedelta(days=max(duration.days, 1))
        else:
            last = start + timedelta(days=1)
        return _interval(_midnight(start, zone), _midnight(last, zone))
    begin = _placed(start, zone)
    if isinstance(end, datetime):
        return _interval(begin, _placed(end, zone))
    if isinstance(duration, timedelta):
        return _interval(begin, begin + duration)
    return None  # a date-time without an end or a duration takes no time (RFC 5545, 3.6.1)


def is_away(event: icalendar.Event) -> bool:
    """True for time away: out of office, or an all-day event (careerconv never writes either)."""
    start = _value(event, "DTSTART")
    status = str(event.get(MS_BUSY_STATUS, "")).strip().upper()
    return status == "OOF" or (isinstance(start, date) and not isinstance(start, datetime))


def busy_spans(
    events: Iterable[icalendar.Event], zone: tzinfo, window: Interval
) -> tuple[tuple[Interval, ...], tuple[Interval, ...]]:
    """The intervals of ``events`` that block time and touch ``window``, in start order: the
    busy ones, and those away (``is_away``), which ``BusyReport.away`` carries."""
    busy: list[Interval] = []
    away: list[Interval] = []
    for event in events:
        if not blocks(event):
            continue
        span = event_interval(event, zone)
        if span is not None and span.overlaps(window):
            (away if is_away(event) else busy).append(span)
    return _ordered(busy), _ordered(away)


def _ordered(spans: list[Interval]) -> tuple[Interval, ...]:
    return tuple(sorted(spans, key=lambda s: (s.start, s.end)))


def _value(event: icalendar.Event, name: str) -> object:
    prop = event.get(name)
    return getattr(prop, "dt", None)


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _placed(moment: datetime, zone: tzinfo) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _interval(start: datetime, end: datetime) -> Interval | None:
    # In UTC: two times in one zone compare and subtract by the wall clock, which a DST day is not.
    first, last = start.astimezone(UTC), end.astimezone(UTC)
    return Interval(first, last) if last > first else None
