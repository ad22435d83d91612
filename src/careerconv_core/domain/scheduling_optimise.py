"""The team search: several starting solutions, the best improved, small teams solved exactly.

Objective, lexicographic: most reports placed, then the smallest sum of
spans. Starting solutions: naive first fit; greedy passes (shortest span,
most constrained report first or in the given order; earliest end in the
given order); and, when the weekly cap leaves someone out, the phased
batching of ``scheduling_phases`` for a few batch sizes. The best start is improved by local
search, which never places fewer reports nor lengthens the total span.
Teams up to ``exact_up_to`` reports are then solved by branch and bound
over the whole candidate family; ``proven`` says whether it finished.
"""

from __future__ import annotations

from collections.abc import Sequence

from careerconv_core.domain.scheduling_phases import phased
from careerconv_core.domain.scheduling_search import (
    Ledger,
    Options,
    Shape,
    Solution,
    exact,
    first_fit,
    greedy,
    improve,
    score,
)
from careerconv_core.domain.scheduling_time import PairCalendar


def optimise(
    cals: Sequence[PairCalendar],
    shape: Shape,
    booked_usage: dict[int, int],
    opts: Sequence[Options] | None = None,
    *,
    exact_up_to: int = 4,
    exact_budget: int = 20000,
) -> tuple[Solution, bool]:
    """Best solution found, and whether it is proven optimal over the candidate family."""
    n = len(cals)
    if opts is None:
        opts = [Options.of(cal, shape) for cal in cals]
    tight = sorted(range(n), key=lambda r: (len(opts[r].by_end), r))
    given = list(range(n))
    tries: list[tuple[Solution, Ledger]] = []
    ledger = Ledger.empty(shape.cap, booked_usage)
    tries.append((first_fit(cals, shape, ledger), ledger))
    for order, rule in ((tight, "span"), (given, "span"), (given, "end")):
        ledger = Ledger.empty(shape.cap, booked_usage)
        tries.append((greedy(opts, order, shape, ledger, rule), ledger))
    solution, ledger = min(tries, key=lambda pair: score(pair[0], shape))
    solution = list(solution)
    improve(opts, solution, shape, ledger, rounds=3)
    # When the cap leaves someone out, try batching the k most flexible reports.
    reachable = sum(1 for o in opts if o.by_end)
    flexible = sorted(range(n), key=lambda r: (-len(opts[r].by_end), r))[:reachable]
    placed = -score(solution, shape)[0]
    if shape.cap is not None:
        for k in range(reachable, placed, -1):
            batch_ledger = Ledger.empty(shape.cap, booked_usage)
            batch = phased(opts, sorted(flexible[:k]), shape, batch_ledger)
            if -score(batch, shape)[0] <= placed:
                continue
            improve(opts, batch, shape, batch_ledger, rounds=3)
            if score(batch, shape) < score(solution, shape):
                solution = batch
                break
    if n <= exact_up_to:
        return exact(
            cals,
            order=tight,
            shape=shape,
            ledger=Ledger.empty(shape.cap, booked_usage),
            incumbent=solution,
            budget=exact_budget,
        )
    return solution, False
