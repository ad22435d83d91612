"""Batching when the weekly cap binds: all life stories first, then pinnacles, then reviews.

Placing each report as tightly as it can fits about one report per week
under a 4-hour cap and wastes the rest of each week. More reports fit when
the weeks are filled in phases: the life stories of several reports as
early as possible, then their pinnacles, then their GROW reviews. This
construction does that for the ``k`` most flexible reports; the caller
tries several ``k`` and then shortens the spans by local search.
"""

from __future__ import annotations

from collections.abc import Sequence

from careerconv_core.domain.scheduling.candidates import (
    Ledger,
    Options,
    Shape,
    Solution,
    earliest_fit,
    place,
)


def phased(opts: Sequence[Options], chosen: Sequence[int], shape: Shape, ledger: Ledger) -> Solution:
    """Place ``chosen`` reports phase by phase at their earliest slots; drop any that cannot finish.

    A dropped report's earlier conversations are released again, so the
    ledger holds exactly the returned triples.
    """
    l1, l2, l3 = shape.lengths
    out: Solution = [None] * len(opts)
    firsts: dict[int, tuple[int, int]] = {}
    for r in chosen:
        cal = opts[r].cal
        if not cal.starts:
            continue
        found = earliest_fit(cal, cal.starts[0], l1, shape=shape, ledger=ledger)
        if found is not None:
            ledger.take(found[0], l1, cal.weeks[found[1]])
            firsts[r] = found
    seconds: dict[int, tuple[int, int]] = {}
    for r, (s1, i1) in sorted(firsts.items(), key=lambda item: item[1]):
        cal = opts[r].cal
        after = max(cal.next_day[i1], s1 + l1) if shape.separate_days else s1 + l1
        found = earliest_fit(cal, after, l2, shape=shape, ledger=ledger)
        if found is None:
            ledger.give_back(s1, l1, cal.weeks[i1])
            continue
        ledger.take(found[0], l2, cal.weeks[found[1]])
        seconds[r] = found
    for r, (p2, i2) in sorted(seconds.items(), key=lambda item: item[1]):
        cal = opts[r].cal
        s1, i1 = firsts[r]
        after = max(p2 + l2, cal.homework_threshold(cal.report_days[i2], shape.gap_days))
        found = earliest_fit(cal, after, l3, shape=shape, ledger=ledger)
        if found is None:
            ledger.give_back(s1, l1, cal.weeks[i1])
            ledger.give_back(p2, l2, cal.weeks[i2])
            continue
        out[r] = (s1, p2, found[0])
        # Booked through ``place`` so the weeks are recorded like everywhere else.
        ledger.give_back(s1, l1, cal.weeks[i1])
        ledger.give_back(p2, l2, cal.weeks[i2])
        place(ledger, cal, out[r], shape)  # type: ignore[arg-type]
    return out
