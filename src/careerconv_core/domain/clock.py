"""Time is passed in: helpers that insist on aware datetimes, intervals, calendar months."""

from __future__ import annotations

import calendar
from datetime import date, datetime

from attrs import frozen

from careerconv_core.errors import InvalidInput


def require_aware(value: datetime, field_name: str) -> datetime:
    """Return ``value`` if it carries a time zone, else raise ``InvalidInput``.

    Naive datetimes are refused everywhere: a conversation at "10:00" means
    nothing until we know whose 10:00.
    """
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise InvalidInput(
            field_name,
            "a datetime with a time zone, such as 2026-12-01T10:00:00+01:00",
            "naive datetime (no time zone)",
        )
    return value


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


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months on, clamped to the month's last day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
