"""Working hours and holiday regions as HRIS records write them: one reading for every source.

The org file, SCIM and BambooHR all take working hours as one text:
``"09:00-17:00"``; several intervals a day, ``"09:00-12:00,13:00-17:00"``;
each weekday its own, ``"Mon-Thu 09:00-12:00,13:00-17:00; Fri 09:00-13:00"``
(the days named in the text itself). Working days are ``"Mon-Fri"`` unless
given (``"Mon,Wed,Fri"``, ``"Sun-Thu"``). A holiday region is an ISO 3166 code,
``"DE"`` or ``"DE-BY"``, or a country and a subdivision read from an address.

Errors are ``InvalidInput`` naming the field in the source's own words (the
caller passes them) and the fix; the caller re-homes them on its record
(``hris_mapping.record_error``).
"""

from __future__ import annotations

import re
from datetime import time
from functools import lru_cache

from careerconv_core.domain import public_holidays
from careerconv_core.domain.people import WorkingHours
from careerconv_core.errors import InvalidInput, shown

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A hyphen, or the en or em dash word processors put in its place.
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-\u2013\u2014]\s*(\d{1,2}):(\d{2})\s*$")
_DAY_WORD = re.compile(r"[A-Za-z]")
PER_DAY = "'Mon-Thu 09:00-12:00,13:00-17:00; Fri 09:00-13:00'"
HOURS_EXPECTED = f"'09:00-17:00', '09:00-12:00,13:00-17:00' or {PER_DAY}"


def parse_hours(text: str) -> tuple[time, time]:
    """``"09:00-17:00"`` -> (09:00, 17:00); raises ``ValueError`` with the fix."""
    match = _HOURS.match(text)
    if not match:
        raise ValueError(f"{shown(text.strip())} is not a range like '09:00-17:00'")
    sh, sm, eh, em = (int(g) for g in match.groups())
    try:
        return time(sh, sm), time(eh, em)
    except ValueError:
        raise ValueError("hours 00-23 and minutes 00-59, like '09:00-17:00'") from None


def parse_weekdays(text: str) -> frozenset[int]:
    """``"Mon-Fri"`` or ``"Mon,Wed,Fri"`` -> weekday numbers (Monday 0)."""
    days: set[int] = set()
    for part in text.split(","):
        piece = part.strip().lower()
        if not piece:
            continue
        first, _, last = piece.partition("-")
        try:
            start = DAYS.index(first.strip()[:3]) if len(first.strip()) >= 3 else -1
            end = DAYS.index(last.strip()[:3]) if last else start
        except ValueError:
            start = end = -1
        if start < 0:
            raise ValueError(f"unknown day in {part.strip()!r}; use Mon Tue Wed Thu Fri Sat Sun")
        # A range may wrap the week end: "Sun-Thu".
        span = (end - start) % 7
        days.update((start + i) % 7 for i in range(span + 1))
    if not days:
        raise ValueError("no days given")
    return frozenset(days)


def parse_intervals(text: str) -> tuple[tuple[time, time], ...]:
    """``"09:00-12:00,13:00-17:00"`` -> the day's intervals; raises ``ValueError`` with the fix."""
    return tuple(parse_hours(part) for part in text.split(",") if part.strip())


def parse_week(text: str) -> tuple[tuple[tuple[time, time], ...], ...]:
    """``"Mon-Thu 09:00-17:00; Fri 09:00-13:00"`` -> each weekday's intervals, Monday first."""
    week: list[tuple[tuple[time, time], ...]] = [()] * 7
    for part in text.split(";"):
        if not part.strip():
            continue
        days_text, _, hours_text = part.strip().partition(" ")
        if not hours_text.strip():
            raise ValueError(f"no hours after {days_text!r}; use {PER_DAY}")
        intervals = parse_intervals(hours_text)
        for day in parse_weekdays(days_text):
            if week[day]:
                raise ValueError(f"{DAYS[day].title()} is given twice")
            week[day] = intervals
    return tuple(week)


@lru_cache(maxsize=256)
def working_hours(
    hours_text: str,
    days_text: str = "",
    holidays: str = "",
    *,
    hours_field: str = "working_hours",
    days_field: str = "weekdays",
    holidays_field: str = "holidays",
) -> WorkingHours:
    """The working hours the texts name (empty: ``09:00-17:00``, ``Mon-Fri``, no holidays).

    Errors name the field as the source calls it (``hours_field`` ...) and
    the fix. An org repeats a few forms for everyone, and ``WorkingHours`` is
    frozen, so each form is parsed and checked once and its value shared; a
    refusal is not kept: it is raised again for each record that has it.
    """
    per_day = bool(_DAY_WORD.search(hours_text))
    if per_day and days_text:
        raise InvalidInput(
            days_field, f"an empty {days_field} when {hours_field} names the days ({PER_DAY})", "given twice"
        )
    try:
        if per_day:
            week = parse_week(hours_text)
        else:
            intervals = parse_intervals(hours_text or "09:00-17:00")
            if not intervals:
                raise ValueError("no hours given")
    except ValueError as exc:
        raise InvalidInput(hours_field, HOURS_EXPECTED, str(exc)) from None
    if not per_day:
        try:
            weekdays = parse_weekdays(days_text or "Mon-Fri")
        except ValueError as exc:
            raise InvalidInput(days_field, "'Mon-Fri' or 'Mon,Wed,Fri'", str(exc)) from None
        week = tuple(intervals if d in weekdays else () for d in range(7))
    try:
        return WorkingHours.of_week(week, holidays or None)
    except InvalidInput as exc:
        # The core names its own fields; the record names them as the source does.
        field = {"weekdays": days_field, "holidays": holidays_field}.get(exc.field, hours_field)
        raise InvalidInput(field, exc.expected, exc.problem) from None


def holiday_region(
    country: str,
    subdivision: str,
    *,
    country_field: str,
    subdivision_field: str,
    otherwise: str,
) -> str | None:
    """The holiday region an address gives (``"DE"``, ``"DE-BY"``), or None without a country.

    ``country`` is an ISO 3166-1 code or a country name the ``holidays``
    package knows; ``subdivision`` a subdivision code (``"BY"``) or a name it
    gives one (``"Bayern"``, ``"California"``). A subdivision of a country
    whose holidays are the same everywhere is not needed, and not checked.

    :param otherwise: the other fix a message offers, such as
        ``"or set the careerconv extension's holidays"``.
    :raises InvalidInput: on ``country_field`` or ``subdivision_field`` when the
        package cannot say which country or subdivision the text names.
    """
    if not country:
        return None
    code = public_holidays.country_code(country)
    if code is None:
        raise InvalidInput(
            country_field,
            f"an ISO 3166-1 country code such as 'DE' or 'US', {otherwise}",
            f"unknown country {shown(country)}",
        )
    if not subdivision or not public_holidays.has_subdivisions(code):
        return code
    found = public_holidays.subdivision_code(code, subdivision)
    if found is None:
        raise InvalidInput(
            subdivision_field,
            f"a subdivision code of {code} ({public_holidays.known_subdivisions(code)}), {otherwise}",
            f"unknown subdivision {shown(subdivision)} of {code}",
        )
    return f"{code}-{found}"
