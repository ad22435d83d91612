"""The team scheduler (M3, M4, M10, M11): the three conversations and the follow-ups.

Pure domain code: people, busy time and the start date come in, slots come
out; nothing is read from a clock or a calendar here. All arithmetic runs on
whole UTC minutes (see ``time``); the candidates are in ``candidates``, the
search in ``optimise``. Every returned ``Interval`` is in UTC, and every
placement has passed the one M4 check (``validity``) before it is returned.

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

from collections.abc import Mapping, Sequence
from datetime import date
from types import MappingProxyType

from careerconv_core.domain.cadence import FollowUp
from careerconv_core.domain.clock import Interval
from careerconv_core.domain.people import Person
from careerconv_core.domain.scheduling import exact
from careerconv_core.domain.scheduling.blockers import diagnose
from careerconv_core.domain.scheduling.candidates import (
    Ledger,
    Options,
    Shape,
    Solution,
    Triple,
    place,
    score,
)
from careerconv_core.domain.scheduling.follow_up_slots import place_follow_ups
from careerconv_core.domain.scheduling.optimise import optimise
from careerconv_core.domain.scheduling.results import Blocker, Placement, TeamSchedule
from careerconv_core.domain.scheduling.room import most_placeable, week_limits
from careerconv_core.domain.scheduling.rules import SchedulingRules
from careerconv_core.domain.scheduling.search import first_fit as first_fit_solution
from careerconv_core.domain.scheduling.time import (
    PairCalendar,
    Span,
    busy_spans,
    interval,
    iso_week_label,
    merge,
    window_of,
)
from careerconv_core.domain.scheduling.validity import booked_usage, team_problems
from careerconv_core.errors import ConfigurationError, InvalidInput


def _check_team(manager: Person, reports: Sequence[Person]) -> None:
    seen: set[str] = set()
    for index, report in enumerate(reports):
        if report.id == manager.id:
            raise InvalidInput(f"reports[{index}]", "people other than the manager", "the manager is listed")
        if report.id in seen:
            raise InvalidInput(f"reports[{index}]", "each report once", f"{report.id!r} appears twice")
        seen.add(report.id)


def _placement(report_id: str, triple: Triple, shape: Shape, window: Span) -> Placement:
    l1, l2, l3 = shape.lengths
    s1, s2, s3 = triple
    return Placement(
        report_id,
        interval(s1, s1 + l1),
        interval(s2, s2 + l2),
        interval(s3, s3 + l3),
        interval(*window),
    )


def _require_valid(
    manager: Person,
    reports: Sequence[Person],
    solution: Solution,
    placements: Mapping[str, Placement],
    *,
    window: Span,
    rules: SchedulingRules,
    shape: Shape,
    blocked: Sequence[list[Span]],
    usage: Mapping[int, int],
) -> None:
    """Every placement passes the one M4 check (``validity.team_problems``).

    ``blocked`` is each pair's busy and booked time, as the search saw it;
    ``usage`` the manager's booked minutes per week. A refusal here would be
    a fault of the search: it surfaces as the rule it breaks instead of as a
    wrong calendar.
    """
    placed = [
        (
            report,
            (p.life_story, p.pinnacle, p.grow_review),
            [(s, s + n) for s, n in zip(triple, shape.lengths, strict=True)],
            spans,
        )
        for report, triple, spans in zip(reports, solution, blocked, strict=True)
        if triple is not None and (p := placements[report.id])
    ]
    first = next(team_problems(manager, placed, window=interval(*window), rules=rules, usage=usage), None)
    if first is not None:
        raise first[1].error()


def _ceiling(
    cals: Sequence[PairCalendar], shape: Shape, usage: Mapping[int, int], opts: Sequence[Options] | None
) -> tuple[int, int] | None:
    """(at most placeable, reachable) when the window's cap room cannot hold every reachable report."""
    options = opts if opts is not None else [Options.of(cal, shape) for cal in cals]
    reachable = sum(1 for o in options if o.by_end)
    most = most_placeable(week_limits(cals, shape, usage), Ledger.empty(shape.cap, usage), shape, reachable)
    return (most, reachable) if most < reachable else None


def _exact(  # noqa: PLR0917 - the state of _solve, passed on
    cals: Sequence[PairCalendar],
    shape: Shape,
    usage: Mapping[int, int],
    solution: Solution,
    proven: bool,
    seconds: float,
    opts: Sequence[Options],
) -> tuple[Solution, bool, str]:
    """CP-SAT seeded with ``solution``: its schedule when not worse, whether proven, its status."""
    lower = [o.by_span[0][0] if o.by_span else 0 for o in opts]
    answer = exact.solve(cals, shape, usage, hint=solution, seconds=seconds, lower=lower)
    # Seeded with the search's schedule CP-SAT should not return a worse one; kept only if not.
    if answer.solution is not None and score(answer.solution, shape) <= score(solution, shape):
        return answer.solution, answer.proven or proven, answer.status
    return solution, proven, answer.status


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
    exact_seconds: float | None = None,
) -> TeamSchedule:
    _check_team(manager, reports)
    window = window_of(manager, start, rules.window_days)
    shape = rules.shape()
    # Busy time turned into minute spans once per person, reused for every pair.
    own = {p.id: busy_spans(busy.get(p.id, ())) for p in (manager, *reports)}
    booked_spans = busy_spans(booked)
    manager_blocked = merge([*own[manager.id], *booked_spans])
    blocked = [merge([*manager_blocked, *own[r.id]]) for r in reports]
    cals = [PairCalendar.build(manager, r, window, b) for r, b in zip(reports, blocked, strict=True)]
    usage = booked_usage(manager, booked)
    solution: Solution
    opts: list[Options] | None = None
    if naive:
        solution, proven = first_fit_solution(cals, shape, Ledger.empty(shape.cap, usage)), False
    else:
        opts = [Options.of(cal, shape) for cal in cals]
        solution, proven = optimise(cals, shape, usage, opts)
    status = ""
    if exact_seconds is not None and opts is not None:
        solution, proven, status = _exact(cals, shape, usage, solution, proven, exact_seconds, opts)
    ledger = Ledger.empty(shape.cap, usage)
    for cal, triple in zip(cals, solution, strict=True):
        if triple is not None:
            place(ledger, cal, triple, shape)
    placements: dict[str, Placement] = {}
    unplaced: dict[str, Blocker] = {}
    ceiling = _ceiling(cals, shape, usage, opts) if None in solution else None
    for index, (report, cal, triple) in enumerate(zip(reports, cals, solution, strict=True)):
        if triple is None:
            unplaced[report.id] = diagnose(
                manager,
                report,
                window=window,
                cal=cal,
                shape=shape,
                ledger=ledger,
                rules=rules,
                options=opts[index] if opts is not None else None,
                booked=usage,
                ceiling=ceiling,
            )
        else:
            placements[report.id] = _placement(report.id, triple, shape, window)
    _require_valid(
        manager,
        reports,
        solution,
        placements,
        window=window,
        rules=rules,
        shape=shape,
        blocked=blocked,
        usage=usage,
    )
    per_week = {iso_week_label(w): m for w, m in sorted(ledger.usage.items()) if m}
    found: dict[str, tuple[FollowUp, ...]] = {}
    problems: dict[str, Blocker] = {}
    if with_follow_ups:
        taken = Ledger.empty(None)
        taken.occ_starts, taken.occ_ends = list(ledger.occ_starts), list(ledger.occ_ends)
        for report in reports:
            if report.id in placements:
                items, problem = place_follow_ups(
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
        manager.id, interval(*window), placements, unplaced, per_week, found, problems, proven, status
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


def schedule_team_exact(  # noqa: PLR0917 - the order of schedule_team
    manager: Person,
    reports: Sequence[Person],
    start: date,
    rules: SchedulingRules = SchedulingRules(),
    busy: Mapping[str, Sequence[Interval]] = MappingProxyType({}),
    booked: Sequence[Interval] = (),
    *,
    seconds: float = 10.0,
    with_follow_ups: bool = True,
) -> TeamSchedule:
    """``schedule_team``, then CP-SAT seeded with its schedule for up to ``seconds`` (``exact``).

    The result passes the same M4 check; ``proven_optimal`` says whether CP-SAT
    proved it optimal, ``exact_status`` gives its status. Raises
    ``ConfigurationError`` when OR-Tools (the ``optimal`` extra) is missing.
    """
    if not exact.available():
        raise ConfigurationError(f"the exact mode needs OR-Tools, which is not installed: {exact.EXTRA}")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 < seconds <= 3600:
        raise InvalidInput("time_limit", "seconds from more than 0 to 3600, such as 10", f"got {seconds!r}")
    return _solve(
        manager,
        reports,
        start=start,
        rules=rules,
        busy=busy,
        booked=booked,
        with_follow_ups=with_follow_ups,
        naive=False,
        exact_seconds=float(seconds),
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
