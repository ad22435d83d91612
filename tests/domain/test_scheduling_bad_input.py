"""The scheduler's bad input (issue 14): each a clear error naming the person or setting and the fix.

Zones with 30- and 45-minute offsets are not bad input: they are scheduled, on
the people's own quarter hours, and checked like any other team.
"""

from __future__ import annotations

from datetime import date, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

import pytest

from careerconv.config import settings_from
from careerconv_core.domain.people import Person, WorkingHours
from careerconv_core.domain.scheduling import SchedulingRules, schedule_team
from careerconv_core.errors import InvalidInput
from careerconv_plugins.orgfile.mapping import parse_csv
from domain.test_scheduling import check_schedule

HEADER = "id,name,email,time_zone,working_hours,weekdays,manager\n"
MONDAY = date(2026, 3, 2)


def _person(pid: str, zone: str, hours: WorkingHours | None = None) -> Person:
    return Person(pid, pid.upper(), f"{pid}@example.com", zone, hours or WorkingHours())


def test_a_cap_below_one_conversation_names_the_setting_and_a_cap_that_works() -> None:
    with pytest.raises(InvalidInput) as caught:
        settings_from({"weekly_cap_hours": 0.5})
    assert caught.value.field == "weekly_cap_hours"
    assert "30 minutes a week hold no conversation" in caught.value.problem
    assert "weekly_cap_hours to 1 or more" in caught.value.expected
    # The fix offered is accepted, and places a report.
    rules = settings_from({"weekly_cap_hours": 1.0}).scheduling
    manager, report = _person("m", "Europe/Berlin"), _person("r", "Europe/Berlin")
    result = schedule_team(manager, [report], MONDAY, rules, with_follow_ups=False)
    assert set(result.placements) == {"r"}


def test_a_window_too_short_for_the_three_names_the_setting() -> None:
    with pytest.raises(InvalidInput) as caught:
        settings_from({"window_days": 4})
    assert caught.value.field == "window_days"
    assert "window_days to 5 or more" in caught.value.expected
    assert "2 working days before the GROW review" in caught.value.problem
    with pytest.raises(InvalidInput, match="window_days"):
        SchedulingRules(window_days=29)  # past one month in February: M4


def test_the_window_is_a_setting_and_its_days_bound_every_placement() -> None:
    manager, report = _person("m", "Europe/Berlin"), _person("r", "Europe/Berlin")
    rules = settings_from({"window_days": 5}).scheduling
    result = schedule_team(manager, [report], MONDAY, rules, with_follow_ups=False)
    placed = result.placements["r"]
    berlin = ZoneInfo("Europe/Berlin")
    assert result.window.end.astimezone(berlin).date() == MONDAY + timedelta(days=5)
    # Monday, Tuesday, two working days of homework, Friday: the shortest window holds it.
    assert placed.grow_review.end.astimezone(berlin).date() == MONDAY + timedelta(days=4)
    check_schedule(result, manager, [report], MONDAY, rules, {}, [])
    # February: the default is the calendar month (28 days), 28 days set is the same.
    feb = date(2026, 2, 2)
    month = schedule_team(manager, [report], feb, SchedulingRules(), with_follow_ups=False).window
    days = schedule_team(
        manager, [report], feb, SchedulingRules(window_days=28), with_follow_ups=False
    ).window
    assert month == days


@pytest.mark.parametrize(
    ("row", "field", "problem", "fix"),
    [
        (
            "p7,Pat,pat@example.com,UTC,22:00-06:00,,",
            "working_hours",
            "22:00-06:00 crosses midnight",
            "22:00-23:59",
        ),
        ("p7,Pat,pat@example.com,UTC,09:00-09:00,,", "working_hours", "holds no working time", "09:00-17:00"),
        ('p7,Pat,pat@example.com,UTC,,",",', "weekdays", "no days given", "Mon-Fri"),
    ],
)
def test_working_hours_that_cannot_be_scheduled_name_the_row_and_the_fix(
    row: str, field: str, problem: str, fix: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_csv(HEADER + row + "\n")
    assert caught.value.field == f"org.csv row 2: {field}"
    assert problem in caught.value.problem
    assert fix in caught.value.expected


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "Asia/Kathmandu"])
def test_zones_with_30_and_45_minute_offsets_are_scheduled_on_local_quarter_hours(zone: str) -> None:
    manager = _person("m", "Europe/Berlin", WorkingHours(clock(8), clock(16)))
    reports = [_person("r1", zone, WorkingHours(clock(9), clock(17))), _person("r2", "Europe/Berlin")]
    rules = SchedulingRules()
    result = schedule_team(manager, reports, MONDAY, rules, with_follow_ups=False)
    assert set(result.placements) == {"r1", "r2"}
    check_schedule(result, manager, reports, MONDAY, rules, {}, [])
    for slot in result.placements["r1"].slots:
        local = slot.interval.start.astimezone(ZoneInfo(zone))
        assert local.minute % 15 == 0 and clock(9) <= local.time() <= clock(16)
