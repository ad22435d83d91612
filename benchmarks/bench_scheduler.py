"""Figures for the team scheduler: speed, and quality against naive first fit.

Run: ``python benchmarks/bench_scheduler.py`` (add ``--quick`` for a smaller org).

1. A team of 12 reports (36 conversations plus check-ins) around 300 busy
   events in two time zones: median wall time of ``schedule_team``.
2. An org of 1,000 managers with 8 reports each: total wall time.
3. Quality on the same instances: reports placed, and the sum over placed
   reports of the span from the start of 1 to the end of 3, for
   ``schedule_team`` and for ``first_fit``; for the org, each team's sum of
   spans against the week-pattern lower bound of ``week_bound.py`` (no
   schedule placing as many reports is shorter).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

from week_bound import team_bound

from careerconv_core.domain.clock import Interval
from careerconv_core.domain.people import Person, WorkingHours
from careerconv_core.domain.scheduling import SchedulingRules, first_fit, schedule_team

START = date(2026, 3, 2)  # Europe changes its clocks inside this window, the US just before
ZONES = ("Europe/Berlin", "America/New_York")


def person(pid: str, zone: str, rng: random.Random) -> Person:
    """Someone with 8-9 working hours starting between 08:00 and 10:00 local."""
    begin = rng.choice((8, 9, 10))
    hours = WorkingHours(clock(begin), clock(begin + rng.choice((8, 9))))
    return Person(pid, pid, f"{pid}@example.com", zone, hours)


def busy_for(ids: list[str], events: int, rng: random.Random) -> dict[str, list[Interval]]:
    """``events`` busy blocks of 30-120 minutes spread over the month and over ``ids``."""
    base = datetime.combine(START, clock(0), UTC)
    out: dict[str, list[Interval]] = {pid: [] for pid in ids}
    for _ in range(events):
        at = base + timedelta(days=rng.randrange(31), minutes=15 * rng.randrange(6 * 4, 22 * 4))
        out[rng.choice(ids)].append(Interval(at, at + timedelta(minutes=rng.choice((30, 60, 90, 120)))))
    return out


def team(prefix: str, size: int, rng: random.Random) -> tuple[Person, list[Person]]:
    """A Berlin manager and reports split over Berlin and New York."""
    manager = person(f"{prefix}m", ZONES[0], rng)
    reports = [person(f"{prefix}r{i}", ZONES[i % 2], rng) for i in range(size)]
    return manager, reports


def bench_team(rules: SchedulingRules) -> None:
    """Figure 1 and its quality line."""
    rng = random.Random(12)
    times, cpu_times, ff_times = [], [], []
    placed = spans = ff_placed = ff_spans = 0
    for run in range(30):
        manager, reports = team(f"t{run}", 12, rng)
        busy = busy_for([manager.id] + [r.id for r in reports], 300, rng)
        began, cpu = time.perf_counter(), time.process_time()
        result = schedule_team(manager, reports, START, rules, busy)
        times.append(time.perf_counter() - began)
        cpu_times.append(time.process_time() - cpu)
        began = time.perf_counter()
        naive = first_fit(manager, reports, START, rules, busy)
        ff_times.append(time.perf_counter() - began)
        placed += len(result.placements)
        spans += result.total_span_minutes
        ff_placed += len(naive.placements)
        ff_spans += naive.total_span_minutes
    print("team of 12, 300 busy events, 2 time zones, 30 instances:")
    print(
        f"  schedule_team median {statistics.median(times) * 1000:.1f} ms "
        f"(max {max(times) * 1000:.1f} ms; CPU median "
        f"{statistics.median(cpu_times) * 1000:.1f} ms), first_fit median "
        f"{statistics.median(ff_times) * 1000:.1f} ms (load average {os.getloadavg()[0]:.1f})"
    )
    print(
        f"  placed: schedule_team {placed}, first_fit {ff_placed} (of {30 * 12}); "
        f"total span h: {spans / 60:.0f} vs {ff_spans / 60:.0f}; mean span per placed "
        f"report d: {spans / max(placed, 1) / 1440:.2f} vs "
        f"{ff_spans / max(ff_placed, 1) / 1440:.2f}"
    )


def bench_org(rules: SchedulingRules, managers: int, label: str) -> None:
    """Figure 2 and its quality line."""
    rng = random.Random(1000)
    cases = []
    for k in range(managers):
        manager, reports = team(f"o{k}", 8, rng)
        cases.append((manager, reports, busy_for([manager.id] + [r.id for r in reports], 60, rng)))
    began, cpu = time.perf_counter(), time.process_time()
    results = [schedule_team(m, r, START, rules, b) for m, r, b in cases]
    took, took_cpu = time.perf_counter() - began, time.process_time() - cpu
    began = time.perf_counter()
    naive = [first_fit(m, r, START, rules, b) for m, r, b in cases]
    took_naive = time.perf_counter() - began
    placed = sum(len(x.placements) for x in results)
    ff_placed = sum(len(x.placements) for x in naive)
    spans = sum(x.total_span_minutes for x in results)
    ff_spans = sum(x.total_span_minutes for x in naive)
    better = sum(
        (len(a.placements), -a.total_span_minutes) > (len(b.placements), -b.total_span_minutes)
        for a, b in zip(results, naive, strict=True)
    )
    follow = sum(len(f) for x in results for f in x.follow_ups.values())
    began = time.perf_counter()
    bounds = [
        team_bound(m, r, START, rules, b, count=len(x.placements), below=x.total_span_minutes + 1)
        for (m, r, b), x in zip(cases, results, strict=True)
    ]
    took_bound = time.perf_counter() - began
    ratios = sorted(x.total_span_minutes / bound for x, bound in zip(results, bounds, strict=True) if bound)
    print(f"org of {managers} managers x 8 reports, 60 busy events per team, {label}:")
    print(
        f"  schedule_team {took:.2f} s wall, {took_cpu:.2f} s CPU (with {follow} follow-ups), "
        f"first_fit {took_naive:.2f} s (load average {os.getloadavg()[0]:.1f})"
    )
    print(
        f"  placed: {placed} vs {ff_placed} (of {managers * 8}); total span h: "
        f"{spans / 60:.0f} vs {ff_spans / 60:.0f}; teams strictly better than first fit: "
        f"{better} of {managers}"
    )
    print(
        f"  sum of spans / week-pattern lower bound, per team: median {statistics.median(ratios):.4f}, "
        f"90th percentile {ratios[int(0.9 * (len(ratios) - 1))]:.4f}, max {ratios[-1]:.4f}; "
        f"within 1 %: {sum(r <= 1.01 for r in ratios)} of {len(ratios)} "
        f"(bound computed in {took_bound:.1f} s)"
    )


def main() -> None:
    """Print the figures."""
    rules = SchedulingRules()
    managers = 100 if "--quick" in sys.argv else 1000
    bench_team(rules)
    bench_org(rules, managers, "weekly cap 4 h")
    # With room for everyone both place all reports, so the spans compare directly.
    bench_org(SchedulingRules(weekly_cap_minutes=900), managers, "weekly cap 15 h")


if __name__ == "__main__":
    main()
