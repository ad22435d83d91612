"""A lower bound on a team's sum of spans that knows the weekly cap: the week-pattern bound.

The scheduler's own bound (each report's shortest span with nobody else
placed) knows nothing of the cap, so under a 4-hour cap, where the weeks
are full and reports have to straddle them, it is about half the sum of
spans any schedule reaches and proves nothing. This one counts the cap.

A report's *pattern* is the three ISO weeks of its conversations. For each
report and pattern ``(a, b, c)`` a lower bound of its span is taken from its
free time alone (``Options.alone``: the latest life story in a free span, the
earliest pinnacle and review after it): other reports and the cap only pull
the life story earlier and push the others later, so a pinnacle moved to a
later week ``b`` starts no earlier than the first slot of ``b`` that holds it,
and the review no earlier than the homework gap after that and the first slot
of ``c``. Then an exact dynamic programme over the reports chooses a pattern
for ``count`` of them, so that every week's minutes stay within what the week
can hold (``room.week_limits``: the cap, and never more than the free time),
minimising the sum. No schedule placing ``count`` reports is shorter.

It is built on the scheduler's pair calendars, so it bounds schedules of the
same reading of free time; the yardstick's independent checker is what
checks that reading. Used by ``bench_scheduler.py`` to say how far the
org-wide schedules are from the best possible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from careerconv_core.domain.clock import Interval
from careerconv_core.domain.people import Person
from careerconv_core.domain.scheduling import SchedulingRules
from careerconv_core.domain.scheduling.candidates import Options, Shape, earliest_fit
from careerconv_core.domain.scheduling.room import week_limits
from careerconv_core.domain.scheduling.time import PairCalendar, busy_spans, merge, window_of

Pattern = tuple[int, int, int]


def _first_slot(cal: PairCalendar, week: int, after: int, length: int, shape: Shape) -> int | None:
    """Earliest start at or after ``after`` of a free slot of ``length`` in ``week``, if any."""
    found = earliest_fit(cal, after, length, shape=shape, ledger=None)
    if found is None or cal.weeks[found[1]] != week:
        return None
    return found[0]


def patterns(options: Options, shape: Shape, weeks: Sequence[int]) -> dict[Pattern, int]:
    """Each week pattern of one report and a lower bound of its span in that pattern."""
    cal = options.cal
    l1, l2, l3 = shape.lengths
    first: dict[int, int] = {}
    for start, week in zip(cal.starts, cal.weeks, strict=True):
        first.setdefault(week, start)
    known = [w for w in weeks if w in first]
    out: dict[Pattern, int] = {}
    for (s1, p_alone, _review), (a, b, c) in options.alone.values():
        for b2 in (w for w in known if w >= b):
            p = p_alone if b2 == b else _first_slot(cal, b2, max(first[b2], s1 + l1), l2, shape)
            if p is None:
                continue
            after = max(p + l2, cal.homework_threshold(cal.report_days[cal.index_of(p)], shape.gap_days))
            found = earliest_fit(cal, after, l3, shape=shape, ledger=None)
            if found is None:
                continue
            earliest, its_week = found[0], cal.weeks[found[1]]
            for c2 in (w for w in known if w >= max(c, b2)):
                if its_week > c2:
                    continue  # no review fits in week c2 after the homework
                g = earliest if its_week == c2 else _first_slot(cal, c2, first[c2], l3, shape)
                if g is None:
                    continue
                span = g + l3 - s1
                key = (a, b2, c2)
                if key not in out or span < out[key]:
                    out[key] = span
    return out


def _uses(
    opts: Sequence[Options], shape: Shape, weeks: Sequence[int], bits: int
) -> list[list[tuple[int, int]]]:
    """Per report, its patterns as (span bound, packed units of 15 minutes per week), by span."""
    index = {w: k for k, w in enumerate(weeks)}
    units = [length // 15 for length in shape.lengths]
    per = []
    for options in opts:
        rows = []
        for pattern, span in patterns(options, shape, weeks).items():
            use = [0] * len(weeks)
            for week, unit in zip(pattern, units, strict=True):
                use[index[week]] += unit
            rows.append((span, sum(u << (bits * k) for k, u in enumerate(use))))
        per.append(sorted(rows))
    return per


def week_bound(
    opts: Sequence[Options],
    shape: Shape,
    limits: Mapping[int, int],
    booked: Mapping[int, int],
    *,
    count: int,
    below: int | None = None,
) -> int | None:
    """The least sum of spans of ``count`` reports under the weeks' room; ``None`` if none fits.

    With ``below`` (a schedule's sum of spans, say), partial choices that
    cannot end under it are dropped (each report left adds at least its
    shortest span), which keeps the programme small; the answer is then
    ``below`` itself when nothing shorter exists.
    """
    weeks = sorted(limits)
    # In units of 15 minutes, rounded down on both sides: a use that fits still fits.
    rooms = [max(limits[week] - booked.get(week, 0), 0) // 15 for week in weeks]
    # A state packs every week's room left into one int, a field per week with a guard bit
    # above it: subtracting a use from room + guards clears the guard of every week the
    # use does not fit in, so one mask tells whether it fits.
    bits = max(*rooms, sum(shape.lengths) // 15).bit_length() + 1  # a field holds any room and any use
    guards = sum(1 << (bits * k + bits - 1) for k in range(len(weeks)))
    start = sum(room << (bits * k) for k, room in enumerate(rooms))
    per = _uses(opts, shape, weeks, bits)
    per.sort(key=len)  # the fewest patterns first keeps the early levels small
    shortest = [rows[0][0] if rows else 0 for rows in per]
    # levels[c]: packed room left -> least sum of spans with c reports placed.
    levels: list[dict[int, int]] = [{start: 0}] + [{} for _ in range(count)]
    for position, rows in enumerate(per):
        left = len(per) - position - 1
        rest = sorted(shortest[position + 1 :])
        for c in range(min(count, position + 1) - 1, -1, -1):
            if count - c - 1 > left:
                continue  # too few reports left to reach count from here
            into = levels[c + 1]
            limit = None if below is None else below - sum(rest[: count - c - 1])
            for packed, cost in levels[c].items():
                room = packed | guards
                for span, delta in rows:
                    total = cost + span
                    if limit is not None and total >= limit:
                        break  # rows go by span: the rest are longer still
                    key = room - delta
                    if key & guards == guards:
                        key ^= guards
                        if total < into.get(key, total + 1):
                            into[key] = total
        for c in range(count + 1):
            if c + left < count:
                levels[c] = {}
    final = levels[count]
    if final:
        return min(final.values())
    return below


def team_bound(
    manager: Person,
    reports: Sequence[Person],
    start: date,
    rules: SchedulingRules,
    busy: Mapping[str, Sequence[Interval]],
    *,
    count: int,
    below: int | None = None,
) -> int | None:
    """``week_bound`` for a team as ``schedule_team`` sees it (nothing booked yet), in minutes."""
    shape = rules.shape()
    window = window_of(manager, start, rules.window_days)
    own = {p.id: busy_spans(busy.get(p.id, ())) for p in (manager, *reports)}
    cals = [PairCalendar.build(manager, r, window, merge([*own[manager.id], *own[r.id]])) for r in reports]
    opts = [Options.of(cal, shape) for cal in cals]
    limits = week_limits(cals, shape, {})
    if limits is None:  # no cap: each report's shortest span alone is the bound
        return sum(sorted(o.by_span[0][0] for o in opts if o.by_span)[:count])
    return week_bound(opts, shape, limits, {}, count=count, below=below)
