"""The one M4 check: may these conversations, or this meeting, go in the calendar?

Every path that puts something in the calendar asks here: the team scheduler
for every placement it returns (``team_problems``), a move (``reschedule``,
``reschedule_later``), a placement through the services, the plan itself
(``CareerPlan.schedule``), the three-way handoff meeting, one-off meetings
(M13, M14) and follow-ups. Each passes the facts it has, and the check
applies the rules those facts allow: the plan knows no people, so for it
only the order and the one-month window are checked; with the people come
their working hours, with the rules the separate days, the homework gap and
the weekly cap, with busy and booked time the overlaps.

Checks, in the order they are reported:

1. each conversation in focus: inside the one-month window, inside every
   person's working hours on a working day in their own time zone, clear of
   busy time and of the manager's other career conversations;
2. the order: each starts after the one before ends, or was held (M3);
3. life story and pinnacle on different local dates for both people;
4. at least ``homework_gap_working_days`` of the report's working days
   strictly between the pinnacle's date and the GROW review's date (M9);
5. the manager's career-conversation minutes per ISO week (manager-local),
   booked ones included, within ``weekly_cap_minutes`` (M11).

Without a window given, the month runs from the date of the first scheduled
conversation to the same date a month later, that day included: the plan
knows no time zones, so the last day is left whole.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from attrs import field, frozen

from careerconv_core.domain.clock import Interval, add_months
from careerconv_core.domain.conversations import (
    ORDER,
    Conversation,
    ConversationKind,
    ConversationStatus,
)
from careerconv_core.domain.people import Person
from careerconv_core.domain.scheduling.rules import SchedulingRules
from careerconv_core.domain.scheduling.time import (
    HoursIndex,
    Span,
    busy_spans,
    day_hours,
    earliest_review_day,
    holds,
    interval,
    iso_week_label,
    local_ordinal,
    to_minute,
    week_of,
    window_hours,
    working_days_between,
)
from careerconv_core.errors import InvalidInput, RuleViolation

__all__ = [
    "Check",
    "Problem",
    "Timed",
    "booked_usage",
    "from_conversations",
    "month_window",
    "outside_hours",
    "plan_window",
    "require_within_hours",
    "team_problems",
    "utc_text",
    "within_working_hours",
]

_LATER = "or move the later conversations too (reschedule --shift-later)"
_LIFE_STORY, _PINNACLE, _GROW_REVIEW = ORDER
_POSITION = {kind: n for n, kind in enumerate(ORDER)}

# One conversation still to be held: its kind, interval, and start and end minute.
_Slot = tuple[ConversationKind, Interval, int, int]
# One conversation for the order: its kind, its start, and when it was done.
_Step = tuple[ConversationKind, datetime | None, datetime]


@frozen
class Problem:
    """One broken rule: its number, what is wrong and what to do instead."""

    rule: str
    problem: str
    fix: str

    def error(self) -> RuleViolation:
        """The problem as the error the library raises."""
        return RuleViolation(self.rule, self.problem, self.fix)


@frozen
class Timed:
    """One conversation as the check sees it: its place on the calendar, or when it was held."""

    kind: ConversationKind
    interval: Interval | None = None
    held_at: datetime | None = None


def from_conversations(conversations: Iterable[Conversation]) -> tuple[Timed, ...]:
    """The plan's scheduled and held conversations as the check sees them."""
    out = []
    for conv in conversations:
        known = Interval(conv.start, conv.end) if conv.start and conv.end else None
        if conv.status is ConversationStatus.SCHEDULED and known is not None:
            out.append(Timed(conv.kind, known))
        elif conv.status is ConversationStatus.HELD and conv.held_at is not None:
            out.append(Timed(conv.kind, known, conv.held_at))
    return tuple(out)


def month_window(day: date, zone: tzinfo | None) -> Interval:
    """The one month (M4) from ``day``: its midnight to midnight of the same date a month later
    (clamped to the month's end), in ``zone``. The team scheduler's ``window_of`` is the same
    month on the minute grid."""
    return Interval(datetime.combine(day, time(0), zone), datetime.combine(add_months(day, 1), time(0), zone))


def plan_window(first: datetime) -> Interval:
    """The one-month window a plan's conversations keep to, from its first one's start.

    The month from that date (``month_window``) with its last date kept whole: a
    conversation placed or moved by hand may end on the same date a month later, as
    the plan has always allowed. The team scheduler searches ``month_window`` only.
    """
    month = month_window(first.date(), first.tzinfo)
    return Interval(month.start, month.end + timedelta(days=1))


def booked_usage(manager: Person, booked: Iterable[Interval]) -> dict[int, int]:
    """The manager's booked career-conversation minutes per ISO week (Monday ordinal)."""
    usage: dict[int, int] = {}
    for item in booked:
        week = week_of(manager.time_zone, to_minute(item.start))
        usage[week] = usage.get(week, 0) + item.minutes
    return usage


def utc_text(moment: datetime) -> str:
    """A moment as messages show it: ``2026-03-02 09:00 UTC``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


# --- working hours ----------------------------------------------------------------------


def within_working_hours(person: Person, item: Interval) -> bool:
    """True when ``item`` lies inside one of ``person``'s working days, in their own time zone."""
    start = to_minute(item.start)
    return holds(day_hours(person, start), start, to_minute(item.end))


def outside_hours(people: Iterable[Person], item: Interval) -> list[str]:
    """Ids, sorted, of the people whose working hours do not hold ``item``."""
    return sorted({p.id for p in people if not within_working_hours(p, item)})


def require_within_hours(people: Iterable[Person], item: Interval, field: str = "at") -> None:
    """Refuse a meeting outside anyone's working hours, naming who (``InvalidInput``)."""
    outside = outside_hours(people, item)
    if outside:
        raise InvalidInput(
            field,
            "a time inside every participant's working hours (in their own time zone)",
            f"outside the working hours of {', '.join(outside)}",
        )


# --- the rules, one function each -------------------------------------------------------


def _overlaps(spans: Sequence[Span], starts: Sequence[int], start: int, end: int) -> bool:
    """Whether ``[start, end)`` meets one of ``spans`` (sorted, none overlapping another)."""
    k = bisect_left(starts, end) - 1
    return k >= 0 and spans[k][1] > start


def _window_problem(slot: _Slot, window: Interval) -> Problem | None:
    kind, interval, _, _ = slot
    if window.start <= interval.start and interval.end <= window.end:
        return None
    return Problem(
        "M4",
        f"the three conversations would spread over more than one month: the {kind.label} at "
        f"{utc_text(interval.start)} would leave the one-month window {utc_text(window.start)} "
        f"to {utc_text(window.end)}",
        f"pick a time that ends by {utc_text(window.end)}, or schedule the three again in a new month",
    )


def _hours_problem(slot: _Slot, people: Sequence[tuple[Person, HoursIndex | None]]) -> Problem | None:
    kind, interval, start, end = slot
    outside = [
        person.id for person, index in people if not holds(index or day_hours(person, start), start, end)
    ]
    if not outside:
        return None
    return Problem(
        "M4",
        f"the {kind.label} at {utc_text(interval.start)} is outside the working hours of "
        f"{', '.join(sorted(set(outside)))}",
        "pick a time inside both people's working hours, each in their own time zone",
    )


def _busy_problem(slot: _Slot, spans: Sequence[Span], starts: Sequence[int], what: str) -> Problem | None:
    kind, interval, start, end = slot
    if not spans or not _overlaps(spans, starts, start, end):
        return None
    return Problem(
        "M4",
        f"the {kind.label} at {utc_text(interval.start)} overlaps {what}",
        "pick a slot that is free in both calendars",
    )


def _order_problem(steps: Sequence[_Step]) -> Problem | None:
    """Each conversation starts after the one before it ends, or was held (M3)."""
    for (before, _, done), (kind, start, _) in itertools.pairwise(steps):
        if start is not None and start < done:
            n, m = kind.number, before.number
            return Problem(
                "M4",
                f"conversation {n} would start before conversation {m} ends (the {kind.label} at "
                f"{utc_text(start)} would come before the end of the {before.label} at "
                f"{utc_text(done)})",
                f"keep the order: place conversation {n} after {utc_text(done)}, move "
                f"conversation {m} first, {_LATER}",
            )
    return None


def _days_problem(first: int, second: int, people: Sequence[Person]) -> Problem | None:
    """Life story (dated ``first``) and pinnacle (starting ``second``) on different dates."""
    for person in people:
        d1 = local_ordinal(person.time_zone, first)
        if d1 >= local_ordinal(person.time_zone, second):
            return Problem(
                "M4",
                f"the life story and the pinnacle would be on the same day for {person.id}",
                f"pick a pinnacle slot on a day after {date.fromordinal(d1)}, {_LATER}",
            )
    return None


def _gap_problem(done: int, third: int, report: Person, gap: int) -> Problem | None:
    """``gap`` of the report's working days between the pinnacle and the GROW review (M9)."""
    d2 = local_ordinal(report.time_zone, done)
    d3 = local_ordinal(report.time_zone, third)
    weekdays, holidays = report.working_hours.weekdays, report.working_hours.holidays
    if not gap or d3 >= earliest_review_day(weekdays, d2, gap, holidays):
        return None
    return Problem(
        "M4",
        f"only {max(working_days_between(weekdays, d2, d3, holidays), 0)} working days for the GROW "
        f"homework between the pinnacle and the GROW review (at least {gap} needed)",
        f"pick a GROW review slot later, {_LATER}",
    )


def _cap_problem(slot: _Slot, weeks: dict[int, int], zone: str, cap: int) -> Problem | None:
    """Add one conversation to the manager's minutes per week; over the cap is M11."""
    kind, interval, start, _ = slot
    week = week_of(zone, start)
    weeks[week] = weeks.get(week, 0) + interval.minutes
    if weeks[week] <= cap:
        return None
    return Problem(
        "M11",
        f"the {kind.label} would put the manager over the weekly cap of {cap / 60:.1f} h in "
        f"{iso_week_label(week)}",
        "pick a slot in another week",
    )


# --- the check for one report's conversations -------------------------------------------


@frozen
class Check:
    """The facts one check runs against, prepared once; every field may be left out.

    ``window`` is the one-month window (``None``: ``plan_window`` of the first
    scheduled conversation). Working hours need ``manager`` and ``report``;
    separate days, the homework gap and the weekly cap need ``rules`` too.
    ``busy`` and ``booked`` are merged minute spans (``booked``: the manager's
    other career conversations); ``usage`` the booked minutes per ISO week.
    """

    window: Interval | None = None
    manager: Person | None = None
    report: Person | None = None
    rules: SchedulingRules | None = None
    busy: Sequence[Span] = ()
    booked: Sequence[Span] = ()
    usage: Mapping[int, int] | None = None
    # Lookups derived from the facts above, never given: a check built directly checks as
    # much as one built with ``of``.
    busy_starts: Sequence[int] = field(init=False)
    booked_starts: Sequence[int] = field(init=False)
    hours: Sequence[tuple[Person, HoursIndex | None]] = field(init=False)

    def __attrs_post_init__(self) -> None:
        people = [p for p in (self.manager, self.report) if p is not None]
        window = self.window
        span = (to_minute(window.start), to_minute(window.end)) if window is not None else None
        # With the window known, each person's hours are looked up once for all of it.
        hours = [(p, window_hours(p, *span) if span is not None else None) for p in people]
        object.__setattr__(self, "busy_starts", [s for s, _ in self.busy])
        object.__setattr__(self, "booked_starts", [s for s, _ in self.booked])
        object.__setattr__(self, "hours", hours)
        if self.usage is None and self.manager is not None:
            spans = [interval(start, end) for start, end in self.booked]
            object.__setattr__(self, "usage", booked_usage(self.manager, spans))

    @classmethod
    def of(
        cls,
        *,
        window: Interval | None = None,
        manager: Person | None = None,
        report: Person | None = None,
        rules: SchedulingRules | None = None,
        busy: Iterable[Interval] = (),
        booked: Sequence[Interval] = (),
    ) -> Check:
        """A check from intervals: ``busy`` of either person, ``booked`` of the manager."""
        return cls(
            window,
            manager,
            report,
            rules,
            busy_spans(busy),
            busy_spans(booked),
            # Counted from the bookings themselves, before adjacent ones are merged.
            booked_usage(manager, booked) if manager is not None else None,
        )

    def problems(
        self, conversations: Sequence[Timed], focus: Sequence[ConversationKind] = ()
    ) -> Iterator[Problem]:
        """Every rule the conversations break, the first one first.

        ``focus`` names the conversations checked one by one, in that order
        (the ones being placed); by default every scheduled one.
        """
        given = sorted(conversations, key=lambda t: _POSITION[t.kind])
        slots = {
            t.kind: (t.kind, t.interval, to_minute(t.interval.start), to_minute(t.interval.end))
            for t in given
            if t.interval is not None and t.held_at is None
        }
        window = self.window
        if window is None and slots:
            window = plan_window(min(slot[1].start for slot in slots.values()))
        for kind in focus or tuple(slots):
            slot = slots.get(kind)
            if slot is None:
                continue
            problem = (
                (_window_problem(slot, window) if window is not None else None)
                or _hours_problem(slot, self.hours)
                or _busy_problem(slot, self.busy, self.busy_starts, "busy time")
                or _busy_problem(
                    slot,
                    self.booked,
                    self.booked_starts,
                    "busy time: another of the manager's career conversations",
                )
            )
            if problem is not None:
                yield problem
        steps = _steps(given)
        for problem in (_order_problem(steps), self._sequence(steps, slots), self._cap(slots)):
            if problem is not None:
                yield problem

    def first(self, conversations: Sequence[Timed], focus: Sequence[ConversationKind] = ()) -> Problem | None:
        """The first rule broken, or ``None`` when every rule holds."""
        return next(self.problems(conversations, focus), None)

    def require(self, conversations: Sequence[Timed], focus: Sequence[ConversationKind] = ()) -> None:
        """Raise the first rule broken as ``RuleViolation`` (M4, or M11 for the cap)."""
        problem = self.first(conversations, focus)
        if problem is not None:
            raise problem.error()

    def _sequence(self, steps: Sequence[_Step], slots: Mapping[ConversationKind, _Slot]) -> Problem | None:
        manager, report, rules = self.manager, self.report, self.rules
        if manager is None or report is None or rules is None:
            return None
        # A held conversation is dated by when it was held, a scheduled one by its start.
        dated = {kind: slots[kind][2] if kind in slots else to_minute(done) for kind, _, done in steps}
        first, second = dated.get(_LIFE_STORY), slots.get(_PINNACLE)
        if rules.separate_days_1_2 and first is not None and second is not None:
            problem = _days_problem(first, second[2], (manager, report))
            if problem is not None:
                return problem
        done, third = dated.get(_PINNACLE), slots.get(_GROW_REVIEW)
        if done is None or third is None:
            return None
        return _gap_problem(done, third[2], report, rules.homework_gap_working_days)

    def _cap(self, slots: Mapping[ConversationKind, _Slot]) -> Problem | None:
        if self.manager is None or self.rules is None or self.usage is None:
            return None
        weeks = dict(self.usage)
        for slot in slots.values():
            problem = _cap_problem(slot, weeks, self.manager.time_zone, self.rules.weekly_cap_minutes)
            if problem is not None:
                return problem
        return None


def _steps(given: Sequence[Timed]) -> list[_Step]:
    """The placed conversations in order: start, and when each is done (held, or its end)."""
    steps: list[_Step] = []
    for t in given:
        if t.held_at is not None:
            steps.append((t.kind, t.interval.start if t.interval else None, t.held_at))
        elif t.interval is not None:
            steps.append((t.kind, t.interval.start, t.interval.end))
    return steps


# --- the check for a whole team's result ------------------------------------------------


def team_problems(
    manager: Person,
    placed: Sequence[tuple[Person, Sequence[Interval], Sequence[Span], Sequence[Span]]],
    *,
    window: Interval,
    rules: SchedulingRules,
    usage: Mapping[int, int],
) -> Iterator[tuple[str, Problem]]:
    """Every rule a team's placements break, with the report it concerns.

    ``placed`` holds, per placed report, the three intervals in order, the
    same as minute spans, and the pair's busy and booked time (merged spans);
    ``usage`` the manager's booked minutes per week. The rules are the ones
    ``Check`` applies, and the manager's conversations of different reports
    must not overlap. One pass over the team: the manager's hours, the
    conversations placed so far and the minutes per week carry across reports.
    """
    zone, cap, weeks = manager.time_zone, rules.weekly_cap_minutes, dict(usage)
    low, high = to_minute(window.start), to_minute(window.end)
    manager_hours = (manager, window_hours(manager, low, high))
    # The manager's conversations checked so far: sorted, none overlapping another.
    taken: list[Span] = []
    taken_starts: list[int] = []
    for report, intervals, spans, blocked in placed:
        people = (manager_hours, (report, window_hours(report, low, high)))
        blocked_starts = [s for s, _ in blocked]
        slots = [
            (kind, iv, start, end) for kind, iv, (start, end) in zip(ORDER, intervals, spans, strict=True)
        ]
        for slot in slots:
            problem = (
                _window_problem(slot, window)
                or _hours_problem(slot, people)
                or _busy_problem(slot, blocked, blocked_starts, "busy time")
                or _busy_problem(slot, taken, taken_starts, "another report's conversation")
            )
            if problem is not None:
                yield report.id, problem
        problem = _order_problem([(kind, iv.start, iv.end) for kind, iv, _, _ in slots])
        if problem is None and rules.separate_days_1_2:
            problem = _days_problem(slots[0][2], slots[1][2], (manager, report))
        if problem is None:
            problem = _gap_problem(slots[1][2], slots[2][2], report, rules.homework_gap_working_days)
        for slot in slots:
            over = _cap_problem(slot, weeks, zone, cap)
            problem = problem or over
            insort(taken, (slot[2], slot[3]))
            insort(taken_starts, slot[2])
        if problem is not None:
            yield report.id, problem
