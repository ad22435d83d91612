"""Free time of a manager-report pair as interval arithmetic on whole UTC minutes.

The scheduler never scans minute by minute: it turns both people's local
working hours into UTC intervals per local date (zoneinfo does the DST
arithmetic), intersects them, removes busy time, and keeps for every free
interval the facts the rules ask about (whose local date it is on, which of
the manager's ISO weeks it falls in). Times are minutes since the Unix epoch,
so a slot grid of 5, 10, 15 or 30 minutes lines up with local quarter hours.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from attrs import field, frozen

from careerconv_core.domain.clock import Interval, add_months
from careerconv_core.domain.people import Person, WorkingHours, zone
from careerconv_core.domain.public_holidays import days_off, is_off

Span = tuple[int, int]


def to_minute(moment: datetime) -> int:
    """Whole minutes since the epoch, rounded down."""
    return int(moment.timestamp()) // 60


def to_minute_up(moment: datetime) -> int:
    """Whole minutes since the epoch, rounded up (a busy end blocks its whole minute)."""
    return math.ceil(moment.timestamp() / 60)


def to_datetime(minute: int) -> datetime:
    """The aware UTC datetime of a minute count."""
    return datetime.fromtimestamp(minute * 60, UTC)


def interval(start: int, end: int) -> Interval:
    """An ``Interval`` in UTC from two minute counts."""
    return Interval(to_datetime(start), to_datetime(end))


def monday_of(ordinal: int) -> int:
    """Ordinal of the Monday of the ISO week holding the date ``ordinal``."""
    # date.fromordinal(1) is a Monday, so the weekday is (ordinal - 1) % 7.
    return ordinal - (ordinal - 1) % 7


def weekday_of(ordinal: int) -> int:
    """``datetime.weekday()`` of the date with this ordinal (Monday 0)."""
    return (ordinal - 1) % 7


@lru_cache(maxsize=65536)
def local_midnight(zone_name: str, ordinal: int) -> int:
    """UTC minute of the start of local date ``ordinal`` in ``zone_name``."""
    return local_minute(zone_name, ordinal, 0)


@lru_cache(maxsize=262144)
def local_minute(zone_name: str, ordinal: int, minute_of_day: int) -> int:
    """UTC minute of a local wall-clock time (``minute_of_day`` after 00:00) on a local date."""
    day = date.fromordinal(ordinal)
    wall = datetime.combine(day, time(minute_of_day // 60, minute_of_day % 60), zone(zone_name))
    return to_minute(wall)


@lru_cache(maxsize=262144)
def local_ordinal(zone_name: str, minute: int) -> int:
    """Local date (as an ordinal) of a UTC minute in ``zone_name``."""
    return to_datetime(minute).astimezone(zone(zone_name)).date().toordinal()


@lru_cache(maxsize=65536)
def zone_working_spans(zone_name: str, hours: WorkingHours, first: int, last: int) -> tuple[Span, ...]:
    """UTC spans of ``hours`` in ``zone_name`` on local dates ``first``..``last`` (ordinals)."""
    # Cached by zone and hours, not by person: a whole org shares a few of each.
    off = days_off(hours.holidays, first, last) if hours.holidays else frozenset()
    spans: list[Span] = []
    for ordinal in range(first, last + 1):
        if ordinal in off:
            continue  # a public holiday holds no working time
        for begin, end in hours.on(weekday_of(ordinal)):
            start = local_minute(zone_name, ordinal, begin)
            stop = local_minute(zone_name, ordinal, end)
            if stop > start:
                spans.append((start, stop))
    return tuple(spans)


# Someone's working spans over some local dates, with their starts for bisecting.
HoursIndex = tuple[tuple[int, ...], tuple[Span, ...]]


@lru_cache(maxsize=4096)
def hours_index(zone_name: str, hours: WorkingHours, first: int, last: int) -> HoursIndex:
    """Working spans on local dates ``first``..``last`` and their starts, for bisecting."""
    spans = zone_working_spans(zone_name, hours, first, last)
    return tuple(s for s, _ in spans), spans


def holds(index: HoursIndex, start: int, end: int) -> bool:
    """Whether one working span of ``index`` holds the minutes ``start``..``end``."""
    # Working hours never cross local midnight: the span holding the start is that day's.
    starts, spans = index
    k = bisect_right(starts, start) - 1
    return k >= 0 and end <= spans[k][1]


def day_hours(person: Person, minute: int) -> HoursIndex:
    """``person``'s working spans on the local date of ``minute``."""
    day = local_ordinal(person.time_zone, minute)
    return hours_index(person.time_zone, person.working_hours, day, day)


def window_hours(person: Person, low: int, high: int) -> HoursIndex:
    """``person``'s working spans over the local dates the minutes ``low``..``high`` touch."""
    zone = person.time_zone
    first, last = local_ordinal(zone, low), local_ordinal(zone, high)
    return hours_index(zone, person.working_hours, first, last)


def intersect(left: Sequence[Span], right: Sequence[Span]) -> list[Span]:
    """Intersection of two sorted lists of disjoint spans (two-pointer walk)."""
    out: list[Span] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i][0], right[j][0])
        stop = min(left[i][1], right[j][1])
        if start < stop:
            out.append((start, stop))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return out


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sort spans and join those that touch or overlap."""
    out: list[Span] = []
    for start, stop in sorted(spans):
        if out and start <= out[-1][1]:
            if stop > out[-1][1]:
                out[-1] = (out[-1][0], stop)
        else:
            out.append((start, stop))
    return out


def subtract(
    free: Sequence[Span], busy: Sequence[Span], busy_starts: Sequence[int] | None = None
) -> list[Span]:
    """``free`` minus ``busy``; both sorted, ``busy`` merged (``busy_starts`` may be passed in)."""
    out: list[Span] = []
    if busy_starts is None:
        busy_starts = [b[0] for b in busy]
    for start, stop in free:
        cursor = start
        # Only busy spans that can touch this free span: bisect to the first candidate.
        k = max(bisect_left(busy_starts, start) - 1, 0)
        while k < len(busy) and busy[k][0] < stop:
            b_start, b_stop = busy[k]
            if b_stop > cursor:
                if b_start > cursor:
                    out.append((cursor, b_start))
                cursor = max(cursor, b_stop)
            k += 1
        if cursor < stop:
            out.append((cursor, stop))
    return out


def busy_spans(intervals: Iterable[Interval]) -> list[Span]:
    """Merged UTC minute spans of busy intervals (rounded outward)."""
    return merge((to_minute(iv.start), to_minute_up(iv.end)) for iv in intervals)


@frozen
class PairCalendar:
    """Free time shared by a manager and one report inside a window, with day facts.

    Parallel lists, one entry per free span: ``starts``/``ends`` (UTC minutes),
    ``manager_days``/``report_days`` (local date ordinals of the span),
    ``weeks`` (ordinal of the Monday of the manager's ISO week) and
    ``next_day`` (the first UTC minute on a later local date for both people).
    Each span lies inside one working day of each person, because working
    hours never cross local midnight.
    """

    manager_zone: str
    report_zone: str
    report_weekdays: frozenset[int]
    starts: list[int]
    ends: list[int]
    manager_days: list[int]
    report_days: list[int]
    weeks: list[int]
    next_day: list[int]
    report_holidays: str | None = None  # the report's region: its holidays are no homework days
    # report day -> homework threshold, for the one gap a run uses: the search asks
    # for the same few days hundreds of times per report.
    _thresholds: dict[tuple[int, int], int] = field(factory=dict, eq=False, repr=False)

    @classmethod
    def build(
        cls,
        manager: Person,
        report: Person,
        window: Span,
        blocked: Sequence[Span],
    ) -> PairCalendar:
        """Free time of the pair inside ``window`` minus the merged ``blocked`` spans."""
        mz, rz = manager.time_zone, report.time_zone
        spans, facts = _shared_spans(mz, manager.working_hours, rz, report.working_hours, window)
        pieces = subtract(spans, blocked) if blocked else spans
        # Busy time splits a shared span; every piece keeps the span's day facts.
        owner, j = [], 0
        for start, _stop in pieces:
            while spans[j][1] <= start:
                j += 1
            owner.append(j)
        mdays, rdays, weeks, nexts = ([column[k] for k in owner] for column in facts)
        return cls(
            mz,
            rz,
            report.working_hours.weekdays,
            [p[0] for p in pieces],
            [p[1] for p in pieces],
            mdays,
            rdays,
            weeks,
            nexts,
            report.working_hours.holidays,
        )

    def homework_threshold(self, report_day: int, gap_days: int) -> int:
        """First UTC minute of the report-local date after ``gap_days`` working days.

        The homework needs ``gap_days`` of the report's working days strictly
        between conversation 2 (on ``report_day``) and conversation 3.
        """
        if not gap_days:
            return 0
        key = (report_day, gap_days)
        found = self._thresholds.get(key)
        if found is None:
            found = _homework_threshold(
                self.report_zone, self.report_weekdays, report_day, gap_days, self.report_holidays
            )
            self._thresholds[key] = found
        return found

    def index_of(self, minute: int) -> int:
        """Index of the free span holding ``minute`` (which must be in one)."""
        return bisect_left(self.ends, minute + 1)


@lru_cache(maxsize=65536)
def _homework_threshold(
    zone_name: str, weekdays: frozenset[int], day: int, gap_days: int, holidays: str | None
) -> int:
    return local_midnight(zone_name, earliest_review_day(weekdays, day, gap_days, holidays))


@lru_cache(maxsize=65536)
def earliest_review_day(
    weekdays: frozenset[int], pinnacle_day: int, gap_days: int, holidays: str | None = None
) -> int:
    """The first local date (ordinal) conversation 3 may be on after the pinnacle's date (M9).

    The homework needs ``gap_days`` of the report's working days (``weekdays``
    that are no public holiday of the region ``holidays``) strictly between the
    two dates; with no gap the review may follow on the same day.
    """
    day, counted = pinnacle_day, 0
    while counted < gap_days:
        day += 1
        if weekday_of(day) in weekdays and not is_off(holidays, day):
            counted += 1
    return day + 1 if gap_days else day


def working_days_between(weekdays: frozenset[int], first: int, last: int, holidays: str | None = None) -> int:
    """How many working days (``weekdays``, no holiday of ``holidays``) lie strictly between two dates."""
    return sum(1 for d in range(first + 1, last) if weekday_of(d) in weekdays and not is_off(holidays, d))


def week_of(zone_name: str, minute: int) -> int:
    """Ordinal of the Monday of the ISO week, in ``zone_name``, holding the UTC ``minute``."""
    return monday_of(local_ordinal(zone_name, minute))


@lru_cache(maxsize=4096)
def _shared_spans(
    manager_zone: str,
    manager_hours: WorkingHours,
    report_zone: str,
    report_hours: WorkingHours,
    window: Span,
) -> tuple[tuple[Span, ...], tuple[tuple[int, ...], ...]]:
    """Common working spans in ``window``, and per span (manager day, report day, week, next day).

    The facts come as four columns parallel to the spans. Cached by zones and
    hours: in an org most pairs share them.
    """
    first = local_ordinal(manager_zone, window[0]) - 1
    last = local_ordinal(manager_zone, window[1]) + 1
    shared = intersect(
        zone_working_spans(manager_zone, manager_hours, first, last),
        zone_working_spans(report_zone, report_hours, first, last),
    )
    low, high = window
    spans: list[Span] = []
    rows: list[tuple[int, int, int, int]] = []
    for s, e in shared:
        if s >= high or e <= low:
            continue
        start = max(s, low)
        mday = local_ordinal(manager_zone, start)
        rday = local_ordinal(report_zone, start)
        next_day = max(local_midnight(manager_zone, mday + 1), local_midnight(report_zone, rday + 1))
        spans.append((start, min(e, high)))
        rows.append((mday, rday, monday_of(mday), next_day))
    columns = tuple(zip(*rows, strict=True)) if rows else ((), (), (), ())
    return tuple(spans), columns


_DAYS_PER_PAIR = 512  # with 256 pairs, about as many days as the cache used to hold


def shared_day(
    manager_zone: str,
    manager_hours: WorkingHours,
    report_zone: str,
    report_hours: WorkingHours,
    day: int,
) -> tuple[Span, ...]:
    """Common working spans on the manager's local date ``day`` (an ordinal)."""
    days = shared_days(manager_zone, manager_hours, report_zone, report_hours)
    spans = days.get(day)
    if spans is None:
        if len(days) >= _DAYS_PER_PAIR:
            days.clear()  # bounded like an lru cache, without paying for the bookkeeping
        spans = days[day] = tuple(
            intersect(
                zone_working_spans(manager_zone, manager_hours, day, day),
                zone_working_spans(report_zone, report_hours, day - 1, day + 1),
            )
        )
    return spans


@lru_cache(maxsize=256)
def shared_days(
    manager_zone: str, manager_hours: WorkingHours, report_zone: str, report_hours: WorkingHours
) -> dict[int, tuple[Span, ...]]:
    """The memo of ``shared_day`` for one pair of zones and hours, by the manager's local date.

    A pair's follow-ups look up a dozen months of days: hashing the zones and
    hours once per pair, not once per day, is most of what a lookup costs.
    """
    return {}


def window_of(manager: Person, start: date, days: int | None = None) -> Span:
    """The window from ``start``'s local midnight: to the same day next month (clamped), or ``days`` on."""
    end = add_months(start, 1) if days is None else start + timedelta(days=days)
    return (
        local_midnight(manager.time_zone, start.toordinal()),
        local_midnight(manager.time_zone, end.toordinal()),
    )


def iso_week_label(monday_ordinal: int) -> str:
    """``"2026-W48"`` for the week starting on the Monday ``monday_ordinal``."""
    iso = date.fromordinal(monday_ordinal).isocalendar()
    return f"{iso.year}-W{iso.week:02d}"
