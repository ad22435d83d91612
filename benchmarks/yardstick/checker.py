"""An independent check of a team's schedule against every rule of ``docs/scheduler.md``.

Working hours are each weekday's intervals, no time on a public holiday of the
person's region, and the homework gap counts the report's working days (days
with hours that are no holiday of theirs), as ``yardstick.rules`` reads them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from yardstick.instances import Instance
from yardstick.rules import (
    local_date,
    manager_week,
    minute,
    overlaps,
    why_outside,
    window,
    working_days_between,
)

Starts = Sequence[datetime]  # the starts of conversations 1, 2 and 3, in UTC


def problems(inst: Instance, solution: Mapping[str, Starts]) -> list[str]:  # noqa: PLR0912 - one branch per rule, read side by side with the rules
    """Every rule ``solution`` breaks, as sentences; empty when it keeps them all."""
    out: list[str] = []
    rules = inst.rules
    lengths = (rules.lengths.life_story, rules.lengths.pinnacle, rules.lengths.grow_review)
    low, high = window(inst)
    people = {r.id: r for r in inst.reports}
    manager = inst.manager
    per_week: dict[tuple[int, int], int] = defaultdict(int)
    for b in inst.booked:
        per_week[manager_week(inst, b.start)] += int((b.end - b.start).total_seconds() // 60)
    taken: list[tuple[datetime, datetime, str]] = [(b.start, b.end, "booked") for b in inst.booked]
    for rid, starts in solution.items():
        report = people.get(rid)
        if report is None:
            out.append(f"{rid}: not in the team")
            continue
        spans = [(s, s + timedelta(minutes=n)) for s, n in zip(starts, lengths, strict=True)]
        busy = [*inst.busy.get(manager.id, ()), *inst.busy.get(rid, ()), *inst.booked]
        for k, (s, e) in enumerate(spans, 1):
            if minute(s) % rules.slot_minutes:
                out.append(f"{rid}: conversation {k} off the {rules.slot_minutes}-minute grid")
            if not (low <= s and e <= high):
                out.append(f"{rid}: conversation {k} outside the window")
            for who in (manager, report):
                why = why_outside(who, s, e)
                if why:
                    out.append(f"{rid}: conversation {k} outside {who.id}'s working hours: {why}")
            if overlaps(busy, s, e):
                out.append(f"{rid}: conversation {k} overlaps busy time")
            per_week[manager_week(inst, s)] += lengths[k - 1]
            taken.append((s, e, rid))
        if not (spans[0][1] <= spans[1][0] and spans[1][1] <= spans[2][0]):
            out.append(f"{rid}: out of order")
        if rules.separate_days_1_2:
            for who in (manager, report):
                if local_date(who, spans[1][0]) <= local_date(who, spans[0][0]):
                    out.append(f"{rid}: life story and pinnacle not on separate days for {who.id}")
        gap = working_days_between(report, local_date(report, spans[1][0]), local_date(report, spans[2][0]))
        if gap < rules.homework_gap_working_days:
            out.append(f"{rid}: only {gap} working days of homework")
    for week, used in sorted(per_week.items()):
        if used > rules.weekly_cap_minutes:
            out.append(f"week {week}: {used} minutes over the cap of {rules.weekly_cap_minutes}")
    taken.sort()
    reach, holder = None, ""
    for s, e, who in taken:
        if reach is not None and s < reach:
            out.append(f"the manager is double-booked: {holder} and {who}")
        if reach is None or e > reach:
            reach, holder = e, who
    return out


def span_minutes(inst: Instance, starts: Starts) -> int:
    """Start of conversation 1 to the end of conversation 3, in minutes."""
    return int((starts[2] - starts[0]).total_seconds() // 60) + inst.rules.lengths.grow_review
