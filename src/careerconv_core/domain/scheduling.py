"""The team scheduler (M3, M4, M10, M11): the three conversations and the follow-ups.

Pure domain code: people, busy time and the start date come in, slots come
out; nothing is read from a clock or a calendar here. All arithmetic runs on
whole UTC minutes (see ``scheduling_time``); the search is in
``scheduling_search``. Every returned ``Interval`` is in UTC.

Constraints for each report's three conversations:

- life story -> pinnacle -> GROW review, in this order (M3), lengths from the rules;
- all inside one month from the start date: the manager's local midnight of
  the start date to the same day next month (clamped), end exclusive (M4);
- inside both people's working hours on a working day, each in their own
  time zone (DST through zoneinfo);
- life story and pinnacle on different local dates for both people;
- at least ``homework_gap_working_days`` of the report's working days
  strictly between the pinnacle's date and the GROW review's date (M9);
- the manager's career-conversation minutes per ISO week (manager-local),
  including ``booked`` ones, at most ``weekly_cap_minutes`` (M11);
- no overlap with busy time of either person, with ``booked`` or with each other;
- starts on a grid of ``slot_minutes``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any

from attrs import evolve, field, frozen

from careerconv_core.domain.clock import Interval, require_aware
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.domain.people import Person
from careerconv_core.domain.scheduling_optimise import optimise
from careerconv_core.domain.scheduling_search import (
    Ledger,
    Options,
    Shape,
    Solution,
    best,
    earliest_fit,
    place,
)
from careerconv_core.domain.scheduling_search import first_fit as _first_fit_solution
from careerconv_core.domain.scheduling_time import (
    PairCalendar,
    Span,
    add_months,
    busy_spans,
    interval,
    iso_week_label,
    local_ordinal,
    merge,
    monday_of,
    shared_day,
    subtract,
    to_datetime,
    to_minute,
    weekday_of,
    window_of,
    working_spans,
)
from careerconv_core.errors import InvalidInput, RuleViolation

__all__ = [
    "Blocker",
    "ConversationKind",
    "ConversationSlot",
    "FollowUp",
    "Placement",
    "SchedulingRules",
    "TeamSchedule",
    "first_fit",
    "follow_ups",
    "reschedule",
    "reschedule_later",
    "schedule_report",
    "schedule_team",
    "within_working_hours",
]


_KINDS = tuple(ConversationKind)
_SLOT_GRIDS = frozenset({1, 5, 10, 15, 20, 30, 60})


def _whole(low: int, high: int) -> Callable[[Any, Any, int], None]:
    def check(_instance: Any, attribute: Any, value: int) -> None:
        name = getattr(attribute, "name", "value")
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput(
                f"rules.{name}", f"a whole number from {low} to {high}", f"got {value!r}"
            )

    return check


def _grid(_instance: object, _attribute: object, value: object) -> None:
    if value not in _SLOT_GRIDS:
        raise InvalidInput(
            "rules.slot_minutes", "one of 1, 5, 10, 15, 20, 30, 60", f"got {value!r}"
        )


def _flag(_instance: object, _attribute: object, value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidInput("rules.separate_days_1_2", "True or False", f"got {value!r}")


@frozen
class SchedulingRules:
    """The numbers the scheduler works with; defaults from M3, M4, M10 and M11.

    Lengths are minutes. The window is one calendar month from the start
    date. ``weekly_cap_minutes`` caps the manager's career-conversation time
    per ISO week. Follow-ups: a check-in every month for ``follow_up_months``
    months after conversation 3, every ``extended_review_every_months``-th of
    them an extended review instead (M10: at least quarterly).
    """

    life_story: int = field(default=60, validator=_whole(15, 240))
    pinnacle: int = field(default=60, validator=_whole(15, 240))
    grow_review: int = field(default=45, validator=_whole(15, 240))
    homework_gap_working_days: int = field(default=2, validator=_whole(0, 10))
    separate_days_1_2: bool = field(default=True, validator=_flag)
    weekly_cap_minutes: int = field(default=240, validator=_whole(15, 7 * 24 * 60))
    slot_minutes: int = field(default=15, validator=_grid)
    check_in_minutes: int = field(default=10, validator=_whole(5, 10))
    extended_review_minutes: int = field(default=30, validator=_whole(15, 120))
    follow_up_months: int = field(default=12, validator=_whole(0, 36))
    extended_review_every_months: int = field(default=3, validator=_whole(1, 3))

    def length(self, kind: ConversationKind) -> int:
        """Minutes of one conversation."""
        return {
            ConversationKind.LIFE_STORY: self.life_story,
            ConversationKind.PINNACLE: self.pinnacle,
            ConversationKind.GROW_REVIEW: self.grow_review,
        }[kind]

    def window(self, start: date) -> tuple[date, date]:
        """First day and the exclusive last day of the one-month window from ``start``."""
        return start, add_months(start, 1)

    def shape(self) -> Shape:
        """The numbers the search needs."""
        return Shape(
            (self.life_story, self.pinnacle, self.grow_review),
            self.slot_minutes,
            self.homework_gap_working_days,
            self.separate_days_1_2,
            self.weekly_cap_minutes,
        )


@frozen
class ConversationSlot:
    """One conversation's place in time."""

    kind: ConversationKind
    interval: Interval


@frozen
class Placement:
    """The three conversations of one report, in UTC, and the window they must stay in."""

    report_id: str
    life_story: Interval
    pinnacle: Interval
    grow_review: Interval
    window: Interval

    @property
    def slots(self) -> tuple[ConversationSlot, ...]:
        """The three slots in order."""
        return tuple(ConversationSlot(kind, self.interval(kind)) for kind in _KINDS)

    def interval(self, kind: ConversationKind | str) -> Interval:
        """The interval of ``kind`` (a ``ConversationKind`` or its value)."""
        kind = ConversationKind(kind)
        return {
            ConversationKind.LIFE_STORY: self.life_story,
            ConversationKind.PINNACLE: self.pinnacle,
            ConversationKind.GROW_REVIEW: self.grow_review,
        }[kind]

    def __getitem__(self, kind: ConversationKind | str) -> Interval:
        return self.interval(kind)

    def moved(self, kind: ConversationKind, new: Interval) -> Placement:
        """A copy with ``kind`` at ``new`` (nothing checked)."""
        if kind is ConversationKind.LIFE_STORY:
            return evolve(self, life_story=new)
        if kind is ConversationKind.PINNACLE:
            return evolve(self, pinnacle=new)
        return evolve(self, grow_review=new)

    @property
    def span_minutes(self) -> int:
        """Minutes from the start of the life story to the end of the GROW review."""
        return int((self.grow_review.end - self.life_story.start).total_seconds() // 60)


@frozen
class Blocker:
    """Why a report could not be placed: a ``constraint`` code and a human sentence.

    Codes: ``no_common_hours``, ``homework_gap`` (the window cannot hold the
    sequence with its gaps), ``busy``, ``manager_time`` (the manager's
    fitting time went to other reports), ``weekly_cap``, ``follow_up``.
    """

    report_id: str
    constraint: str
    reason: str
    fix: str

    def __str__(self) -> str:
        return f"{self.report_id}: {self.reason}. Fix: {self.fix}"


@frozen
class FollowUp:
    """A check-in (monthly, in the 1:1) or an extended review (quarterly) after the three (M10)."""

    report_id: str
    kind: str  # "check_in" or "extended_review"
    interval: Interval
    sequence: int


def _frozen_map(value: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(value))


@frozen
class TeamSchedule:
    """The result for one manager's team: who is placed where, who is not and why.

    Every report given is in exactly one of ``placements`` and ``unplaced``.
    ``minutes_per_week`` is the manager's career-conversation minutes per ISO
    week (``"2026-W48"``), booked ones included. ``proven_optimal`` is true
    when the branch and bound finished (small teams; see docs/scheduler.md).
    """

    manager_id: str
    window: Interval
    placements: Mapping[str, Placement] = field(converter=_frozen_map)
    unplaced: Mapping[str, Blocker] = field(converter=_frozen_map)
    minutes_per_week: Mapping[str, int] = field(converter=_frozen_map)
    follow_ups: Mapping[str, tuple[FollowUp, ...]] = field(converter=_frozen_map)
    follow_up_blockers: Mapping[str, Blocker] = field(converter=_frozen_map)
    proven_optimal: bool = False

    @property
    def total_span_minutes(self) -> int:
        """Sum over placed reports of the minutes from the start of 1 to the end of 3."""
        return sum(p.span_minutes for p in self.placements.values())


# --- building the problem -------------------------------------------------------------


def _check_team(manager: Person, reports: Sequence[Person]) -> None:
    seen: set[str] = set()
    for index, report in enumerate(reports):
        if report.id == manager.id:
            raise InvalidInput(
                f"reports[{index}]", "people other than the manager", "the manager is listed"
            )
        if report.id in seen:
            raise InvalidInput(
                f"reports[{index}]", "each report once", f"{report.id!r} appears twice"
            )
        seen.add(report.id)


def _blocked(
    person_ids: Sequence[str], busy: Mapping[str, Sequence[Interval]], booked: Sequence[Interval]
) -> list[Span]:
    items: list[Interval] = list(booked)
    for pid in person_ids:
        items.extend(busy.get(pid, ()))
    return busy_spans(items)


def _week_of(manager: Person, minute: int) -> int:
    return monday_of(local_ordinal(manager.time_zone, minute))


def _booked_usage(manager: Person, booked: Sequence[Interval]) -> dict[int, int]:
    usage: dict[int, int] = {}
    for item in booked:
        week = _week_of(manager, to_minute(item.start))
        usage[week] = usage.get(week, 0) + item.minutes
    return usage


def _placement(
    report_id: str, triple: tuple[int, int, int], shape: Shape, window: Span
) -> Placement:
    l1, l2, l3 = shape.lengths
    s1, s2, s3 = triple
    return Placement(
        report_id,
        interval(s1, s1 + l1),
        interval(s2, s2 + l2),
        interval(s3, s3 + l3),
        interval(*window),
    )


def _diagnose_alone(
    manager: Person, report: Person, *, window: Span, cal: PairCalendar, shape: Shape
) -> Blocker:
    """Why the pair has no triple even with nobody else placed and no cap."""
    first = to_datetime(window[0]).date()
    last = to_datetime(window[1]).date()
    bare = PairCalendar.build(manager, report, window, [])
    longest = max(shape.lengths)
    if not any(e - s >= longest for s, e in zip(bare.starts, bare.ends, strict=True)):
        return Blocker(
            report.id,
            "no_common_hours",
            f"no common working hours with manager {manager.id} between {first} and {last} "
            f"long enough for a {longest}-minute conversation",
            "widen either person's working hours or working days so that they overlap",
        )
    if not Options.of(bare, shape).by_end:
        return Blocker(
            report.id,
            "homework_gap",
            "one-month window too short for the homework gap: the common working days cannot "
            "hold life story, pinnacle on a later day and GROW review after "
            f"{shape.gap_days} working days of homework",
            "add common working days, or shorten homework_gap_working_days",
        )
    # Working hours would do, so busy time is what leaves no triple.
    return Blocker(
        report.id,
        "busy",
        "busy calendar: the free time both people share in the window cannot hold the "
        "three conversations in order",
        "free some time in the manager's or the report's calendar, or start in another month",
    )


def _diagnose(
    manager: Person,
    report: Person,
    *,
    window: Span,
    cal: PairCalendar,
    shape: Shape,
    ledger: Ledger,
    rules: SchedulingRules,
    options: Options | None,
) -> Blocker:
    """Name the first constraint, from the most basic, that leaves no triple for ``report``."""
    if options is None:
        options = Options.of(cal, shape)
    if not options.by_end:
        return _diagnose_alone(manager, report, window=window, cal=cal, shape=shape)
    uncapped = Ledger(None, ledger.usage, ledger.occ_starts, ledger.occ_ends)
    if best(options, shape, uncapped, "end") is None:
        return Blocker(
            report.id,
            "manager_time",
            "the manager's free time that fits is taken by the other reports' conversations",
            "start this report's conversations next month",
        )
    return Blocker(
        report.id,
        "weekly_cap",
        f"weekly cap of {rules.weekly_cap_minutes / 60:.1f} h reached in every week of the window "
        "that could hold the three conversations",
        "start this report's conversations next month, or raise weekly_cap_minutes",
    )


def _solve(
    manager: Person,
    reports: Sequence[Person],
    *,
    start: date,
    rules: SchedulingRules,
    busy: Mapping[str, Sequence[Interval]],
    booked: Sequence[Interval],
    with_follow_ups: bool,
    naive: bool,
) -> TeamSchedule:
    _check_team(manager, reports)
    window = window_of(manager, start)
    shape = rules.shape()
    # Busy time turned into minute spans once per person, reused for every pair.
    own = {p.id: busy_spans(busy.get(p.id, ())) for p in (manager, *reports)}
    manager_blocked = merge([*own[manager.id], *busy_spans(booked)])
    cals = [
        PairCalendar.build(manager, r, window, merge([*manager_blocked, *own[r.id]]))
        for r in reports
    ]
    usage = _booked_usage(manager, booked)
    solution: Solution
    opts: list[Options] | None = None
    if naive:
        solution, proven = _first_fit_solution(cals, shape, Ledger.empty(shape.cap, usage)), False
    else:
        opts = [Options.of(cal, shape) for cal in cals]
        solution, proven = optimise(cals, shape, usage, opts)
    ledger = Ledger.empty(shape.cap, usage)
    for cal, triple in zip(cals, solution, strict=True):
        if triple is not None:
            place(ledger, cal, triple, shape)
    placements: dict[str, Placement] = {}
    unplaced: dict[str, Blocker] = {}
    for index, (report, cal, triple) in enumerate(zip(reports, cals, solution, strict=True)):
        if triple is None:
            unplaced[report.id] = _diagnose(
                manager,
                report,
                window=window,
                cal=cal,
                shape=shape,
                ledger=ledger,
                rules=rules,
                options=opts[index] if opts is not None else None,
            )
        else:
            placements[report.id] = _placement(report.id, triple, shape, window)
    per_week = {iso_week_label(w): m for w, m in sorted(ledger.usage.items()) if m}
    found: dict[str, tuple[FollowUp, ...]] = {}
    problems: dict[str, Blocker] = {}
    if with_follow_ups:
        taken = Ledger.empty(None)
        taken.occ_starts, taken.occ_ends = list(ledger.occ_starts), list(ledger.occ_ends)
        for report in reports:
            if report.id in placements:
                items, problem = _follow_ups(
                    manager,
                    report,
                    after=placements[report.id].grow_review.end,
                    rules=rules,
                    blocked=merge([*own[manager.id], *own[report.id]]),
                    taken=taken,
                )
                found[report.id] = items
                if problem is not None:
                    problems[report.id] = problem
    return TeamSchedule(
        manager.id, interval(*window), placements, unplaced, per_week, found, problems, proven
    )


def schedule_team(  # noqa: PLR0917 - positional order agreed with callers
    manager: Person,
    reports: Sequence[Person],
    start: date,
    rules: SchedulingRules = SchedulingRules(),
    busy: Mapping[str, Sequence[Interval]] = MappingProxyType({}),
    booked: Sequence[Interval] = (),
    *,
    with_follow_ups: bool = True,
) -> TeamSchedule:
    """Place conversations 1-3 for every report in the month from ``start`` (M4, M11).

    Objective, in order: as many reports placed as possible, then the
    smallest sum of spans. Reports that cannot be placed are in ``unplaced``
    with the constraint that blocks them. ``busy`` maps person ids to busy
    intervals; ``booked`` are the manager's career conversations already in
    the calendar (they block time and count toward the weekly cap). With
    ``with_follow_ups`` the monthly check-ins and quarterly extended reviews
    after conversation 3 are placed too (M10).
    """
    return _solve(
        manager,
        reports,
        start=start,
        rules=rules,
        busy=busy,
        booked=booked,
        with_follow_ups=with_follow_ups,
        naive=False,
    )


def first_fit(  # noqa: PLR0917 - positional order agreed with callers
    manager: Person,
    reports: Sequence[Person],
    start: date,
    rules: SchedulingRules = SchedulingRules(),
    busy: Mapping[str, Sequence[Interval]] = MappingProxyType({}),
    booked: Sequence[Interval] = (),
    *,
    with_follow_ups: bool = False,
) -> TeamSchedule:
    """The naive baseline: reports in the given order, each at its earliest feasible slots."""
    return _solve(
        manager,
        reports,
        start=start,
        rules=rules,
        busy=busy,
        booked=booked,
        with_follow_ups=with_follow_ups,
        naive=True,
    )


def schedule_report(  # noqa: PLR0917 - positional order agreed with callers
    manager: Person,
    report: Person,
    start: date,
    rules: SchedulingRules = SchedulingRules(),
    busy: Mapping[str, Sequence[Interval]] = MappingProxyType({}),
    booked: Sequence[Interval] = (),
) -> Placement | Blocker:
    """Place the three conversations of one report: the placement, or the blocker."""
    result = schedule_team(manager, [report], start, rules, busy, booked)
    return result.placements.get(report.id) or result.unplaced[report.id]


# --- follow-ups (M10) -----------------------------------------------------------------


def _follow_ups(
    manager: Person,
    report: Person,
    *,
    after: datetime,
    rules: SchedulingRules,
    blocked: list[Span],
    taken: Ledger,
) -> tuple[tuple[FollowUp, ...], Blocker | None]:
    """Follow-ups month by month; stops at the first month with no common free slot."""
    require_aware(after, "after")
    blocked_starts = [b[0] for b in blocked]
    base = local_ordinal(manager.time_zone, to_minute(after))
    base_day = date.fromordinal(base)
    begin = to_minute(after)
    grid = rules.slot_minutes
    mz, rz = manager.time_zone, report.time_zone
    out: list[FollowUp] = []
    months = [add_months(base_day, n).toordinal() for n in range(rules.follow_up_months + 2)]
    for n in range(1, rules.follow_up_months + 1):
        extended = n % rules.extended_review_every_months == 0
        length = rules.extended_review_minutes if extended else rules.check_in_minutes
        first, stop = months[n], months[n + 1]
        slot = None
        for day in range(first, stop):
            if weekday_of(day) not in manager.working_hours.weekdays:
                continue
            shared = shared_day(mz, manager.working_hours, rz, report.working_hours, day)
            free = subtract(shared, blocked, blocked_starts)
            for s, e in free:
                start = -(-max(s, begin) // grid) * grid
                while start + length <= e:
                    clash = taken.clash(start, start + length)
                    if clash is None:
                        slot = start
                        break
                    start = -(-clash // grid) * grid
                if slot is not None:
                    break
            if slot is not None:
                break
        if slot is None:
            return tuple(out), Blocker(
                report.id,
                "follow_up",
                f"no common free {length}-minute slot for follow-up {n} in the month from "
                f"{date.fromordinal(first)}",
                "free time in both calendars that month, or widen working hours",
            )
        taken.take(slot, length, 0)
        kind = "extended_review" if extended else "check_in"
        out.append(FollowUp(report.id, kind, interval(slot, slot + length), n))
    return tuple(out), None


def follow_ups(
    manager: Person,
    report: Person,
    after: datetime,
    rules: SchedulingRules = SchedulingRules(),
    busy: Mapping[str, Sequence[Interval]] = MappingProxyType({}),
) -> tuple[FollowUp, ...]:
    """Monthly check-ins and quarterly extended reviews after conversation 3 (M10).

    Follow-up ``n`` goes to the earliest common free slot in the month that
    starts ``n`` months after ``after`` (manager-local date); every third
    (by default) is an extended review instead of that month's check-in.
    Raises ``RuleViolation("M10", ...)`` naming the month that has no slot.
    """
    items, problem = _follow_ups(
        manager,
        report,
        after=after,
        rules=rules,
        blocked=_blocked([manager.id, report.id], busy, ()),
        taken=Ledger.empty(None),
    )
    if problem is not None:
        raise RuleViolation("M10", problem.reason, problem.fix)
    return items


# --- moving a conversation (M4) -------------------------------------------------------


def _fmt(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def within_working_hours(person: Person, item: Interval) -> bool:
    """True when ``item`` lies inside one of ``person``'s working days, in their own time zone."""
    return _inside_hours(person, item)


def _inside_hours(person: Person, item: Interval) -> bool:
    s, e = to_minute(item.start), to_minute(item.end)
    day = local_ordinal(person.time_zone, s)
    return any(a <= s and e <= b for a, b in working_spans(person, day, day))


def _report_days_between(report: Person, before: int, after: int) -> int:
    return sum(
        1 for d in range(before + 1, after) if weekday_of(d) in report.working_hours.weekdays
    )


def _problems(
    placement: Placement,
    *,
    manager: Person,
    report: Person,
    rules: SchedulingRules,
    blocked: Sequence[Span],
    usage: Mapping[int, int],
    focus: ConversationKind,
) -> tuple[str, str, str] | None:
    """The first rule the placement breaks, looking at ``focus`` first: (rule, problem, fix)."""
    window = placement.window
    order = [focus] + [k for k in _KINDS if k != focus]
    for kind in order:
        item = placement.interval(kind)
        name = kind.label
        if item.start < window.start or item.end > window.end:
            return (
                "M4",
                f"the {name} at {_fmt(item.start)} would leave the one-month window "
                f"{_fmt(window.start)} to {_fmt(window.end)}",
                f"pick a start that ends by {_fmt(window.end)}, or schedule the three again "
                "in a new month",
            )
        for person in (manager, report):
            if not _inside_hours(person, item):
                return (
                    "M4",
                    f"the {name} at {_fmt(item.start)} is outside {person.id}'s working hours",
                    "pick a time inside both people's working hours",
                )
        s, e = to_minute(item.start), to_minute(item.end)
        if any(a < e and s < b for a, b in blocked):
            return (
                "M4",
                f"the {name} at {_fmt(item.start)} overlaps busy time",
                "pick a slot that is free in both calendars",
            )
    return _sequence_problems(placement, manager=manager, report=report, rules=rules, usage=usage)


def _sequence_problems(
    placement: Placement,
    *,
    manager: Person,
    report: Person,
    rules: SchedulingRules,
    usage: Mapping[int, int],
) -> tuple[str, str, str] | None:
    """Order, separate days, homework gap and weekly cap of a placement."""
    ls, pn, gr = placement.life_story, placement.pinnacle, placement.grow_review
    for earlier, later, a, b in (
        (ConversationKind.LIFE_STORY, ConversationKind.PINNACLE, ls, pn),
        (ConversationKind.PINNACLE, ConversationKind.GROW_REVIEW, pn, gr),
    ):
        if b.start < a.end:
            return (
                "M4",
                f"the {later.label} at {_fmt(b.start)} would come before the end of the "
                f"{earlier.label} at {_fmt(a.end)}",
                f"keep the order: pick a slot after {_fmt(a.end)}, or move the later "
                "conversations too (reschedule_later)",
            )
    if rules.separate_days_1_2:
        for person in (manager, report):
            d1 = local_ordinal(person.time_zone, to_minute(ls.start))
            d2 = local_ordinal(person.time_zone, to_minute(pn.start))
            if d1 >= d2:
                return (
                    "M4",
                    f"the life story and the pinnacle would be on the same day for {person.id}",
                    f"pick a pinnacle slot on a day after {date.fromordinal(d1)}, or move the "
                    "later conversations too (reschedule_later)",
                )
    d2 = local_ordinal(report.time_zone, to_minute(pn.start))
    d3 = local_ordinal(report.time_zone, to_minute(gr.start))
    if _report_days_between(report, d2, d3) < rules.homework_gap_working_days:
        return (
            "M4",
            f"only {max(_report_days_between(report, d2, d3), 0)} working days for the GROW "
            f"homework between the pinnacle and the GROW review (at least "
            f"{rules.homework_gap_working_days} needed)",
            "pick a GROW review slot later, or move the later conversations too "
            "(reschedule_later)",
        )
    weeks: dict[int, int] = dict(usage)
    for kind in _KINDS:
        item = placement.interval(kind)
        week = _week_of(manager, to_minute(item.start))
        weeks[week] = weeks.get(week, 0) + item.minutes
        if weeks[week] > rules.weekly_cap_minutes:
            return (
                "M11",
                f"the {kind.label} would put the manager over the weekly cap of "
                f"{rules.weekly_cap_minutes / 60:.1f} h in {iso_week_label(week)}",
                "pick a slot in another week",
            )
    return None


def _context(
    placement: Placement,
    manager: Person,
    report: Person,
    busy: Mapping[str, Sequence[Interval]],
    booked: Sequence[Interval],
) -> tuple[list[Span], dict[int, int]]:
    """Blocked spans and booked minutes per week, leaving out the placement's own intervals."""
    own = {(s.interval.start, s.interval.end) for s in placement.slots}
    others = [b for b in booked if (b.start, b.end) not in own]
    return _blocked([manager.id, report.id], busy, others), _booked_usage(manager, others)


def reschedule(  # noqa: PLR0917 - positional order agreed with callers
    placement: Placement,
    kind: ConversationKind | str,
    new_start: datetime,
    manager: Person,
    report: Person,
    rules: SchedulingRules = SchedulingRules(),
    busy: Mapping[str, Sequence[Interval]] = MappingProxyType({}),
    booked: Sequence[Interval] = (),
) -> Placement:
    """Move one conversation to ``new_start``, keeping the others where they are (M4).

    Raises ``RuleViolation("M4", ...)`` naming what would break (window,
    working hours, busy time, order, separate days, homework gap) and what
    to do instead; ``RuleViolation("M11", ...)`` if the weekly cap would be
    exceeded given ``booked``.
    """
    kind = ConversationKind(kind)
    require_aware(new_start, "new_start")
    length = rules.length(kind)
    moved = placement.moved(kind, Interval(new_start, new_start + timedelta(minutes=length)))
    blocked, usage = _context(placement, manager, report, busy, booked)
    problem = _problems(
        moved,
        manager=manager,
        report=report,
        rules=rules,
        blocked=blocked,
        usage=usage,
        focus=kind,
    )
    if problem is not None:
        raise RuleViolation(*problem)
    return moved


def reschedule_later(  # noqa: PLR0917 - positional order agreed with callers
    placement: Placement,
    kind: ConversationKind | str,
    new_start: datetime,
    manager: Person,
    report: Person,
    rules: SchedulingRules = SchedulingRules(),
    busy: Mapping[str, Sequence[Interval]] = MappingProxyType({}),
    booked: Sequence[Interval] = (),
) -> Placement:
    """Move ``kind`` to ``new_start`` and shift the later conversations forward as little as needed.

    A later conversation that is still valid stays where it is; one that is
    not moves to the earliest slot after its predecessor that satisfies
    every rule. Raises ``RuleViolation`` if that cannot be done inside the
    one-month window.
    """
    kind = ConversationKind(kind)
    require_aware(new_start, "new_start")
    blocked, usage = _context(placement, manager, report, busy, booked)
    position = _KINDS.index(kind)
    # The moved one must be valid against the earlier ones; later ones are fixed below.
    probe = placement.moved(
        kind, Interval(new_start, new_start + timedelta(minutes=rules.length(kind)))
    )
    window = (to_minute(placement.window.start), to_minute(placement.window.end))
    cal = PairCalendar.build(manager, report, window, blocked)
    shape = rules.shape()
    for later in _KINDS[position + 1 :]:
        problem = _problems(
        probe,
        manager=manager,
        report=report,
        rules=rules,
        blocked=blocked,
        usage=usage,
        focus=later,
    )
        if problem is None:
            break
        prev = _KINDS[_KINDS.index(later) - 1]
        prev_iv = probe.interval(prev)
        p_start = to_minute(prev_iv.start)
        i_prev = cal.index_of(p_start)
        if i_prev >= len(cal.starts) or cal.starts[i_prev] > p_start:
            break  # the moved conversation itself is invalid; reported below
        if later is ConversationKind.PINNACLE:
            after = to_minute(prev_iv.end)
            if rules.separate_days_1_2:
                after = max(after, cal.next_day[i_prev])
        else:
            after = max(
                to_minute(prev_iv.end),
                cal.homework_threshold(cal.report_days[i_prev], rules.homework_gap_working_days),
            )
        found = earliest_fit(cal, after, rules.length(later), shape=shape, ledger=None)
        if found is None:
            raise RuleViolation(
                "M4",
                f"the {later.label} no longer fits in the one-month window ending "
                f"{_fmt(placement.window.end)} after the {prev.label} at {_fmt(prev_iv.start)}",
                f"pick an earlier start for the {kind.label}, or schedule the three again in "
                "a new month",
            )
        probe = probe.moved(later, interval(found[0], found[0] + rules.length(later)))
    # The weekly cap is checked on the whole result here.
    problem = _problems(
        probe,
        manager=manager,
        report=report,
        rules=rules,
        blocked=blocked,
        usage=usage,
        focus=kind,
    )
    if problem is not None:
        raise RuleViolation(*problem)
    return probe
