"""The week-pattern lower bound of ``benchmarks/week_bound.py`` bounds, and knows the cap.

It is what the org-wide benchmark measures schedules against, so a bound
above a proven optimum would make the benchmark flatter the scheduler.
Teams of four are solved exactly (``proven_optimal``) by the scheduler's branch and
bound; the bound must never pass their sum of spans.
"""

from __future__ import annotations

import sys

import pytest

from careerconv_core.domain.scheduling import SchedulingRules, schedule_team
from domain.test_scheduling_search import START, _team
from tests_support_paths import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from week_bound import team_bound


def _cap_blind(seed: int, size: int, rules: SchedulingRules, count: int) -> int:
    """The bound without a cap: each report's shortest span alone, the ``count`` least."""
    manager, reports, busy = _team(seed, size)
    uncapped = SchedulingRules(weekly_cap_minutes=7 * 24 * 60)
    found = team_bound(manager, reports, START, uncapped, busy, count=count)
    assert found is not None
    return found


@pytest.mark.parametrize("seed", range(1, 9))
def test_the_bound_never_passes_a_proven_optimum(seed: int) -> None:
    manager, reports, busy = _team(seed, 4)
    rules = SchedulingRules(weekly_cap_minutes=240)
    result = schedule_team(manager, reports, START, rules, busy, with_follow_ups=False)
    assert result.proven_optimal
    count = len(result.placements)
    bound = team_bound(manager, reports, START, rules, busy, count=count)
    assert bound is not None
    assert bound <= result.total_span_minutes
    # Pruned by a schedule's sum of spans it is the same bound, or that sum when none is shorter.
    pruned = team_bound(
        manager, reports, START, rules, busy, count=count, below=result.total_span_minutes + 1
    )
    assert pruned == min(bound, result.total_span_minutes + 1)


def test_under_a_tight_cap_the_bound_is_far_above_the_cap_blind_one() -> None:
    # Ten reports, four hours a week: the weeks are full and most reports must straddle
    # two of them, which the cap-blind bound cannot see.
    manager, reports, busy = _team(3, 10)
    rules = SchedulingRules(weekly_cap_minutes=240)
    result = schedule_team(manager, reports, START, rules, busy, with_follow_ups=False)
    count = len(result.placements)
    bound = team_bound(manager, reports, START, rules, busy, count=count)
    assert bound is not None
    assert bound <= result.total_span_minutes
    assert bound > 1.3 * _cap_blind(3, 10, rules, count)


def test_a_count_the_weeks_cannot_hold_has_no_bound() -> None:
    manager, reports, busy = _team(1, 10)
    rules = SchedulingRules(weekly_cap_minutes=240)
    # 165 minutes a report, at most four hours in each of about five weeks: never ten.
    assert team_bound(manager, reports, START, rules, busy, count=10) is None
