"""The exact mode: CP-SAT seeded with the search's schedule, checked by the same rules.

OR-Tools is the ``optimal`` extra; these tests need it, and say so when it is
missing rather than passing. Its absence is simulated by making the package
unimportable, as it is in an install without the extra.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

import pytest

from careerconv_core.domain.clock import Interval
from careerconv_core.domain.people import Person, WorkingHours
from careerconv_core.domain.scheduling import SchedulingRules, exact, schedule_team, schedule_team_exact
from careerconv_core.errors import ConfigurationError, InvalidInput
from domain.test_scheduling import check_schedule

START = date(2026, 10, 12)
needs_ortools = pytest.mark.skipif(not exact.available(), reason="needs careerconv[optimal] (OR-Tools)")


def _team(size: int, end: int = 17) -> tuple[Person, list[Person], dict[str, list[Interval]]]:
    manager = Person("m", "M", "m@example.com", "Europe/Berlin", WorkingHours(clock(9), clock(13)))
    reports = [
        Person(f"r{i}", "R", f"r{i}@example.com", zone, WorkingHours(clock(10), clock(end)))
        for i, zone in enumerate(["Europe/Berlin", "Europe/London", "Europe/Berlin"][:size])
    ]
    base = datetime.combine(START, clock(8), UTC)
    busy = {
        "m": [Interval(base + timedelta(days=d), base + timedelta(days=d, hours=2)) for d in range(0, 28, 3)]
    }
    return manager, reports, busy


@needs_ortools
def test_the_exact_mode_is_valid_never_worse_and_proves_a_small_team_optimal() -> None:
    # Two hours a day in common keep the model small enough to prove in seconds.
    manager, reports, busy = _team(3, end=12)
    rules = SchedulingRules(weekly_cap_minutes=180)
    ours = schedule_team(manager, reports, START, rules, busy, with_follow_ups=False)
    best = schedule_team_exact(manager, reports, START, rules, busy, seconds=20, with_follow_ups=False)
    check_schedule(best, manager, reports, START, rules, busy, [])
    assert best.exact_status == "OPTIMAL" and best.proven_optimal
    assert (len(best.placements), -best.total_span_minutes) >= (
        len(ours.placements),
        -ours.total_span_minutes,
    )
    assert set(best.placements) | set(best.unplaced) == {r.id for r in reports}


@needs_ortools
def test_the_exact_mode_counts_booked_time_toward_the_cap() -> None:
    manager, reports, busy = _team(2)
    rules = SchedulingRules(weekly_cap_minutes=180)
    # A booked hour in every week of the window leaves two hours a week: 165 minutes do not fit.
    booked = [
        Interval(
            datetime(2026, 10, 12, 9, tzinfo=UTC) + timedelta(weeks=w),
            datetime(2026, 10, 12, 9, tzinfo=UTC) + timedelta(weeks=w, hours=1),
        )
        for w in range(6)
    ]
    best = schedule_team_exact(
        manager, reports, START, rules, busy, booked, seconds=20, with_follow_ups=False
    )
    check_schedule(best, manager, reports, START, rules, busy, booked)
    for week, minutes in best.minutes_per_week.items():
        assert minutes <= 180, week


def test_without_ortools_the_exact_mode_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # As in an install without the extra: the package and its modules cannot be imported.
    for name in [n for n in sys.modules if n == "ortools" or n.startswith("ortools.")] or ["ortools"]:
        monkeypatch.setitem(sys.modules, name, None)
    assert not exact.available()
    manager, reports, busy = _team(1)
    with pytest.raises(ConfigurationError, match=r"pip install 'careerconv\[optimal\]'"):
        schedule_team_exact(manager, reports, START, SchedulingRules(), busy)


@needs_ortools
@pytest.mark.parametrize("seconds", [0, -1, 4000, True])
def test_a_time_limit_out_of_range_names_the_setting(seconds: float) -> None:
    manager, reports, busy = _team(1)
    with pytest.raises(InvalidInput, match="time_limit"):
        schedule_team_exact(manager, reports, START, SchedulingRules(), busy, seconds=seconds)
