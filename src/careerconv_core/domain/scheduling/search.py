"""The team search over the candidates: first fit, greedy starts, local search, branch and bound.

The team problem is to choose one candidate triple or none per report under
the manager's weekly cap and without double-booking the manager. The
objective is lexicographic: most reports placed, then the smallest sum of
spans (start of 1 to end of 3). ``optimise`` combines these steps.
"""

from __future__ import annotations

from collections.abc import Sequence

from careerconv_core.domain.scheduling.candidates import (
    Ledger,
    Options,
    Shape,
    Solution,
    best,
    candidates,
    first_triple,
    place,
    score,
    span_of,
    unplace,
)
from careerconv_core.domain.scheduling.time import PairCalendar


def first_fit(cals: Sequence[PairCalendar], shape: Shape, ledger: Ledger) -> Solution:
    """Reports in the given order, each at its earliest feasible triple."""
    out: Solution = []
    for cal in cals:
        triple = first_triple(cal, shape, ledger)
        if triple is not None:
            place(ledger, cal, triple, shape)
        out.append(triple)
    return out


def greedy(
    opts: Sequence[Options], order: Sequence[int], shape: Shape, ledger: Ledger, rule: str
) -> Solution:
    """Reports in ``order``, each at its best triple by ``rule`` under what is placed so far."""
    out: Solution = [None] * len(opts)
    for r in order:
        triple = best(opts[r], shape, ledger, rule)
        if triple is not None:
            place(ledger, opts[r].cal, triple, shape)
            out[r] = triple
    return out


def fill(opts: Sequence[Options], solution: Solution, shape: Shape, ledger: Ledger) -> None:
    """Place every unplaced report that now fits, at its earliest end."""
    for r, t in enumerate(solution):
        if t is None:
            found = best(opts[r], shape, ledger, "end")
            if found is not None:
                place(ledger, opts[r].cal, found, shape)
                solution[r] = found


def improve_pairs(
    opts: Sequence[Options], solution: Solution, shape: Shape, ledger: Ledger, budget: int
) -> None:
    """Local search on pairs: take two reports out and put both back, shortest first.

    A move is kept only when both are placed again and their spans add up to
    less; it escapes the one-report optimum where every report blocks
    another. Pairs are tried by how far they are above their lower bounds,
    at most ``budget`` of them.
    """
    lower = {r: o.by_span[0][0] for r, o in enumerate(opts) if o.by_span}

    def excess(r: int) -> int:
        triple = solution[r]
        return span_of(triple, shape) - lower[r] if triple is not None else 0

    placed = [r for r, t in enumerate(solution) if t is not None]
    pairs = sorted(
        ((excess(a) + excess(b), a, b) for x, a in enumerate(placed) for b in placed[x + 1 :]),
        reverse=True,
    )
    for gain, a, b in pairs[:budget]:
        if gain <= 0:
            break
        if excess(a) + excess(b) <= 0:
            continue
        old_a, old_b = solution[a], solution[b]
        if old_a is None or old_b is None:
            continue
        before = span_of(old_a, shape) + span_of(old_b, shape)
        order = ((a, b),) if excess(a) >= excess(b) else ((b, a),)
        unplace(ledger, opts[a].cal, old_a, shape)
        unplace(ledger, opts[b].cal, old_b, shape)
        kept = False
        # The one further above its bound picks first; the other order rarely won.
        for first, second in order:
            one = best(opts[first], shape, ledger, "span")
            if one is None or span_of(one, shape) + lower[second] >= before:
                continue  # the second cannot make up for it
            place(ledger, opts[first].cal, one, shape)
            two = best(opts[second], shape, ledger, "span")
            if two is not None and span_of(one, shape) + span_of(two, shape) < before:
                place(ledger, opts[second].cal, two, shape)
                solution[first], solution[second] = one, two
                kept = True
                break
            unplace(ledger, opts[first].cal, one, shape)
        if not kept:
            place(ledger, opts[a].cal, old_a, shape)
            place(ledger, opts[b].cal, old_b, shape)


def exact(
    cals: Sequence[PairCalendar],
    *,
    order: Sequence[int],
    shape: Shape,
    ledger: Ledger,
    incumbent: Solution,
    budget: int,
) -> tuple[Solution, bool]:
    """Branch and bound over every candidate (or none) per report; ``(best, finished)``.

    Bounds: reports still to decide can add at most one each, and never less
    than their shortest span with nobody else placed.
    """
    lower = []
    for r in order:
        options = candidates(cals[r], shape, None)
        lower.append(min((span_of(t, shape) for t in options), default=0))
    suffix = [0] * (len(order) + 1)
    for k in range(len(order) - 1, -1, -1):
        suffix[k] = suffix[k + 1] + lower[k]
    best = list(incumbent)
    best_score = score(best, shape)
    current: Solution = [None] * len(cals)
    nodes = 0

    def walk(k: int, placed: int, span: int) -> bool:
        nonlocal best, best_score, nodes
        nodes += 1
        if nodes > budget:
            return False
        reachable = placed + len(order) - k
        best_count = -best_score[0]
        if reachable < best_count or (reachable == best_count and span + suffix[k] >= best_score[1]):
            return True
        if k == len(order):
            best, best_score = list(current), (-placed, span)
            return True
        r = order[k]
        options = sorted(candidates(cals[r], shape, ledger), key=lambda t: span_of(t, shape))
        for triple in options:
            place(ledger, cals[r], triple, shape)
            current[r] = triple
            ok = walk(k + 1, placed + 1, span + span_of(triple, shape))
            unplace(ledger, cals[r], triple, shape)
            current[r] = None
            if not ok:
                return False
        return walk(k + 1, placed, span)

    finished = walk(0, 0, 0)
    return best, finished
