"""Time is passed in: helpers that insist on aware datetimes, intervals, calendar months.

A day or a moment that comes in from outside (a command's argument, a
library call, the clock, a record file) must lie in the years careerconv
plans in, ``FIRST_YEAR`` to ``LAST_YEAR``: far enough from the ends of
Python's calendar (years 1 and 9999) that a month window, a year of
check-ins or a GROW horizon added to it never runs off the end.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from attrs import frozen

from careerconv_core.errors import InvalidInput

FIRST_YEAR = 1900
LAST_YEAR = 2999
YEARS = f"in the years {FIRST_YEAR} to {LAST_YEAR}"


def require_aware(value: datetime, field_name: str) -> datetime:
    """Return ``value`` if it is a datetime carrying a time zone, else raise ``InvalidInput``.

    Naive datetimes are refused everywhere: a conversation at "10:00" means
    nothing until we know whose 10:00.
    """
    if not isinstance(value, datetime):
        raise InvalidInput(
            field_name,
            "a datetime with a time zone, such as 2026-12-01T10:00:00+01:00",
            f"got {type(value).__name__}",
        )
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise InvalidInput(
            field_name,
            "a datetime with a time zone, such as 2026-12-01T10:00:00+01:00",
            "naive datetime (no time zone)",
        )
    return value


def require_moment(value: datetime, field_name: str) -> datetime:
    """``value`` when it is an aware datetime in the years careerconv plans in; ``InvalidInput`` otherwise.

    For moments that come in from outside; moments derived from them may run a
    few years past ``LAST_YEAR`` and are only ``require_aware``.
    """
    require_aware(value, field_name)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InvalidInput(field_name, f"a date-time {YEARS}", f"the year {value.year}")
    return value


def require_day(value: date, field_name: str) -> date:
    """``value`` when it is a calendar day (not a datetime) in the years careerconv plans in."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidInput(
            field_name, "a date such as 2027-01-05 (not a date-time)", f"got {type(value).__name__}"
        )
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InvalidInput(field_name, f"a date {YEARS}", f"the year {value.year}")
    return value


def day_field(_instance: object, attribute: Any, value: Any) -> None:
    """An attrs validator: the attribute is a day in the years careerconv plans in."""
    require_day(value, attribute.name)


@frozen
class Interval:
    """A half-open span of time ``[start, end)``; both ends carry a time zone."""

    start: datetime
    end: datetime

    def __attrs_post_init__(self) -> None:
        require_aware(self.start, "interval.start")
        require_aware(self.end, "interval.end")
        if self.end <= self.start:
            raise InvalidInput("interval", "an end after the start", "empty or reversed interval")

    def overlaps(self, other: Interval) -> bool:
        """True when the two spans share any moment."""
        return self.start < other.end and other.start < self.end

    @property
    def minutes(self) -> int:
        """Length in whole minutes."""
        return int((self.end - self.start).total_seconds() // 60)


def without(busy: Iterable[Interval], own: Iterable[Interval]) -> tuple[Interval, ...]:
    """``busy`` with the spans of ``own`` cut out of it.

    A calendar reports careerconv's own events as busy time like any other,
    and may merge them with a neighbouring meeting into one block: cutting
    (not dropping equal spans) frees exactly the own time and keeps the rest.
    """
    cuts = sorted(own, key=lambda i: i.start)
    out: list[Interval] = []
    for span in busy:
        pieces = [span]
        for cut in cuts:
            kept: list[Interval] = []
            for piece in pieces:
                if not piece.overlaps(cut):
                    kept.append(piece)
                    continue
                if piece.start < cut.start:
                    kept.append(Interval(piece.start, cut.start))
                if cut.end < piece.end:
                    kept.append(Interval(cut.end, piece.end))
            pieces = kept
        out += pieces
    return tuple(out)


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months on, clamped to the month's last day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
