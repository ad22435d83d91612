"""The scheduling rules written again, plainly, from ``docs/scheduler.md``.

Times are aware datetimes; every local fact comes from ``zoneinfo``. This is
deliberately slow and obvious: it is what the scheduler is measured against.
A person's hours are read from the fields of ``WorkingHours`` (``week`` when
it is given, else ``start``-``end`` on ``weekdays``), and public holidays from
the ``holidays`` package itself: a holiday of a person's region holds none of
their working time and is none of their working days.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

import holidays

from careerconv_core.domain.clock import Interval
from careerconv_core.domain.people import Person
from yardstick.instances import Instance

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def minute(moment: datetime) -> int:
    """Whole minutes since the epoch."""
    return int((moment - EPOCH).total_seconds()) // 60


def moment(minutes: int) -> datetime:
    """The UTC datetime of a minute count."""
    return EPOCH + timedelta(minutes=minutes)


def window(inst: Instance) -> tuple[datetime, datetime]:
    """Manager-local midnight of the start date to the same day next month (clamped), or window_days on."""
    tz = ZoneInfo(inst.manager.time_zone)
    s = inst.start
    year, month = (s.year + 1, 1) if s.month == 12 else (s.year, s.month + 1)
    end = date(year, month, min(s.day, calendar.monthrange(year, month)[1]))
    if inst.rules.window_days is not None:
        end = s + timedelta(days=inst.rules.window_days)
    begin = datetime(s.year, s.month, s.day, tzinfo=tz).astimezone(UTC)
    return begin, datetime(end.year, end.month, end.day, tzinfo=tz).astimezone(UTC)


def local(person: Person, at: datetime) -> datetime:
    """``at`` on ``person``'s wall clock."""
    return at.astimezone(ZoneInfo(person.time_zone))


def local_date(person: Person, at: datetime) -> date:
    """``person``'s local date at ``at``."""
    return local(person, at).date()


@lru_cache(maxsize=256)
def _public_holidays(region: str, year: int) -> frozenset[date]:
    country, _, subdivision = region.partition("-")
    return frozenset(holidays.country_holidays(country, subdiv=subdivision or None, years=year))


def holiday(person: Person, day: date) -> bool:
    """Whether local ``day`` is a public holiday of ``person``'s region (if they have one)."""
    region = person.working_hours.holidays
    return region is not None and day in _public_holidays(region, day.year)


def working_day(person: Person, day: date) -> bool:
    """Whether ``day`` is one of ``person``'s working days: hours on its weekday, and no holiday."""
    hours = person.working_hours
    has_hours = bool(hours.week[day.weekday()]) if hours.week else day.weekday() in hours.weekdays
    return has_hours and not holiday(person, day)


def day_intervals(person: Person, day: date) -> list[tuple[datetime, datetime]]:
    """``person``'s working intervals on local ``day``, as aware local datetimes."""
    if not working_day(person, day):
        return []
    tz, hours = ZoneInfo(person.time_zone), person.working_hours
    pieces = hours.week[day.weekday()] if hours.week else ((hours.start, hours.end),)
    return [(datetime.combine(day, start, tz), datetime.combine(day, end, tz)) for start, end in pieces]


def in_hours(person: Person, start: datetime, end: datetime) -> bool:
    """Whether ``[start, end)`` lies inside one working interval of one working day, locally."""
    a, b = local(person, start), local(person, end)
    return any(begin <= a and b <= stop for begin, stop in day_intervals(person, a.date()))


def why_outside(person: Person, start: datetime, end: datetime) -> str | None:
    """Why ``[start, end)`` is not in ``person``'s working hours (``None`` when it is)."""
    if in_hours(person, start, end):
        return None
    day = local_date(person, start)
    if holiday(person, day):
        return f"on a public holiday of {person.working_hours.holidays}, {day}"
    pieces = day_intervals(person, day)
    if not pieces:
        return f"on a day off ({day:%A})"
    a, b = local(person, start), local(person, end)
    if any(stop <= a and b <= begin for (_, stop), (begin, _) in pairwise(pieces)):
        return f"in a break between working intervals on {day:%A}"
    return f"outside the working intervals of {day:%A}"


def working_days_between(person: Person, first: date, last: date) -> int:
    """How many of ``person``'s working days lie strictly between two dates."""
    day, count = first + timedelta(days=1), 0
    while day < last:
        count += working_day(person, day)
        day += timedelta(days=1)
    return count


def manager_week(inst: Instance, at: datetime) -> tuple[int, int]:
    """The ISO (year, week) of ``at`` on the manager's calendar."""
    iso = local_date(inst.manager, at).isocalendar()
    return iso.year, iso.week


def overlaps(spans: list[Interval], start: datetime, end: datetime) -> bool:
    """Whether ``[start, end)`` meets one of ``spans``."""
    return any(s.start < end and start < s.end for s in spans)
