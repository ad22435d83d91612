"""Large-neighbourhood search: take a few reports out, put them back by a small exact search.

The greedy and phased starts leave slack under a tight weekly cap: they take
the earliest pinnacle and review for everyone, and nothing afterwards can add
a report back. Each step here removes a handful of reports (unplaced ones,
up to half of the step, then a pivot and the reports whose conversations lie
closest in time to it), keeps the others fixed in the ledger, and re-inserts the removed
ones by branch and bound over their candidates under that ledger, in a
random order. A step is kept when the team's score is not worse, so the
search can walk across plateaus; it never places fewer reports nor lengthens
the total span.

Everything is budgeted by counting search nodes, never by a clock, and the
only randomness is ``random.Random(seed)``: the same inputs and seed give
the same schedule.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from attrs import define

from careerconv_core.domain.scheduling.candidates import (
    Ledger,
    Options,
    Shape,
    Solution,
    Triple,
    best,
    fits,
    place,
    ranked,
    score,
    span_of,
    unplace,
    weeks_of,
)
from careerconv_core.domain.scheduling.room import most_placeable


@define
class Budget:
    """Search nodes left for the whole run; each node builds one report's candidates."""

    nodes: int

    def spend(self) -> bool:
        """Use one node; false once the budget is gone."""
        self.nodes -= 1
        return self.nodes >= 0


def reinsert(
    opts: Sequence[Options],
    chosen: Sequence[int],
    shape: Shape,
    ledger: Ledger,
    *,
    beat: tuple[int, int],
    lower: Sequence[int],
    budget: Budget,
    limits: Mapping[int, int] | None = None,
) -> list[Triple | None] | None:
    """The best triples (or none) for ``chosen`` under ``ledger``, if at least as good as ``beat``.

    ``beat`` is the score (minus placed, span) of the removed reports as they
    were; ``lower`` each report's shortest span with nobody else placed;
    ``limits`` the weeks' cap room (``room.week_limits``), which bounds how
    many more can be placed. The
    ledger is left as it was given. ``None`` when nothing at least as good
    was found within the budget.
    """
    k = len(chosen)
    # least[i][m]: the m shortest lower bounds among chosen[i:], for however many still go in.
    least = []
    for i in range(k + 1):
        lows = sorted(lower[r] for r in chosen[i:])
        sums = [0]
        for value in lows:
            sums.append(sums[-1] + value)
        least.append(sums)
    # The last report's best with none of the others placed: while it stays free it
    # is also the best under their placements (they only take time away).
    last = opts[chosen[-1]]
    relaxed = best(last, shape, ledger, "span")
    relaxed_weeks = weeks_of(last.cal, relaxed) if relaxed is not None else (0, 0, 0)

    def last_best(cut: int | None) -> Triple | None:
        """The last report's shortest triple now, shorter than ``cut`` if given."""
        if relaxed is None:
            return None
        if fits(ledger, relaxed, relaxed_weeks, shape):
            return relaxed if cut is None or span_of(relaxed, shape) < cut else None
        return best(last, shape, ledger, "span", cut)

    # Every placed report takes its minutes out of weeks with room (usage never passes a
    # week's limit), so the room left drops by exactly that much per report placed.
    room = most_placeable(limits, ledger, shape, k)
    # One minute of slack makes an equal score acceptable: a plateau move.
    found: list[Triple | None] | None = None
    target = (beat[0], beat[1] + 1)
    current: list[Triple | None] = [None] * k

    def walk(i: int, placed: int, span: int) -> bool:
        nonlocal found, target
        need = -target[0] - placed  # how many more tie the target's count
        can = min(k - i, room - placed)
        if can < need or (can == need and span + least[i][max(need, 0)] >= target[1]):
            return True
        if i == k:
            found, target = list(current), (-placed, span)
            return True
        if not budget.spend():
            return False
        r = chosen[i]
        cal = opts[r].cal
        if i == k - 1:
            # The last report only needs its single best triple.
            one = last_best(target[1] - span if can == need else None)
            options = iter([(0, one)] if one is not None else [])
        else:
            options = ranked(opts[r], shape, ledger)
        for bound, triple in options if can > 0 else ():
            need = -target[0] - placed
            if can < need:
                return True
            # When every remaining place is needed, the span bound decides.
            if can == need and span + bound + least[i + 1][need - 1] >= target[1]:
                break
            length = span_of(triple, shape)
            if can == need and span + length + least[i + 1][need - 1] >= target[1]:
                continue  # its own span is too long already: no need to go down
            place(ledger, cal, triple, shape)
            current[i] = triple
            ok = walk(i + 1, placed + 1, span + length)
            unplace(ledger, cal, triple, shape)
            current[i] = None
            if not ok:
                return False
        return walk(i + 1, placed, span)

    walk(0, 0, 0)
    return found


def _centre(triple: Triple) -> int:
    return (triple[0] + triple[2]) // 2


def _neighbourhood(solution: Solution, size: int, rng: random.Random, open_: Sequence[int]) -> list[int]:
    """Unplaced reports of ``open_`` (up to half of ``size``), a pivot, the placed ones nearest it."""
    unplaced = [r for r in open_ if solution[r] is None]
    placed = [r for r, t in enumerate(solution) if t is not None]
    rng.shuffle(unplaced)
    chosen = unplaced[: max(1, size // 2)] if unplaced else []
    if not placed:
        return chosen
    pivot = rng.choice(placed)
    anchor = solution[pivot]
    if anchor is None:  # pragma: no cover - the pivot is a placed report
        return chosen
    centre = _centre(anchor)
    # Reports whose conversations sit near the pivot compete with it for the same weeks.
    near = sorted(
        (r for r in placed if r != pivot),
        key=lambda r: (abs(_centre(solution[r]) - centre), rng.random()),  # type: ignore[arg-type]
    )
    chosen.append(pivot)
    chosen.extend(near[: max(0, size - len(chosen))])
    return chosen


def _step(  # noqa: PLR0917 - the search's own state, passed on as it is
    opts: Sequence[Options],
    solution: Solution,
    chosen: Sequence[int],
    shape: Shape,
    ledger: Ledger,
    lower: Sequence[int],
    budget: Budget,
    step_nodes: int,
    limits: Mapping[int, int] | None,
) -> tuple[tuple[int, int], Solution]:
    """Take ``chosen`` out, put them back as well as ``step_nodes`` nodes allow: (score before, after)."""
    before = [solution[r] for r in chosen]
    for r, t in zip(chosen, before, strict=True):
        if t is not None:
            unplace(ledger, opts[r].cal, t, shape)
    beat = score(before, shape)
    # A step that runs out of its nodes still keeps what it found: big steps stay cheap.
    allowance = Budget(min(step_nodes, budget.nodes))
    given = allowance.nodes
    found = reinsert(opts, chosen, shape, ledger, beat=beat, lower=lower, budget=allowance, limits=limits)
    budget.nodes -= given - max(allowance.nodes, 0)
    after = found if found is not None else before
    for r, t in zip(chosen, after, strict=True):
        solution[r] = t
        if t is not None:
            place(ledger, opts[r].cal, t, shape)
    return beat, after


def search(
    opts: Sequence[Options],
    solution: Solution,
    shape: Shape,
    ledger: Ledger,
    *,
    seed: int = 0,
    steps: int = 2000,
    nodes: int = 2000,
    step_nodes: int = 50,
    sizes: tuple[int, int] = (2, 8),
    patience: int = 1,
    calm: int = 10,
    settle: int = 1000,
    limits: Mapping[int, int] | None = None,
    ceiling: int | None = None,
    hair: int = 100,
) -> int:
    """Improve ``solution`` (booked in ``ledger``) in place by up to ``steps`` moves: the nodes spent.

    ``nodes`` bounds the whole run and ``step_nodes`` each step. A step takes
    out ``sizes[0]`` reports at first; after ``patience`` times the team size
    of steps without a strict gain it takes out one more, up to ``sizes[1]``,
    and back to the smallest after a gain: small steps are cheap, larger ones
    escape where small ones are stuck. The search stops after ``calm`` times
    the team size of steps in a row without a gain, or once every reachable
    report is placed within ``1 / hair`` of the sum of its shortest spans
    alone: that sum is a lower bound of any schedule's, so the search can
    gain at most that hair (``hair=0`` asks for the bound itself). ``limits``
    is the weeks' cap room (``room.week_limits``) and ``ceiling`` at most how
    many reports it leaves space for; both only prune.
    """
    rng = random.Random(seed)  # noqa: S311 - a seeded search, not a secret
    lower = [o.by_span[0][0] if o.by_span else 0 for o in opts]
    reachable = [r for r, o in enumerate(opts) if o.by_end]
    ceiling = len(reachable) if ceiling is None else min(ceiling, len(reachable))
    # Only ``ceiling`` of them can be placed: the bound is the sum of that many shortest spans.
    floor = sum(sorted(lower[r] for r in reachable)[:ceiling])
    # Within a hair of the bound nothing worth a node is left to gain.
    done = floor + (floor // hair if hair > 0 else 0)
    budget = Budget(nodes)
    size, stall, quiet = sizes[0], 0, 0
    top = min(sizes[1], len(reachable))
    for _ in range(steps):
        now = score(solution, shape)
        if -now[0] >= ceiling and now[1] <= done:
            break
        chosen = _neighbourhood(solution, size, rng, reachable)
        if len(chosen) < 2:
            break
        rng.shuffle(chosen)
        beat, after = _step(opts, solution, chosen, shape, ledger, lower, budget, step_nodes, limits)
        if budget.nodes <= 0:
            break
        gain = score(after, shape)
        if gain < beat:
            size, stall = sizes[0], 0
        # Only a gain worth a thousandth of the total span keeps the search going.
        if gain[0] < beat[0] or beat[1] - gain[1] >= max(now[1] // settle, 1):
            quiet = 0
        else:
            quiet += 1
            if quiet >= calm * len(reachable):
                break  # settled: this many steps in a row gained (next to) nothing
        if gain >= beat:
            stall += 1
            if stall >= patience * len(reachable):
                if size >= top:
                    break  # a whole round of the largest steps gained nothing
                size, stall = size + 1, 0
    return nodes - max(budget.nodes, 0)
