"""People in the org: who reports to whom, where they are, when they work."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attrs import field, frozen

from careerconv_core.domain.ids import id_field, optional_id_field
from careerconv_core.domain.text import has_controls
from careerconv_core.errors import InvalidInput, shown

PersonId = str

# fullmatch, and no control characters: a trailing line break must not pass into a mail header.
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+")


# ZoneInfo keeps only the 8 zones used last alive; an org with more zones than that
# read the zone's file from disk again for nearly every person it checked. There are
# about 600 IANA names, so every valid one fits; a name refused is not kept.
_zone = lru_cache(maxsize=1024)(ZoneInfo)


def zone(name: str) -> ZoneInfo:
    """Return the IANA time zone called ``name`` or raise ``InvalidInput``."""
    try:
        return _zone(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise InvalidInput(
            "time_zone", "an IANA time zone such as 'Europe/Berlin'", f"unknown time zone {name!r}"
        ) from exc


def _check_zone(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str):
        raise InvalidInput("time_zone", "an IANA time zone such as 'Europe/Berlin'", "not text")
    zone(value)


def _check_text(_instance: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, str):
        raise InvalidInput(attribute.name, "text", f"got a {type(value).__name__}")


def _check_name(_instance: object, attribute: Any, value: Any) -> None:
    _check_text(_instance, attribute, value)
    if has_controls(value):
        # A name is written into mail headers and calendar properties, where a NUL or a
        # line break would end the line or inject another.
        raise InvalidInput(
            attribute.name,
            "a name on one line, without control characters",
            f"{shown(value)} holds a control character or a line break",
        )


def _check_hours(_instance: object, _attribute: object, value: Any) -> None:
    if not isinstance(value, WorkingHours):
        raise InvalidInput("working_hours", "a WorkingHours", f"got a {type(value).__name__}")


def _check_email(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str) or not _EMAIL.fullmatch(value):
        got = shown(value) if isinstance(value, str) else f"a {type(value).__name__}"
        raise InvalidInput("email", "an address like 'name@example.com'", f"not an email: {got}")


# One stretch of a working day, local start and end.
DayInterval = tuple[time, time]


def _minute(value: time) -> int:
    return value.hour * 60 + value.minute


_NIGHT = "hours inside one day, such as 22:00-23:59 for the meeting part of a night shift"


def _check_interval(start: time, end: time) -> None:
    """Refuse an interval unless it lies inside one day and holds working time."""
    shown_ = f"{start:%H:%M}-{end:%H:%M}"
    if start > end:
        raise InvalidInput("working_hours", _NIGHT, f"{shown_} crosses midnight")
    if start == end:
        raise InvalidInput(
            "working_hours", "a start before the end, such as 09:00-17:00", f"{shown_} holds no working time"
        )


def merged_day(day: Iterable[DayInterval]) -> tuple[DayInterval, ...]:
    """One day's intervals in order, those that touch or overlap joined into one.

    ``09:00-12:00,12:00-13:00`` is one stretch, ``09:00-13:00``: kept apart, no
    conversation could straddle 12:00 although the person works through it.
    Each interval must lie inside the day (``InvalidInput`` otherwise).
    """
    joined: list[DayInterval] = []
    for start, end in sorted(day):
        _check_interval(start, end)
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return tuple(joined)


def _merged_week(week: Any) -> tuple[tuple[DayInterval, ...], ...]:
    """``WorkingHours.week`` with each day merged (see ``merged_day``), whoever built it."""
    try:
        return tuple(merged_day(day) for day in week)
    except (TypeError, ValueError):
        raise InvalidInput(
            "working_hours.week", "7 days of (start, end) times, Monday first", "not intervals"
        ) from None


@frozen
class WorkingHours:
    """The local hours a person takes meetings in: ``start``-``end`` on ``weekdays``.

    Weekdays are numbered as ``datetime.weekday()`` does: Monday 0 to Sunday 6.
    ``week``, when given, holds each weekday's intervals, Monday first (a lunch
    break, split shifts, shorter Fridays), each day's in order with those that
    touch or overlap joined (``merged_day``); ``start``, ``end`` and ``weekdays``
    are then its first start, last end and days with hours (``of_week`` builds
    them). ``holidays`` is an ISO 3166 region (``"DE"``, ``"DE-BY"``) whose
    public holidays hold no working time.
    """

    start: time = time(9, 0)
    end: time = time(17, 0)
    weekdays: frozenset[int] = field(default=frozenset({0, 1, 2, 3, 4}), converter=frozenset)
    week: tuple[tuple[DayInterval, ...], ...] = field(default=(), converter=_merged_week)
    holidays: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.start > self.end:
            # A conversation must lie inside one local working day (M4): a night shift
            # is given as the part of it that takes meetings, on one side of midnight.
            raise InvalidInput(
                "working_hours", _NIGHT, f"{self.start:%H:%M}-{self.end:%H:%M} crosses midnight"
            )
        if self.start == self.end:
            raise InvalidInput(
                "working_hours",
                "a start before the end, such as 09:00-17:00",
                f"{self.start:%H:%M}-{self.end:%H:%M} holds no working time",
            )
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise InvalidInput("working_hours.weekdays", "weekday numbers 0 (Monday) to 6 (Sunday)")
        if self.week:
            self._check_week()
        if self.holidays is not None:
            from careerconv_core.domain import public_holidays  # noqa: PLC0415 - only when asked

            problem = (
                public_holidays.region_problem(self.holidays)
                if isinstance(self.holidays, str)
                else "not text"
            )
            if problem:
                raise InvalidInput("holidays", public_holidays.expected(), problem)

    def _check_week(self) -> None:
        if len(self.week) != 7:
            raise InvalidInput(
                "working_hours.week", "7 days of intervals, Monday first", f"{len(self.week)} days"
            )
        days = frozenset(d for d, day in enumerate(self.week) if day)
        pieces = [piece for day in self.week for piece in day]
        if (
            days != self.weekdays
            or self.start != min(s for s, _ in pieces)
            or self.end != max(e for _, e in pieces)
        ):
            raise InvalidInput(
                "working_hours.week",
                "start, end and weekdays as WorkingHours.of_week gives them",
                "they differ",
            )

    @classmethod
    def of_week(cls, week: tuple[tuple[DayInterval, ...], ...], holidays: str | None = None) -> WorkingHours:
        """Hours from each weekday's intervals, Monday first; an empty day is a day off."""
        week = _merged_week(week)
        pieces = [piece for day in week for piece in day]
        if not pieces:
            raise InvalidInput("weekdays", "'Mon-Fri' or 'Mon,Wed,Fri'", "no days given")
        weekdays = frozenset(d for d, day in enumerate(week) if day)
        start, end = min(s for s, _ in pieces), max(e for _, e in pieces)
        if len(week) == 7 and all(day in ((), ((start, end),)) for day in week):
            week = ()  # one interval a day, the same every day: the plain form
        return cls(start, end, weekdays, tuple(week), holidays)  # type: ignore[arg-type]

    def on(self, weekday: int) -> tuple[tuple[int, int], ...]:
        """The working intervals of ``weekday`` in minutes after local midnight (none on a day off)."""
        if self.week:
            return tuple((_minute(s), _minute(e)) for s, e in self.week[weekday])
        if weekday in self.weekdays:
            return ((_minute(self.start), _minute(self.end)),)
        return ()

    @property
    def minutes_per_day(self) -> int:
        """How many minutes the working day lasts (the longest day, when days differ)."""
        return max(sum(e - s for s, e in self.on(d)) for d in self.weekdays)


@frozen
class Person:
    """Someone in the org: a manager, a report, or both."""

    id: PersonId = field(validator=id_field)
    name: str = field(validator=_check_name)
    email: str = field(validator=_check_email)
    time_zone: str = field(default="UTC", validator=_check_zone)
    working_hours: WorkingHours = field(default=WorkingHours(), validator=_check_hours)
    manager_id: PersonId | None = field(default=None, validator=optional_id_field)

    @property
    def zone(self) -> ZoneInfo:
        """The person's time zone as a ``ZoneInfo``."""
        return zone(self.time_zone)
