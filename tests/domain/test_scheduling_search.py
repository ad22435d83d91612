"""The team search under tight caps: deterministic, never worse than first fit, true reasons.

Teams here are like the yardstick's (``benchmarks/yardstick``): two zones,
a busy manager, a cap that leaves someone out. Every schedule is checked by
``check_schedule`` from ``test_scheduling``, which recomputes each rule.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

import pytest

from careerconv_core.domain.clock import Interval
from careerconv_core.domain.people import Person, WorkingHours
from careerconv_core.domain.scheduling import SchedulingRules, first_fit, schedule_team
from careerconv_core.domain.scheduling.candidates import Ledger, Options, score
from careerconv_core.domain.scheduling.neighbourhood import search
from careerconv_core.domain.scheduling.room import most_placeable, week_limits
from careerconv_core.domain.scheduling.search import greedy
from careerconv_core.domain.scheduling.time import PairCalendar, busy_spans, merge, window_of
from domain.test_scheduling import check_schedule

START = date(2026, 10, 12)  # Europe and the US leave summer time inside the window


def _team(seed: int, size: int = 10) -> tuple[Person, list[Person], dict[str, list[Interval]]]:
    rng = random.Random(seed)
    zones = ("Europe/Berlin", "America/New_York")
    manager = Person("m", "M", "m@example.com", zones[0], WorkingHours(clock(9), clock(17)))
    reports = []
    for i in range(size):
        begin = rng.choice((8, 9, 10))
        hours = WorkingHours(clock(begin), clock(begin + 8))
        reports.append(Person(f"r{i}", "R", f"r{i}@example.com", zones[i % 2], hours))
    busy: dict[str, list[Interval]] = {}
    base = datetime.combine(START, clock(6), UTC)
    for pid, count in [("m", 200)] + [(r.id, 20) for r in reports]:
        events = []
        for _ in range(count):
            at = base + timedelta(days=rng.randrange(31), minutes=15 * rng.randrange(48))
            events.append(Interval(at, at + timedelta(minutes=rng.choice((30, 60, 90)))))
        busy[pid] = events
    return manager, reports, busy


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_search_is_deterministic_valid_and_never_worse_than_first_fit(seed: int) -> None:
    manager, reports, busy = _team(seed)
    rules = SchedulingRules(weekly_cap_minutes=270)
    one = schedule_team(manager, reports, START, rules, busy, with_follow_ups=False)
    two = schedule_team(manager, reports, START, rules, busy, with_follow_ups=False)
    assert one.placements == two.placements
    check_schedule(one, manager, reports, START, rules, busy, [])
    naive = first_fit(manager, reports, START, rules, busy)
    assert len(one.placements) >= len(naive.placements)
    if len(one.placements) == len(naive.placements):
        assert one.total_span_minutes <= naive.total_span_minutes


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_cap_reason_is_true_of_the_schedule_and_its_fix_places_someone_more(seed: int) -> None:
    manager, reports, busy = _team(seed)
    rules = SchedulingRules(weekly_cap_minutes=270)
    result = schedule_team(manager, reports, START, rules, busy, with_follow_ups=False)
    capped = [b for b in result.unplaced.values() if b.constraint == "weekly_cap"]
    assert capped, "the cap leaves someone out of these teams"
    for blocker in capped:
        if "reached in every week" in blocker.reason:
            # Said only when no week has room for even the shortest conversation.
            assert all(270 - m < 45 for m in result.minutes_per_week.values())
        else:
            assert "room left" in blocker.reason
        found = re.search(r"weekly_cap_hours to ([\d.]+)", blocker.fix)
        assert found is not None, blocker.fix
        raised = SchedulingRules(weekly_cap_minutes=round(float(found[1]) * 60))
        assert raised.weekly_cap_minutes > rules.weekly_cap_minutes
        again = schedule_team(manager, reports, START, raised, busy, with_follow_ups=False)
        assert len(again.placements) > len(result.placements)


def test_a_partial_last_week_holds_only_its_free_time() -> None:
    # The window of 2 March ends on 2 April, a Thursday; with a 40-hour cap the last week
    # (Monday 30 March to Wednesday 1 April) holds three working days, not a whole cap.
    manager = Person("m", "M", "m@example.com", "Europe/Berlin")
    report = Person("r", "R", "r@example.com", "Europe/Berlin")
    rules = SchedulingRules(weekly_cap_minutes=2400)
    shape = rules.shape()
    window = window_of(manager, date(2026, 3, 2))
    cal = PairCalendar.build(manager, report, window, [])
    limits = week_limits([cal], shape, {})
    assert limits is not None
    per_day = 8 * 60
    assert sorted(limits.values()) == [3 * per_day, 2400, 2400, 2400, 2400]
    # 5 weeks of 2400 would hold 72 reports' 165 minutes; the real room holds 66.
    assert most_placeable(limits, Ledger.empty(shape.cap), shape, 100) == (4 * 2400 + 3 * per_day) // 165


def test_a_team_within_a_hair_of_its_bound_is_not_searched() -> None:
    # Everyone fits under a 15-hour cap and the first schedule is within 1 % of the sum of
    # the shortest spans alone (a lower bound of every schedule): no node is worth spending.
    manager, reports, crowded = _team(4, size=8)
    busy = {pid: events[:5] for pid, events in crowded.items()}  # an org's light calendars
    rules = SchedulingRules(weekly_cap_minutes=900)
    shape = rules.shape()
    window = window_of(manager, START)
    cals = [
        PairCalendar.build(manager, r, window, merge(busy_spans([*busy["m"], *busy[r.id]]))) for r in reports
    ]
    opts = [Options.of(cal, shape) for cal in cals]
    floor = sum(o.by_span[0][0] for o in opts)
    spent: dict[int, int] = {}
    for hair in (100, 0):
        ledger = Ledger.empty(shape.cap)
        solution = greedy(opts, list(range(len(opts))), shape, ledger, "span")
        start = score(solution, shape)
        assert start[0] == -len(reports)
        assert floor < start[1] <= floor + floor // 100
        limits = week_limits(cals, shape, {})
        spent[hair] = search(opts, solution, shape, ledger, limits=limits, hair=hair)
        assert score(solution, shape) <= start
    assert spent[100] == 0
    # Asked for the bound itself, the same team costs the search its nodes.
    assert spent[0] > 0
