"""The exact mode: the team problem solved by CP-SAT (OR-Tools), seeded with the search's schedule.

Optional: OR-Tools comes with the ``careerconv[optimal]`` extra, and
``available()`` says whether it is installed. The model is built from the
same pair calendars the search uses (free time shared by manager and report,
busy and booked time already taken out), but over every grid start in them,
not only the candidates' forced triples, so it can find schedules the search
cannot. Per report, conversation and grid start one boolean; per report one
"placed" boolean. Constraints: exactly one start per conversation of a
placed report; the order; the pinnacle on a later local date for both
people (the span's ``next_day``); the GROW review after the homework gap
(the report's threshold day); the weekly cap per manager week, booked
minutes included; none of the manager's conversations at once. Objective:
most reports placed, then the smallest sum of spans, as one weighted sum.

The time limit is the one clock read here, inside OR-Tools: the result is the
best schedule found within it, and ``proven`` says whether CP-SAT proved it
optimal. The caller checks it with the one M4 check like any other schedule.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from attrs import Factory, define, frozen

from careerconv_core.domain.scheduling.candidates import Shape, Solution, Triple
from careerconv_core.domain.scheduling.time import PairCalendar

EXTRA = "pip install 'careerconv[optimal]'"
"""How to get OR-Tools, for the message when it is missing."""


def available() -> bool:
    """Whether OR-Tools (the ``optimal`` extra) is installed."""
    try:
        importlib.import_module("ortools.sat.python.cp_model")
    except ImportError:
        return False
    return True


@frozen
class ExactResult:
    """What CP-SAT returned: a solution (or ``None`` when it found none) and its status."""

    solution: Solution | None
    proven: bool
    status: str  # "OPTIMAL", "FEASIBLE", "INFEASIBLE" or "UNKNOWN"


def _starts(cal: PairCalendar, length: int, grid: int) -> list[tuple[int, int]]:
    """Every (grid start, span index) of a slot of ``length`` in the pair's free time."""
    out = []
    for i, (start, end) in enumerate(zip(cal.starts, cal.ends, strict=True)):
        t = -(-start // grid) * grid
        while t + length <= end:
            out.append((t, i))
            t += grid
    return out


@define
class _Model:
    """The CP-SAT model under construction: its variables by report and conversation."""

    model: Any
    base: int
    horizon: int
    placed: list[Any] = Factory(list)
    chosen: list[list[dict[int, Any]]] = Factory(list)
    spans: list[Any] = Factory(list)
    intervals: list[Any] = Factory(list)
    week_load: dict[int, list[tuple[int, Any]]] = Factory(lambda: defaultdict(list))
    starts: list[list[Any]] = Factory(list)  # per report, the start variable of each conversation

    def report(self, r: int, cal: PairCalendar, shape: Shape, lower: int) -> None:
        """One report's booleans and the order, separate days and homework gap between them.

        ``lower`` is the report's shortest span alone, a valid cut: with it
        CP-SAT proves at once a schedule where everyone is at that bound.
        """
        model, base, lengths = self.model, self.base, shape.lengths
        p = model.new_bool_var(f"placed_{r}")
        self.placed.append(p)
        per_conv: list[dict[int, Any]] = []
        exprs = []
        own: list[Any] = []
        for c, length in enumerate(lengths):
            options = _starts(cal, length, shape.grid)
            xs = {t: model.new_bool_var(f"x_{r}_{c}_{t}") for t, _i in options}
            model.add(sum(xs.values()) == p)
            per_conv.append(xs)
            start = sum((t - base) * xs[t] for t, _i in options)
            # The earliest the next conversation may start, by the span this one is in.
            if c == 0:
                after = sum((cal.next_day[i] - base) * xs[t] for t, i in options)
            else:
                after = sum(
                    (max(cal.homework_threshold(cal.report_days[i], shape.gap_days), base) - base) * xs[t]
                    for t, i in options
                )
            exprs.append((start, after))
            var = model.new_int_var(0, max(self.horizon, 0), f"s_{r}_{c}")
            model.add(var == start)
            own.append(var)
            self.intervals.append(model.new_optional_fixed_size_interval_var(var, length, p, f"i_{r}_{c}"))
            for t, i in options:
                self.week_load[cal.weeks[i]].append((length, xs[t]))
        self.chosen.append(per_conv)
        self.starts.append(own)
        (s1, next_day), (s2, threshold), (s3, _) = exprs
        model.add(s2 >= s1 + lengths[0] * p)
        model.add(s3 >= s2 + lengths[1] * p)
        if shape.separate_days:
            model.add(s2 >= next_day)
        if shape.gap_days:
            model.add(s3 >= threshold)
        span = s3 + lengths[2] * p - s1
        model.add(span >= lower * p)
        self.spans.append(span)

    def hint(self, solution: Solution) -> None:
        """Start CP-SAT from ``solution``, every variable hinted: a complete hint needs no repair."""
        for r, triple in enumerate(solution):
            self.model.add_hint(self.placed[r], triple is not None)
            for c, xs in enumerate(self.chosen[r]):
                at = triple[c] if triple is not None else None
                self.model.add_hint(self.starts[r][c], at - self.base if at is not None else 0)
                for t, x in xs.items():
                    self.model.add_hint(x, t == at)


def solve(
    cals: Sequence[PairCalendar],
    shape: Shape,
    booked: Mapping[int, int],
    *,
    hint: Solution,
    seconds: float,
    lower: Sequence[int] | None = None,
) -> ExactResult:
    """Solve the team exactly within ``seconds``, starting from ``hint`` (the search's schedule).

    ``lower`` is each report's shortest span alone (``Options.by_span``), if known.
    """
    from ortools.sat.python import cp_model  # noqa: PLC0415 - optional extra, imported when asked for

    base = min((c.starts[0] for c in cals if c.starts), default=0)
    horizon = max((c.ends[-1] for c in cals if c.ends), default=0) - base
    built = _Model(cp_model.CpModel(), base, horizon)
    for r, cal in enumerate(cals):
        built.report(r, cal, shape, lower[r] if lower is not None else 0)
    model = built.model
    if shape.cap is not None:
        for week, terms in built.week_load.items():
            model.add(sum(n * x for n, x in terms) <= max(shape.cap - booked.get(week, 0), 0))
    model.add_no_overlap(built.intervals)
    # Placing one more report outweighs any total of spans.
    weight = len(cals) * (horizon + 1) + 1
    model.maximize(weight * sum(built.placed) - sum(built.spans))
    built.hint(hint)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1  # one core, as the rest of the scheduler
    # The full LP relaxation: with the span cuts it proves a team at its bounds at once.
    solver.parameters.linearization_level = 2
    # Presolve took the whole limit on teams of 12 before the complete hint was even tried;
    # without it the hint is the first solution and small teams are proven in 0.1 s.
    solver.parameters.cp_model_presolve = False
    code = solver.solve(model)
    status = str(solver.status_name(code))
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ExactResult(None, False, status)
    solution: Solution = []
    for r in range(len(cals)):
        if not solver.value(built.placed[r]):
            solution.append(None)
            continue
        picked = [next(t for t, x in xs.items() if solver.value(x)) for xs in built.chosen[r]]
        found: Triple = (picked[0], picked[1], picked[2])
        solution.append(found)
    return ExactResult(solution, code == cp_model.OPTIMAL, status)
