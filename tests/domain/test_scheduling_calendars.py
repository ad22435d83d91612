"""Calendars as people have them: split and per-weekday hours, public holidays.

Each schedule is checked here against the people's hours written out by
hand and against the ``holidays`` package itself, not through the
scheduler's own helpers.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from careerconv_core.domain.clock import Interval
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.domain.people import Person, WorkingHours
from careerconv_core.domain.scheduling import (
    Check,
    SchedulingRules,
    Timed,
    follow_ups,
    schedule_team,
    within_working_hours,
)
from careerconv_core.domain.scheduling.time import earliest_review_day
from careerconv_core.errors import InvalidInput
from domain.test_scheduling import check_schedule

BERLIN = ZoneInfo("Europe/Berlin")
LUNCH = ((time(9), time(12)), (time(13), time(17)))
SHORT_FRIDAY = ((time(9), time(11)),)
SPLIT = WorkingHours.of_week((LUNCH, LUNCH, LUNCH, LUNCH, SHORT_FRIDAY, (), ()))


def _conversations(result: object) -> list[Interval]:
    placements = result.placements.values()  # type: ignore[attr-defined]
    return [c for p in placements for c in (p.life_story, p.pinnacle, p.grow_review)]


def _local(item: Interval) -> tuple[date, time, time]:
    a, b = item.start.astimezone(BERLIN), item.end.astimezone(BERLIN)
    assert a.date() == b.date()
    return a.date(), a.time(), b.time()


def test_conversations_keep_out_of_the_lunch_break_and_inside_short_fridays() -> None:
    manager = Person("m", "M", "m@example.com", "Europe/Berlin", SPLIT)
    reports = [Person(f"r{i}", "R", f"r{i}@example.com", "Europe/Berlin") for i in range(6)]
    rules = SchedulingRules(weekly_cap_minutes=900)
    result = schedule_team(manager, reports, date(2026, 3, 2), rules, {}, with_follow_ups=False)
    assert len(result.placements) == 6
    check_schedule(result, manager, reports, date(2026, 3, 2), rules, {}, [])
    fridays = 0
    for item in _conversations(result):
        day, start, end = _local(item)
        allowed = SHORT_FRIDAY if day.weekday() == 4 else LUNCH
        assert day.weekday() < 5
        assert any(a <= start and end <= b for a, b in allowed), (day, start, end)
        fridays += day.weekday() == 4
    # Fridays still take the life stories that fit in two hours.
    assert fridays > 0


def test_a_meeting_in_the_lunch_break_is_outside_working_hours() -> None:
    person = Person("m", "M", "m@example.com", "Europe/Berlin", SPLIT)
    at = datetime(2026, 3, 3, 11, 30, tzinfo=BERLIN)  # a Tuesday, into lunch
    assert not within_working_hours(person, Interval(at, at.replace(hour=12, minute=30)))
    assert within_working_hours(person, Interval(at.replace(hour=13), at.replace(hour=14)))
    friday = datetime(2026, 3, 6, 10, 0, tzinfo=BERLIN)
    assert not within_working_hours(person, Interval(friday, friday.replace(hour=12)))


def test_no_conversation_lands_on_a_public_holiday_of_either_person() -> None:
    # From Christmas Eve: with no holidays the GROW review lands on New Year's Day.
    start = date(2026, 12, 24)
    days_off = holidays.country_holidays("DE", subdiv="BY", years=[2026, 2027])
    rules = SchedulingRules(weekly_cap_minutes=900)
    plain = Person("m", "M", "m@example.com", "Europe/Berlin")
    report = Person("r", "R", "r@example.com", "Europe/Berlin")
    without = schedule_team(plain, [report], start, rules, {}, with_follow_ups=False)
    assert {_local(c)[0] for c in _conversations(without)} & set(days_off)
    # The report's own holidays count as well as the manager's.
    team = [
        Person("r", "R", "r@example.com", "Europe/Berlin", WorkingHours(holidays="DE-BY")),
        Person("s", "S", "s@example.com", "Europe/Berlin", WorkingHours(holidays="US")),
    ]
    result = schedule_team(plain, team, start, rules, {}, with_follow_ups=False)
    assert len(result.placements) == 2
    us_off = holidays.country_holidays("US", years=[2026, 2027])
    for rid, off in (("r", days_off), ("s", us_off)):
        p = result.placements[rid]
        for item in (p.life_story, p.pinnacle, p.grow_review):
            assert _local(item)[0] not in off, (rid, _local(item))
    manager = Person("m", "M", "m@example.com", "Europe/Berlin", WorkingHours(holidays="DE-BY"))
    assert not within_working_hours(
        manager,
        Interval(datetime(2026, 12, 25, 10, tzinfo=BERLIN), datetime(2026, 12, 25, 11, tzinfo=BERLIN)),
    )


@pytest.mark.parametrize(
    ("region", "problem"),
    [
        ("XX", "unknown holiday country 'XX'"),
        ("DE-XX", "unknown subdivision 'XX' of DE (known: DE-BB, DE-BE"),
    ],
)
def test_an_unknown_holiday_region_is_refused_with_the_fix(region: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        WorkingHours(holidays=region)
    assert caught.value.field == "holidays"
    assert caught.value.problem.startswith(problem)
    assert "'DE-BY'" in caught.value.expected


@pytest.mark.parametrize(
    ("day", "problem"),
    [
        (((time(22), time(6)),), "22:00-06:00 crosses midnight"),
        (((time(9), time(12)), (time(13), time(13))), "13:00-13:00 holds no working time"),
    ],
)
def test_intervals_across_midnight_or_empty_are_refused(day: tuple, problem: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        WorkingHours.of_week((day, (), (), (), (), (), ()))
    assert caught.value.field == "working_hours"
    assert caught.value.problem.startswith(problem)


@pytest.mark.parametrize(
    ("day", "merged"),
    [
        (((time(9), time(12)), (time(12), time(13))), ((time(9), time(13)),)),
        (((time(13), time(17)), (time(9), time(12))), ((time(9), time(12)), (time(13), time(17)))),
        (((time(9), time(12)), (time(11), time(17)), (time(10), time(11))), ((time(9), time(17)),)),
    ],
)
def test_touching_or_overlapping_intervals_are_one_and_days_are_in_order(day: tuple, merged: tuple) -> None:
    hours = WorkingHours.of_week((day, LUNCH, (), (), (), (), ()))
    assert hours.week[0] == merged
    # The same when the week is given directly: every way of building one merges.
    direct = WorkingHours(hours.start, hours.end, hours.weekdays, (day, LUNCH, (), (), (), (), ()))
    assert direct == hours


def test_a_conversation_may_straddle_where_two_intervals_touch() -> None:
    touching = ((time(9), time(12)), (time(12), time(13)))
    hours = WorkingHours.of_week((touching,) * 5 + ((), ()))
    assert hours == WorkingHours(time(9), time(13))  # one interval a day: the plain form
    person = Person("m", "M", "m@example.com", "Europe/Berlin", hours)
    at = datetime(2026, 3, 3, 11, 30, tzinfo=BERLIN)  # a Tuesday
    assert within_working_hours(person, Interval(at, at + timedelta(minutes=60)))
    # Only touching ones join: across a real break it stays outside.
    apart = Person("m", "M", "m@example.com", "Europe/Berlin", SPLIT)
    assert not within_working_hours(apart, Interval(at, at + timedelta(minutes=60)))
    # And the scheduler places a 60-minute conversation across 12:00 when only that fits.
    morning = Person("r", "R", "r@example.com", "Europe/Berlin", WorkingHours(time(11, 30), time(12, 30)))
    rules = SchedulingRules(weekly_cap_minutes=900)
    result = schedule_team(
        Person("m", "M", "m@example.com", "Europe/Berlin", hours),
        [morning],
        date(2026, 3, 2),
        rules,
        {},
        with_follow_ups=False,
    )
    placement = result.placements["r"]
    _, start, end = _local(placement.life_story)
    assert (start, end) == (time(11, 30), time(12, 30))


def test_the_plain_form_stays_plain() -> None:
    same = ((time(9), time(17)),)
    assert WorkingHours.of_week((same,) * 5 + ((), ())) == WorkingHours()
    assert SPLIT.on(4) == ((540, 660),) and SPLIT.on(5) == ()
    assert SPLIT.weekdays == frozenset(range(5)) and SPLIT.minutes_per_day == 420


def test_follow_ups_skip_public_holidays_too() -> None:
    # After 1 December the January check-in would go to the first working day, 1 January.
    after = datetime(2026, 12, 1, 12, tzinfo=BERLIN)
    report = Person("r", "R", "r@example.com", "Europe/Berlin")
    plain = Person("m", "M", "m@example.com", "Europe/Berlin")
    german = Person("m", "M", "m@example.com", "Europe/Berlin", WorkingHours(holidays="DE"))
    rules = SchedulingRules(follow_up_months=2)
    assert follow_ups(plain, report, after, rules)[0].start.astimezone(BERLIN).date() == date(2027, 1, 1)
    assert follow_ups(german, report, after, rules)[0].start.astimezone(BERLIN).date() == date(2027, 1, 4)


def test_a_public_holiday_is_no_homework_day() -> None:
    # Pinnacle on Wednesday 30 December: Thursday 31 and (without holidays) Friday 1 January
    # are the two homework days, so the review may follow from Saturday 2 January; with
    # Germany's holidays Monday 4 January is the second, and the review waits for Tuesday.
    wednesday = date(2026, 12, 30).toordinal()
    weekdays = frozenset(range(5))
    assert date.fromordinal(earliest_review_day(weekdays, wednesday, 2)) == date(2027, 1, 2)
    assert date.fromordinal(earliest_review_day(weekdays, wednesday, 2, "DE")) == date(2027, 1, 5)
    # Every schedule keeps two of the report's working days, holidays not counted, between 2 and 3.
    german = Person("r", "R", "r@example.com", "Europe/Berlin", WorkingHours(holidays="DE"))
    manager = Person("m", "M", "m@example.com", "Europe/Berlin")
    off = holidays.country_holidays("DE", years=[2026, 2027])
    rules = SchedulingRules(weekly_cap_minutes=900)
    for start in (date(2026, 12, 28), date(2026, 12, 29), date(2026, 12, 30)):
        placement = schedule_team(manager, [german], start, rules, {}, with_follow_ups=False).placements["r"]
        second, third = _local(placement.pinnacle)[0], _local(placement.grow_review)[0]
        between = [second.fromordinal(d) for d in range(second.toordinal() + 1, third.toordinal())]
        assert sum(1 for d in between if d.weekday() < 5 and d not in off) >= 2, (start, second, third)


def test_the_m4_check_counts_no_homework_on_a_public_holiday() -> None:
    def at(day: date, hour: int, minutes: int = 60) -> Interval:
        begin = datetime.combine(day, time(hour), BERLIN)
        return Interval(begin, begin + timedelta(minutes=minutes))

    # Pinnacle on Wednesday 30 December, review on Monday 4 January: two weekdays between,
    # but 1 January is a holiday for the German report.
    timed = [
        Timed(ConversationKind.LIFE_STORY, at(date(2026, 12, 29), 10)),
        Timed(ConversationKind.PINNACLE, at(date(2026, 12, 30), 10)),
        Timed(ConversationKind.GROW_REVIEW, at(date(2027, 1, 4), 10, 45)),
    ]
    manager = Person("m", "M", "m@example.com", "Europe/Berlin")
    plain = Person("r", "R", "r@example.com", "Europe/Berlin")
    german = Person("r", "R", "r@example.com", "Europe/Berlin", WorkingHours(holidays="DE"))
    assert Check(manager=manager, report=plain, rules=SchedulingRules()).first(timed) is None
    problem = Check(manager=manager, report=german, rules=SchedulingRules()).first(timed)
    assert problem is not None and "only 1 working days for the GROW homework" in problem.problem
