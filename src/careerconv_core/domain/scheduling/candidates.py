"""One report's candidate triples: the earliest fits, the forced completion, bounds for pruning.

A *triple* is the start minute of conversations 1, 2 and 3 for one report.
For a given life-story day the best triple is forced: the pinnacle goes to
the earliest free slot on a later day and the GROW review to the earliest
free slot after the homework gap, and the life story as late as it fits on
its day. So each report has one candidate per free span (about one per
working day), and the team problem is to choose one candidate or none per
report under the manager's weekly cap and without double-booking the
manager. The objective is lexicographic: most reports placed, then the
smallest sum of spans (start of 1 to end of 3).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Mapping

from attrs import define, frozen

from careerconv_core.domain.scheduling.time import PairCalendar

Triple = tuple[int, int, int]


@frozen
class Shape:
    """The numbers of the rules the search needs, in minutes and days."""

    lengths: tuple[int, int, int]
    grid: int
    gap_days: int
    separate_days: bool
    cap: int | None


@define
class Ledger:
    """The manager's time already taken in this run: placed conversations and minutes per week.

    ``cap`` of ``None`` switches the weekly cap off (used to explain blockers).
    """

    cap: int | None
    usage: dict[int, int]
    occ_starts: list[int]
    occ_ends: list[int]

    @classmethod
    def empty(cls, cap: int | None, usage: Mapping[int, int] | None = None) -> Ledger:
        """A ledger with nothing placed yet; ``usage`` holds minutes already booked per week."""
        return cls(cap, dict(usage or {}), [], [])

    def copy(self) -> Ledger:
        """An independent copy (for trying a change and rolling it back)."""
        return Ledger(self.cap, dict(self.usage), list(self.occ_starts), list(self.occ_ends))

    def take(self, start: int, length: int, week: int) -> None:
        """Mark ``[start, start + length)`` as taken, in ISO week ``week``."""
        k = bisect_left(self.occ_starts, start)
        self.occ_starts.insert(k, start)
        self.occ_ends.insert(k, start + length)
        self.usage[week] = self.usage.get(week, 0) + length

    def give_back(self, start: int, length: int, week: int) -> None:
        """Undo ``take``."""
        k = bisect_left(self.occ_starts, start)
        del self.occ_starts[k]
        del self.occ_ends[k]
        self.usage[week] -= length

    def clash(self, start: int, stop: int) -> int | None:
        """End of a taken span overlapping ``[start, stop)``, or ``None`` if free."""
        k = bisect_left(self.occ_starts, stop) - 1
        if k >= 0 and self.occ_ends[k] > start:
            return self.occ_ends[k]
        return None


def _ceil(value: int, grid: int) -> int:
    return -(-value // grid) * grid


def earliest_fit(
    cal: PairCalendar,
    after: int,
    length: int,
    *,
    shape: Shape,
    ledger: Ledger | None,
    extra: tuple[tuple[int, int], ...] = (),
) -> tuple[int, int] | None:
    """Earliest grid start ``>= after`` of a free slot of ``length``: ``(start, span index)``.

    ``extra`` are (week, minutes) of this report's own earlier conversations
    that are not in the ledger yet, so the cap counts them too.
    """
    # Hot path of the whole scheduler: written out with locals, no helper calls.
    grid = shape.grid
    starts, ends, weeks = cal.starts, cal.ends, cal.weeks
    count = len(starts)
    i = bisect_left(ends, after + length)
    if ledger is None:
        while i < count:
            start = -(-(after if after > starts[i] else starts[i]) // grid) * grid
            if start + length <= ends[i]:
                return start, i
            i += 1
        return None
    cap, usage = ledger.cap, ledger.usage
    occ_starts, occ_ends = ledger.occ_starts, ledger.occ_ends
    while i < count:
        stop = ends[i]
        start = -(-(after if after > starts[i] else starts[i]) // grid) * grid
        if start + length > stop:
            i += 1
            continue
        if cap is not None:
            week = weeks[i]
            used = usage.get(week, 0) + length
            for w, m in extra:
                if w == week:
                    used += m
            if used > cap:
                # The whole week is full for this length: skip its remaining spans.
                i += 1
                while i < count and weeks[i] == week:
                    i += 1
                continue
        while start + length <= stop:
            k = bisect_left(occ_starts, start + length) - 1
            if k >= 0 and occ_ends[k] > start:
                start = -(-occ_ends[k] // grid) * grid
                continue
            return start, i
        i += 1
    return None


def latest_fit(cal: PairCalendar, i: int, length: int, shape: Shape, ledger: Ledger | None) -> int | None:
    """Latest grid start of a slot of ``length`` inside free span ``i``, or ``None``."""
    grid = shape.grid
    low = _ceil(cal.starts[i], grid)
    start = (cal.ends[i] - length) // grid * grid
    if ledger is None:
        return start if start >= low else None
    if ledger.cap is not None and ledger.usage.get(cal.weeks[i], 0) + length > ledger.cap:
        return None
    while start >= low:
        k = bisect_left(ledger.occ_starts, start + length) - 1
        if k >= 0 and ledger.occ_ends[k] > start:
            start = (ledger.occ_starts[k] - length) // grid * grid
            continue
        return start
    return None


def _complete(cal: PairCalendar, s1: int, i1: int, shape: Shape, ledger: Ledger | None) -> Triple | None:
    """The earliest pinnacle and GROW review after a life story at ``s1`` (in span ``i1``)."""
    l1, l2, l3 = shape.lengths
    week1 = cal.weeks[i1]
    after2 = max(cal.next_day[i1], s1 + l1) if shape.separate_days else s1 + l1
    found2 = earliest_fit(cal, after2, l2, shape=shape, ledger=ledger, extra=((week1, l1),))
    if found2 is None:
        return None
    p2, i2 = found2
    after3 = max(p2 + l2, cal.homework_threshold(cal.report_days[i2], shape.gap_days))
    extra3 = ((week1, l1), (cal.weeks[i2], l2))
    found3 = earliest_fit(cal, after3, l3, shape=shape, ledger=ledger, extra=extra3)
    if found3 is None:
        return None
    return s1, p2, found3[0]


def candidates(cal: PairCalendar, shape: Shape, ledger: Ledger | None) -> list[Triple]:
    """One best triple per free span that can hold the life story (latest life story there)."""
    out: list[Triple] = []
    done: dict[tuple[int, int], Triple | None] = {}
    l1 = shape.lengths[0]
    for i in range(len(cal.starts)):
        s1 = latest_fit(cal, i, l1, shape, ledger)
        if s1 is None:
            continue
        # The rest only depends on the day (threshold) and week of the life story.
        key = (cal.next_day[i], cal.weeks[i])
        if shape.separate_days and key in done:
            rest = done[key]
            if rest is not None:
                out.append((s1, rest[1], rest[2]))
            continue
        triple = _complete(cal, s1, i, shape, ledger)
        done[key] = triple
        if triple is not None:
            out.append(triple)
    # Within one day the later life story wins (same end, shorter span).
    best: dict[tuple[int, int], Triple] = {}
    for t in out:
        key = (t[1], t[2])
        if key not in best or t[0] > best[key][0]:
            best[key] = t
    return list(best.values())


@frozen
class Options:
    """A report's calendar with per-span lower bounds for pruning the search.

    With nothing else placed a span's triple ends earliest and is shortest;
    other reports and the cap can only delay the pinnacle and the review and
    pull the life story earlier. So the unconstrained end and span of each
    span are lower bounds, and spans without an unconstrained triple never
    have one.
    """

    cal: PairCalendar
    by_end: list[tuple[int, int]]  # (lower bound of the end, span index), sorted
    by_span: list[tuple[int, int]]  # (lower bound of the span, span index), sorted
    end_bound: dict[int, int]  # span index -> lower bound of the end
    # span index -> the triple with nobody else placed, and its three weeks
    alone: dict[int, tuple[Triple, tuple[int, int, int]]]

    @classmethod
    def of(cls, cal: PairCalendar, shape: Shape) -> Options:
        """Bounds from the report's own free time, nobody else placed and no cap."""
        by_end, by_span = [], []
        alone: dict[int, tuple[Triple, tuple[int, int, int]]] = {}
        l1, l3 = shape.lengths[0], shape.lengths[2]
        done: dict[tuple[int, int], Triple | None] = {}
        for i in range(len(cal.starts)):
            s1 = latest_fit(cal, i, l1, shape, None)
            if s1 is None:
                continue
            key = (cal.next_day[i], cal.weeks[i])
            if key not in done or not shape.separate_days:
                done[key] = _complete(cal, s1, i, shape, None)
            rest = done[key]
            if rest is not None:
                end = rest[2] + l3
                by_end.append((end, i))
                by_span.append((end - s1, i))
                triple = (s1, rest[1], rest[2])
                alone[i] = (triple, weeks_of(cal, triple))
        return cls(cal, sorted(by_end), sorted(by_span), {i: e for e, i in by_end}, alone)

    def under(self, i: int, shape: Shape, ledger: Ledger) -> Triple | None:
        """Span ``i``'s triple under ``ledger`` if the one found alone still fits, else ``None``.

        The cheap case of the search: if the triple found with nobody else
        placed is free and within the cap, it is also the triple the ledger
        would give (the ledger only takes time away). ``None`` means "work it
        out". ``i`` must be a span of ``by_span`` (they all have a triple alone).
        """
        triple, weeks = self.alone[i]
        return triple if fits(ledger, triple, weeks, shape) else None


def fits(ledger: Ledger, triple: Triple, weeks: tuple[int, int, int], shape: Shape) -> bool:
    """Whether ``triple`` (in ISO weeks ``weeks``) is free in ``ledger`` and within its cap."""
    w1, w2, w3 = weeks
    l1, l2, l3 = shape.lengths
    cap = ledger.cap
    if cap is not None:
        # Each week with this report's minutes in it, counted once with all of them.
        usage = ledger.usage
        if usage.get(w1, 0) + l1 + (l2 if w2 == w1 else 0) + (l3 if w3 == w1 else 0) > cap:
            return False
        if w2 != w1 and usage.get(w2, 0) + l2 + (l3 if w3 == w2 else 0) > cap:
            return False
        if w3 not in (w1, w2) and usage.get(w3, 0) + l3 > cap:
            return False
    occ_starts, occ_ends = ledger.occ_starts, ledger.occ_ends
    for start, length in ((triple[0], l1), (triple[1], l2), (triple[2], l3)):
        k = bisect_left(occ_starts, start + length) - 1
        if k >= 0 and occ_ends[k] > start:
            return False
    return True


def best(
    options: Options, shape: Shape, ledger: Ledger | None, rule: str, limit: int | None = None
) -> Triple | None:
    """The best triple under ``ledger``: ``rule`` "span" (shortest) or "end" (earliest end).

    Exact over the per-span candidates (see ``candidates``), pruned with the
    bounds; with ``limit``, only a triple whose span or end (by ``rule``) is
    below it is looked for.
    """
    cal = options.cal
    l1, l3 = shape.lengths[0], shape.lengths[2]
    by_span = rule == "span"
    order = options.by_span if by_span else options.by_end
    found: Triple | None = None
    found_key = (0, 0)
    done: dict[tuple[int, int], Triple | None] = {}
    cap = ledger.cap if ledger is not None else None
    usage = ledger.usage if ledger is not None else {}
    for bound, i in order:
        if (found is not None and bound > found_key[0]) or (limit is not None and bound >= limit):
            break
        if cap is not None and usage.get(cal.weeks[i], 0) + l1 > cap:
            continue  # the life story's week is full
        rest = None
        if ledger is not None:
            # Options.under, written out: asked for every span at every node.
            alone, weeks = options.alone[i]
            if fits(ledger, alone, weeks, shape):
                rest = alone
        if rest is None:
            first = latest_fit(cal, i, l1, shape, ledger)
            if first is None:
                continue
            # With the life story known, the end bound gives a tighter span bound.
            if found is not None and by_span and options.end_bound[i] - first > found_key[0]:
                continue
            key = (cal.next_day[i], cal.weeks[i])
            if key not in done or not shape.separate_days:
                done[key] = _complete(cal, first, i, shape, ledger)
            later = done[key]
            if later is None:
                continue
            rest = (first, later[1], later[2])
        s1 = rest[0]
        end = rest[2] + l3
        rank = (end - s1, end) if by_span else (end, end - s1)
        if limit is not None and rank[0] >= limit:
            continue
        if found is None or rank < found_key:
            found, found_key = (s1, rest[1], rest[2]), rank
    return found


def ranked(options: Options, shape: Shape, ledger: Ledger) -> Iterator[tuple[int, Triple]]:
    """The triples of ``candidates`` under ``ledger``, lazily, by their lower bound of the span.

    Yields ``(bound, triple)`` with ``bound <= span_of(triple)`` and the
    bounds non-decreasing, so a caller can stop as soon as the bound alone
    is too long; a triple equal to one already yielded is skipped.
    """
    cal = options.cal
    l1 = shape.lengths[0]
    done: dict[tuple[int, int], Triple | None] = {}
    seen: set[tuple[int, int]] = set()
    cap, usage, weeks = ledger.cap, ledger.usage, cal.weeks
    for bound, i in options.by_span:
        if cap is not None and usage.get(weeks[i], 0) + l1 > cap:
            continue  # the life story's week is full (the hot path: no call)
        alone, weeks3 = options.alone[i]  # Options.under, written out (the hot path)
        rest = alone if fits(ledger, alone, weeks3, shape) else None
        if rest is None:
            s1 = latest_fit(cal, i, l1, shape, ledger)
            if s1 is None:
                continue
            key = (cal.next_day[i], cal.weeks[i])
            if key not in done or not shape.separate_days:
                done[key] = _complete(cal, s1, i, shape, ledger)
            rest = done[key]
            if rest is not None:
                rest = (s1, rest[1], rest[2])
        if rest is None or (rest[1], rest[2]) in seen:
            continue
        seen.add((rest[1], rest[2]))
        yield bound, rest


def first_triple(cal: PairCalendar, shape: Shape, ledger: Ledger | None) -> Triple | None:
    """The naive choice: earliest life story whose pinnacle and review still fit."""
    if not cal.starts:
        return None
    after = cal.starts[0]
    while True:
        found = earliest_fit(cal, after, shape.lengths[0], shape=shape, ledger=ledger)
        if found is None:
            return None
        s1, i1 = found
        triple = _complete(cal, s1, i1, shape, ledger)
        if triple is not None:
            return triple
        if i1 + 1 >= len(cal.starts):
            return None
        after = cal.starts[i1 + 1]


def span_of(triple: Triple, shape: Shape) -> int:
    """Minutes from the start of conversation 1 to the end of conversation 3."""
    return triple[2] + shape.lengths[2] - triple[0]


def weeks_of(cal: PairCalendar, triple: Triple) -> tuple[int, int, int]:
    return (
        cal.weeks[cal.index_of(triple[0])],
        cal.weeks[cal.index_of(triple[1])],
        cal.weeks[cal.index_of(triple[2])],
    )


def place(ledger: Ledger, cal: PairCalendar, triple: Triple, shape: Shape) -> None:
    """Book the three conversations of ``triple`` in ``ledger``."""
    # Ledger.take written out: the search places and takes back triples at every node.
    ends, weeks = cal.ends, cal.weeks
    occ_starts, occ_ends, usage = ledger.occ_starts, ledger.occ_ends, ledger.usage
    for start, length in zip(triple, shape.lengths, strict=True):
        week = weeks[bisect_left(ends, start + 1)]
        k = bisect_left(occ_starts, start)
        occ_starts.insert(k, start)
        occ_ends.insert(k, start + length)
        usage[week] = usage.get(week, 0) + length


def unplace(ledger: Ledger, cal: PairCalendar, triple: Triple, shape: Shape) -> None:
    """Undo ``place``."""
    ends, weeks = cal.ends, cal.weeks
    occ_starts, occ_ends, usage = ledger.occ_starts, ledger.occ_ends, ledger.usage
    for start, length in zip(triple, shape.lengths, strict=True):
        week = weeks[bisect_left(ends, start + 1)]
        k = bisect_left(occ_starts, start)
        del occ_starts[k]
        del occ_ends[k]
        usage[week] -= length


Solution = list[Triple | None]


def score(solution: Solution, shape: Shape) -> tuple[int, int]:
    """Lower is better: (minus reports placed, total span)."""
    placed = [t for t in solution if t is not None]
    return -len(placed), sum(span_of(t, shape) for t in placed)
