"""An exact CP-SAT model of the team problem, built from the rules, not from the scheduler.

Variables: one boolean per report, conversation and feasible grid start
(inside one working interval of both people's local day, on no public holiday
of either, clear of busy time, inside the window: ``yardstick.rules``),
and one "placed" boolean per report. Constraints: exactly one start per
conversation of a placed report, none otherwise; the order; separate local
dates for both people; the homework gap as a difference of cumulative counts
of the report's working days (holidays of their region not counted); the
weekly cap per manager-local ISO week; no two of the manager's conversations
at once (optional intervals, ``AddNoOverlap``).
Objective: most reports placed, then the smallest sum of spans (one weighted
sum, the count weighted above any possible span total).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ortools.sat.python import cp_model

from yardstick.instances import Instance
from yardstick.rules import (
    in_hours,
    local_date,
    manager_week,
    minute,
    moment,
    overlaps,
    window,
    working_day,
)


@dataclass
class Optimum:
    """What CP-SAT found: the starts per placed report, and its proof status."""

    starts: dict[str, tuple[datetime, datetime, datetime]]
    status: str  # "OPTIMAL", "FEASIBLE" or "UNKNOWN"
    seconds: float


def _feasible_starts(inst: Instance, report_index: int, length: int) -> list[int]:
    low, high = window(inst)
    grid = inst.rules.slot_minutes
    manager, report = inst.manager, inst.reports[report_index]
    busy = [*inst.busy.get(manager.id, ()), *inst.busy.get(report.id, ()), *inst.booked]
    first = -(-minute(low) // grid) * grid
    out = []
    for t in range(first, minute(high) - length + 1, grid):
        s, e = moment(t), moment(t + length)
        if in_hours(manager, s, e) and in_hours(report, s, e) and not overlaps(busy, s, e):
            out.append(t)
    return out


def solve(  # noqa: PLR0912, PLR0915 - the model is one list of constraints, kept in one place
    inst: Instance,
    *,
    seconds: float = 60.0,
    workers: int = 1,
    hint: dict[str, tuple[datetime, datetime, datetime]] | None = None,
) -> Optimum:
    """Solve ``inst`` exactly (within ``seconds``); ``hint`` may seed the search."""
    rules = inst.rules
    lengths = (rules.lengths.life_story, rules.lengths.pinnacle, rules.lengths.grow_review)
    low, high = window(inst)
    base = minute(low)
    horizon = minute(high) - base
    model = cp_model.CpModel()
    manager = inst.manager
    # Cumulative working days of each report, by local date, for the homework gap.
    first_day, last_day = low.date() - timedelta(days=2), high.date() + timedelta(days=2)
    week_load: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    intervals = []
    placed = []
    span_terms = []
    chosen: list[list[dict[int, cp_model.IntVar]]] = []
    for r, report in enumerate(inst.reports):
        cumulative: dict[date, int] = {}
        count, day = 0, first_day
        while day <= last_day:
            count += working_day(report, day)
            cumulative[day] = count
            day += timedelta(days=1)
        p = model.NewBoolVar(f"placed_{r}")
        placed.append(p)
        per_conv = []
        exprs = []
        for c, length in enumerate(lengths):
            xs = {t: model.NewBoolVar(f"x_{r}_{c}_{t}") for t in _feasible_starts(inst, r, length)}
            model.Add(sum(xs.values()) == p)
            per_conv.append(xs)
            start = sum((t - base) * x for t, x in xs.items())
            mday = sum(local_date(manager, moment(t)).toordinal() * x for t, x in xs.items())
            rday_date = {t: local_date(report, moment(t)) for t in xs}
            rday = sum(d.toordinal() * xs[t] for t, d in rday_date.items())
            done = sum(cumulative[d] * xs[t] for t, d in rday_date.items())
            before = sum(cumulative[d - timedelta(days=1)] * xs[t] for t, d in rday_date.items())
            exprs.append((start, mday, rday, done, before))
            s_var = model.NewIntVar(0, horizon, f"s_{r}_{c}")
            model.Add(s_var == start)
            intervals.append(model.NewOptionalFixedSizeIntervalVar(s_var, length, p, f"i_{r}_{c}"))
            for t, x in xs.items():
                week_load[manager_week(inst, moment(t))].append((length, x))
        chosen.append(per_conv)
        (s1, m1, r1, _, _), (s2, m2, r2, done2, _), (s3, _, _, _, before3) = exprs
        model.Add(s2 >= s1 + lengths[0] * p)
        model.Add(s3 >= s2 + lengths[1] * p)
        if rules.separate_days_1_2:
            model.Add(m2 >= m1 + p)
            model.Add(r2 >= r1 + p)
        # Working days strictly between: count up to the day before 3 minus count up to 2.
        model.Add(before3 - done2 >= rules.homework_gap_working_days * p)
        span_terms.append(s3 + lengths[2] * p - s1)
    booked: dict[tuple[int, int], int] = defaultdict(int)
    for b in inst.booked:
        booked[manager_week(inst, b.start)] += int((b.end - b.start).total_seconds() // 60)
    for week, terms in week_load.items():
        model.Add(sum(n * x for n, x in terms) <= rules.weekly_cap_minutes - booked[week])
    model.AddNoOverlap(intervals)
    weight = len(inst.reports) * horizon + 1
    model.Maximize(weight * sum(placed) - sum(span_terms))
    if hint:
        for r, report in enumerate(inst.reports):
            given = hint.get(report.id)
            model.AddHint(placed[r], given is not None)
            for c, xs in enumerate(chosen[r]):
                at = minute(given[c]) if given is not None else None
                for t, x in xs.items():
                    model.AddHint(x, t == at)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    code = solver.Solve(model)
    status = solver.StatusName(code)
    starts: dict[str, tuple[datetime, datetime, datetime]] = {}
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for r, report in enumerate(inst.reports):
            if solver.Value(placed[r]):
                picked = [next(t for t, x in xs.items() if solver.Value(x)) for xs in chosen[r]]
                starts[report.id] = (moment(picked[0]), moment(picked[1]), moment(picked[2]))
    return Optimum(starts, status, solver.WallTime())
