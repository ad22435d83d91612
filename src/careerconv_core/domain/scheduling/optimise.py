"""The team search: several starting solutions, the best improved, small teams solved exactly.

Objective, lexicographic: most reports placed, then the smallest sum of
spans. Starting solutions: naive first fit; greedy by shortest span (most
constrained report first); then, when the weekly cap leaves someone out,
the phased batching of ``phases`` for every batch size that
could place more, or else greedy by shortest span in the given order. The
best start is improved by local search (pairs of reports) and then by the
large-neighbourhood search of ``neighbourhood`` (a node budget, a fixed
seed), neither of which ever places fewer reports nor lengthens the total
span. Teams up to ``exact_up_to`` reports are then solved by branch and
bound over the whole candidate family; ``proven`` says whether it finished.
"""

from __future__ import annotations

from collections.abc import Sequence

from careerconv_core.domain.scheduling.candidates import Ledger, Options, Shape, Solution, score
from careerconv_core.domain.scheduling.neighbourhood import search
from careerconv_core.domain.scheduling.phases import phased
from careerconv_core.domain.scheduling.room import most_placeable, week_limits
from careerconv_core.domain.scheduling.search import exact, fill, first_fit, greedy, improve_pairs
from careerconv_core.domain.scheduling.time import PairCalendar


def optimise(
    cals: Sequence[PairCalendar],
    shape: Shape,
    booked_usage: dict[int, int],
    opts: Sequence[Options] | None = None,
    *,
    exact_up_to: int = 4,
    exact_budget: int = 20000,
    pair_budget: int = 16,
    seed: int = 0,
    lns_steps: int = 2000,
    lns_nodes: int = 2000,
) -> tuple[Solution, bool]:
    """Best solution found, and whether it is proven optimal over the candidate family."""
    n = len(cals)
    if opts is None:
        opts = [Options.of(cal, shape) for cal in cals]
    tight = sorted(range(n), key=lambda r: (len(opts[r].by_end), r))
    reachable = sum(1 for o in opts if o.by_end)
    tries: list[tuple[Solution, Ledger]] = []
    ledger = Ledger.empty(shape.cap, booked_usage)
    tries.append((first_fit(cals, shape, ledger), ledger))
    limits = week_limits(cals, shape, booked_usage)
    # Not everyone can fit when their minutes exceed the cap's room in the window.
    ceiling = most_placeable(limits, Ledger.empty(shape.cap, booked_usage), shape, reachable)
    overfull = ceiling < reachable
    if not overfull:
        ledger = Ledger.empty(shape.cap, booked_usage)
        tries.append((greedy(opts, tight, shape, ledger, "span"), ledger))
    placed = max(-score(t[0], shape)[0] for t in tries)
    if shape.cap is not None and placed < reachable:
        # The cap leaves someone out: batch the k most flexible reports, every k that
        # could place more than the starts so far.
        flexible = sorted(range(n), key=lambda r: (-len(opts[r].by_end), r))
        for k in range(reachable, placed, -1):
            ledger = Ledger.empty(shape.cap, booked_usage)
            tries.append((phased(opts, sorted(flexible[:k]), shape, ledger), ledger))
    else:
        ledger = Ledger.empty(shape.cap, booked_usage)
        tries.append((greedy(opts, list(range(n)), shape, ledger, "span"), ledger))
    solution, ledger = min(tries, key=lambda pair: score(pair[0], shape))
    solution = list(solution)
    # Pair moves alone: on the benchmark a round of single-report moves before them
    # cost a sixth more time and left a slightly longer total span.
    fill(opts, solution, shape, ledger)
    improve_pairs(opts, solution, shape, ledger, pair_budget)
    search(
        opts,
        solution,
        shape,
        ledger,
        seed=seed,
        steps=lns_steps,
        nodes=lns_nodes,
        limits=limits,
        ceiling=ceiling,
    )
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
