"""People in the org: who reports to whom, where they are, when they work."""

from __future__ import annotations

import re
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


@frozen
class WorkingHours:
    """The local hours a person takes meetings in: ``start``-``end`` on ``weekdays``.

    Weekdays are numbered as ``datetime.weekday()`` does: Monday 0 to Sunday 6.
    """

    start: time = time(9, 0)
    end: time = time(17, 0)
    weekdays: frozenset[int] = field(default=frozenset({0, 1, 2, 3, 4}), converter=frozenset)

    def __attrs_post_init__(self) -> None:
        if self.start > self.end:
            # A conversation must lie inside one local working day (M4): a night shift
            # is given as the part of it that takes meetings, on one side of midnight.
            raise InvalidInput(
                "working_hours",
                "hours inside one day, such as 22:00-23:59 for the meeting part of a night shift",
                f"{self.start:%H:%M}-{self.end:%H:%M} crosses midnight",
            )
        if self.start == self.end:
            raise InvalidInput(
                "working_hours",
                "a start before the end, such as 09:00-17:00",
                f"{self.start:%H:%M}-{self.end:%H:%M} holds no working time",
            )
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise InvalidInput("working_hours.weekdays", "weekday numbers 0 (Monday) to 6 (Sunday)")

    @property
    def minutes_per_day(self) -> int:
        """How many minutes the working day lasts."""
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)


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
