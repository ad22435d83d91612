"""The team scheduler: every rule on generated teams, blockers, moves and follow-ups (M4, M10, M11).

The checker below recomputes every constraint from the datetimes with
zoneinfo, independently of the scheduler's minute arithmetic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careerconv_core.domain.cadence import CheckInKind
from careerconv_core.domain.clock import Interval
from careerconv_core.domain.people import Person, WorkingHours
from careerconv_core.domain.scheduling import (
    Check,
    ConversationKind,
    Placement,
    SchedulingRules,
    TeamSchedule,
    first_fit,
    follow_ups,
    reschedule,
    reschedule_later,
    schedule_report,
    schedule_team,
)
from careerconv_core.errors import InvalidInput, RuleViolation

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "Australia/Sydney"]
KINDS = list(ConversationKind)


def _month_end(start: date) -> date:
    month = start.month % 12 + 1
    year = start.year + (start.month == 12)
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, min(start.day, day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _local(moment: datetime, person: Person) -> datetime:
    return moment.astimezone(ZoneInfo(person.time_zone))


def _in_hours(item: Interval, person: Person) -> bool:
    a, b = _local(item.start, person), _local(item.end, person)
    hours = person.working_hours
    return (
        a.date() == b.date()
        and a.weekday() in hours.weekdays
        and a.time() >= hours.start
        and b.time() <= hours.end
    )


def _working_days_between(first: date, last: date, person: Person) -> int:
    days = 0
    day = first + timedelta(days=1)
    while day < last:
        days += day.weekday() in person.working_hours.weekdays
        day += timedelta(days=1)
    return days


def _overlaps(item: Interval, others: Sequence[Interval]) -> bool:
    return any(item.start < o.end and o.start < item.end for o in others)


def check_schedule(  # noqa: PLR0917 - mirrors schedule_team's positional arguments
    result: TeamSchedule,
    manager: Person,
    reports: Sequence[Person],
    start: date,
    rules: SchedulingRules,
    busy: Mapping[str, Sequence[Interval]],
    booked: Sequence[Interval],
) -> None:
    """Assert every constraint of the issue on ``result``."""
    ids = [r.id for r in reports]
    assert set(result.placements) | set(result.unplaced) == set(ids)
    assert not set(result.placements) & set(result.unplaced)
    mz = ZoneInfo(manager.time_zone)
    win_start = datetime.combine(start, time(0), mz)
    win_end = datetime.combine(_month_end(start), time(0), mz)
    lengths = {
        ConversationKind.LIFE_STORY: rules.lengths.life_story,
        ConversationKind.PINNACLE: rules.lengths.pinnacle,
        ConversationKind.GROW_REVIEW: rules.lengths.grow_review,
    }
    manager_items: list[Interval] = list(booked)
    by_id = {r.id: r for r in reports}
    for rid, placement in result.placements.items():
        report = by_id[rid]
        items = [placement[k] for k in KINDS]
        for kind, item in zip(KINDS, items, strict=True):
            assert item.minutes == lengths[kind]
            assert item.start.utcoffset() == timedelta(0)
            assert win_start <= item.start, "before the window"
            assert item.end <= win_end, "after the window"
            assert _in_hours(item, manager), f"{kind} outside manager hours"
            assert _in_hours(item, report), f"{kind} outside report hours"
            blocked = [*busy.get(manager.id, ()), *busy.get(rid, ()), *booked]
            assert not _overlaps(item, blocked), "overlaps busy time"
            assert not _overlaps(item, manager_items), "manager double-booked"
            manager_items.append(item)
        ls, pn, gr = items
        assert ls.end <= pn.start <= pn.end <= gr.start, "order"
        if rules.separate_days_1_2:
            for person in (manager, report):
                assert _local(ls.start, person).date() < _local(pn.start, person).date()
        gap = _working_days_between(_local(pn.start, report).date(), _local(gr.start, report).date(), report)
        assert gap >= rules.homework_gap_working_days, "homework gap"
    weeks: dict[tuple[int, int], int] = defaultdict(int)
    for item in manager_items:
        iso = _local(item.start, manager).isocalendar()
        weeks[(iso.year, iso.week)] += item.minutes
    assert all(m <= rules.weekly_cap_minutes for m in weeks.values()), "weekly cap"
    assert sum(result.minutes_per_week.values()) == sum(i.minutes for i in manager_items)


# --- generated instances ----------------------------------------------------------------


@st.composite
def people(draw: st.DrawFn, pid: str) -> Person:
    begin = draw(st.integers(6, 12))
    length = draw(st.integers(5, 10))
    weekdays = draw(st.sets(st.integers(0, 6), min_size=3, max_size=7))
    hours = WorkingHours(time(begin), time(min(begin + length, 23)), weekdays)
    return Person(pid, pid, f"{pid}@example.com", draw(st.sampled_from(ZONES)), hours)


@st.composite
def instances(draw: st.DrawFn) -> tuple[object, ...]:
    manager = draw(people("m"))
    reports = [draw(people(f"r{i}")) for i in range(draw(st.integers(1, 5)))]
    # Around the spring and autumn DST changes of both Europe and the US.
    start = draw(st.sampled_from([date(2026, 3, 2), date(2026, 3, 20), date(2026, 10, 19)]))
    start += timedelta(days=draw(st.integers(0, 10)))
    rules = SchedulingRules(
        homework_gap_working_days=draw(st.integers(0, 3)),
        separate_days_1_2=draw(st.booleans()),
        weekly_cap_minutes=draw(st.sampled_from([120, 180, 240, 600])),
        slot_minutes=draw(st.sampled_from([15, 30])),
    )
    base = datetime.combine(start, time(0), UTC)
    ids = [manager.id] + [r.id for r in reports]
    busy: dict[str, list[Interval]] = defaultdict(list)
    for _ in range(draw(st.integers(0, 40))):
        who = draw(st.sampled_from(ids))
        at = base + timedelta(minutes=15 * draw(st.integers(0, 31 * 96)))
        busy[who].append(Interval(at, at + timedelta(minutes=draw(st.integers(15, 240)))))
    booked = []
    for _ in range(draw(st.integers(0, 2))):
        at = base + timedelta(minutes=30 * draw(st.integers(0, 31 * 48)))
        booked.append(Interval(at, at + timedelta(minutes=60)))
    return manager, reports, start, rules, dict(busy), booked


FAST = settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(instances())
def test_every_placement_keeps_every_rule(case: tuple[object, ...]) -> None:
    manager, reports, start, rules, busy, booked = case
    result = schedule_team(manager, reports, start, rules, busy, booked)  # type: ignore[arg-type]
    check_schedule(result, manager, reports, start, rules, busy, booked)  # type: ignore[arg-type]
    for rid, blocker in result.unplaced.items():
        assert blocker.report_id == rid
        assert blocker.constraint in {
            "no_common_hours",
            "homework_gap",
            "busy",
            "manager_time",
            "weekly_cap",
        }


@FAST
@given(instances())
def test_first_fit_keeps_every_rule_and_the_optimiser_is_never_worse(
    case: tuple[object, ...],
) -> None:
    manager, reports, start, rules, busy, booked = case
    naive = first_fit(manager, reports, start, rules, busy, booked)  # type: ignore[arg-type]
    check_schedule(naive, manager, reports, start, rules, busy, booked)  # type: ignore[arg-type]
    best = schedule_team(  # type: ignore[arg-type]
        manager, reports, start, rules, busy, booked, with_follow_ups=False
    )
    assert len(best.placements) >= len(naive.placements)
    if len(best.placements) == len(naive.placements):
        assert best.total_span_minutes <= naive.total_span_minutes


@FAST
@given(instances())
def test_every_team_placement_passes_the_one_m4_check(case: tuple[object, ...]) -> None:
    """The general check (validity.Check), given each placement and the rest of the team as booked."""
    manager, reports, start, rules, busy, booked = case
    result = schedule_team(manager, reports, start, rules, busy, booked)  # type: ignore[arg-type]
    placed = list(result.placements.items())
    for rid, placement in placed:
        report = next(r for r in reports if r.id == rid)  # type: ignore[attr-defined]
        others = [p[k] for other, p in placed if other != rid for k in KINDS]
        check = Check.of(
            window=placement.window,
            manager=manager,  # type: ignore[arg-type]
            report=report,
            rules=rules,  # type: ignore[arg-type]
            busy=[*busy.get(manager.id, ()), *busy.get(rid, ())],  # type: ignore[attr-defined]
            booked=[*booked, *others],  # type: ignore[misc]
        )
        assert check.first(placement.timed) is None


# --- fixed cases -----------------------------------------------------------------------

BERLIN = Person("mgr", "Manager", "mgr@example.com", "Europe/Berlin")
LONDON = Person("ann", "Ann", "ann@example.com", "Europe/London")
START = date(2026, 3, 2)  # a Monday; Europe moves its clocks on 29 March


def test_a_lone_report_gets_the_tightest_sequence() -> None:
    placement = schedule_report(BERLIN, LONDON, START)
    assert isinstance(placement, Placement)
    # Life story late on Monday, pinnacle Tuesday morning, GROW review Friday morning:
    # two working days (Wednesday, Thursday) of homework.
    assert placement.life_story.start == datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    assert placement.pinnacle.start == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert placement.grow_review.start == datetime(2026, 3, 6, 9, 0, tzinfo=UTC)


def test_weekly_cap_blocks_with_its_own_words() -> None:
    team = [Person(f"r{i}", "R", f"r{i}@example.com", "Europe/Berlin") for i in range(8)]
    result = schedule_team(BERLIN, team, START)
    assert 0 < len(result.placements) < 8
    blocker = next(iter(result.unplaced.values()))
    assert blocker.constraint == "weekly_cap"
    assert "weekly cap of 4.0 h reached in every week of the window" in str(blocker)
    assert all(m <= 240 for m in result.minutes_per_week.values())


def test_under_a_tight_cap_more_reports_fit_than_first_fit() -> None:
    # 8 x 165 minutes against about 4.4 weeks of 4 hours: batching fits 7, first fit 5.
    team = [Person(f"r{i}", "R", f"r{i}@example.com", "Europe/Berlin") for i in range(8)]
    best = schedule_team(BERLIN, team, START, with_follow_ups=False)
    naive = first_fit(BERLIN, team, START)
    assert len(best.placements) == 7
    assert len(naive.placements) == 5
    check_schedule(best, BERLIN, team, START, SchedulingRules(), {}, [])


def test_small_teams_are_solved_exactly() -> None:
    team = [Person(f"r{i}", "R", f"r{i}@example.com", "Europe/Berlin") for i in range(3)]
    best = schedule_team(BERLIN, team, START, with_follow_ups=False)
    naive = first_fit(BERLIN, team, START)
    assert best.proven_optimal
    assert len(best.placements) == 3
    assert best.total_span_minutes < naive.total_span_minutes


def test_no_common_hours_is_named() -> None:
    far = Person("kai", "Kai", "kai@example.com", "Pacific/Honolulu")
    blocker = schedule_team(BERLIN, [far], START).unplaced["kai"]
    assert blocker.constraint == "no_common_hours"
    assert "no common working hours" in blocker.reason


def test_busy_calendar_is_named() -> None:
    month = Interval(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 3, tzinfo=UTC))
    blocker = schedule_team(BERLIN, [LONDON], START, busy={"ann": [month]}).unplaced["ann"]
    assert blocker.constraint == "busy"
    assert "busy calendar" in blocker.reason


def test_short_window_for_the_homework_gap_is_named() -> None:
    # Working Mondays and Tuesdays only, ten of them cannot fit between 2 and 3 in a month.
    part_time = Person("bo", "Bo", "bo@example.com", "Europe/London", WorkingHours(weekdays={0, 1}))
    rules = SchedulingRules(homework_gap_working_days=10)
    blocker = schedule_team(BERLIN, [part_time], START, rules).unplaced["bo"]
    assert blocker.constraint == "homework_gap"
    assert "too short for the homework gap" in blocker.reason


def test_booked_conversations_count_toward_the_cap() -> None:
    # 200 booked minutes in every week of the window leave room for no 60-minute talk.
    booked = [
        Interval(
            datetime(2026, 3, 2, 8, tzinfo=UTC) + timedelta(weeks=w, days=d),
            datetime(2026, 3, 2, 8, 50, tzinfo=UTC) + timedelta(weeks=w, days=d),
        )
        for w in range(5)
        for d in range(4)
    ]
    result = schedule_team(BERLIN, [LONDON], START, booked=booked)
    assert result.unplaced["ann"].constraint == "weekly_cap"


def test_rules_refuse_bad_values_naming_the_field() -> None:
    with pytest.raises(InvalidInput, match=r"rules\.weekly_cap_minutes"):
        SchedulingRules(weekly_cap_minutes=0)
    with pytest.raises(InvalidInput, match=r"rules\.slot_minutes"):
        SchedulingRules(slot_minutes=7)
    with pytest.raises(InvalidInput, match=r"rules\.check_in_minutes"):
        SchedulingRules(check_in_minutes=20)


def test_a_report_listed_twice_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"reports\[1\]"):
        schedule_team(BERLIN, [LONDON, LONDON], START)


# --- moving a conversation -----------------------------------------------------------


@pytest.fixture
def placed() -> Placement:
    placement = schedule_report(BERLIN, LONDON, START)
    assert isinstance(placement, Placement)
    return placement


def test_reschedule_to_a_valid_slot_keeps_the_others(placed: Placement) -> None:
    moved = reschedule(placed, "grow_review", datetime(2026, 3, 9, 10, 0, tzinfo=UTC), BERLIN, LONDON)
    assert moved.grow_review.start == datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    assert moved.life_story == placed.life_story
    assert moved.pinnacle == placed.pinnacle


@pytest.mark.parametrize(
    ("kind", "when", "words"),
    [
        (
            "pinnacle",
            datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
            "come before the end of the life story",
        ),
        ("pinnacle", datetime(2026, 3, 2, 16, 0, tzinfo=UTC), "outside"),
        (
            "grow_review",
            datetime(2026, 3, 4, 9, 0, tzinfo=UTC),
            "working days for the GROW homework",
        ),
        ("grow_review", datetime(2026, 4, 6, 9, 0, tzinfo=UTC), "one-month window"),
        ("life_story", datetime(2026, 3, 2, 3, 0, tzinfo=UTC), "outside"),
    ],
)
def test_reschedule_refuses_and_says_why(placed: Placement, kind: str, when: datetime, words: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        reschedule(placed, kind, when, BERLIN, LONDON)
    assert caught.value.rule == "M4"
    assert words in caught.value.problem
    assert caught.value.fix


def test_reschedule_refuses_busy_time(placed: Placement) -> None:
    busy = {"mgr": [Interval(datetime(2026, 3, 9, 9, tzinfo=UTC), datetime(2026, 3, 9, 12, tzinfo=UTC))]}
    with pytest.raises(RuleViolation, match="busy"):
        reschedule(placed, "grow_review", datetime(2026, 3, 9, 10, tzinfo=UTC), BERLIN, LONDON, busy=busy)


def test_reschedule_same_day_pinnacle_is_refused() -> None:
    rules = SchedulingRules()
    placement = schedule_report(BERLIN, LONDON, START, rules)
    assert isinstance(placement, Placement)
    early = reschedule(placement, "life_story", datetime(2026, 3, 2, 9, tzinfo=UTC), BERLIN, LONDON)
    with pytest.raises(RuleViolation, match="same day"):
        reschedule(early, "pinnacle", datetime(2026, 3, 2, 12, tzinfo=UTC), BERLIN, LONDON)


def test_reschedule_later_shifts_the_later_ones_minimally(placed: Placement) -> None:
    moved = reschedule_later(placed, "life_story", datetime(2026, 3, 10, 9, 0, tzinfo=UTC), BERLIN, LONDON)
    assert moved.life_story.start == datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert moved.pinnacle.start == datetime(2026, 3, 11, 9, 0, tzinfo=UTC)
    assert moved.grow_review.start == datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    result = TeamSchedule("mgr", moved.window, {"ann": moved}, {}, {"x": 165}, {}, {})
    check_schedule(result, BERLIN, [LONDON], START, SchedulingRules(), {}, [])


def test_reschedule_later_keeps_later_ones_that_are_still_valid(placed: Placement) -> None:
    moved = reschedule_later(placed, "life_story", datetime(2026, 3, 2, 9, 0, tzinfo=UTC), BERLIN, LONDON)
    assert (moved.pinnacle, moved.grow_review) == (placed.pinnacle, placed.grow_review)


def test_reschedule_later_says_when_the_window_is_too_short(placed: Placement) -> None:
    with pytest.raises(RuleViolation, match="no longer fits in the one-month window"):
        reschedule_later(placed, "life_story", datetime(2026, 3, 31, 9, tzinfo=UTC), BERLIN, LONDON)


# --- follow-ups (M10) -----------------------------------------------------------------


def test_follow_ups_monthly_with_a_quarterly_extended_review() -> None:
    after = datetime(2026, 3, 6, 10, tzinfo=UTC)
    busy = {"ann": [Interval(datetime(2026, 4, 6, 8, tzinfo=UTC), datetime(2026, 4, 6, 12, tzinfo=UTC))]}
    items = follow_ups(BERLIN, LONDON, after, busy=busy)
    assert [f.number for f in items] == list(range(1, 13))
    assert [f.kind for f in items].count(CheckInKind.EXTENDED_REVIEW) == 4
    for item in items:
        month = (3 + item.number - 1) % 12 + 1
        assert item.interval.start.month == month
        assert item.interval.minutes == (30 if item.number % 3 == 0 else 10)
        assert item.kind is (CheckInKind.EXTENDED_REVIEW if item.number % 3 == 0 else CheckInKind.CHECK_IN)
        assert _in_hours(item.interval, BERLIN)
        assert _in_hours(item.interval, LONDON)
        assert not _overlaps(item.interval, busy["ann"])
    assert items[0].interval.start == datetime(2026, 4, 6, 12, tzinfo=UTC)


def test_follow_ups_say_which_month_has_no_slot() -> None:
    blocked = {"ann": [Interval(datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC))]}
    with pytest.raises(RuleViolation, match="follow-up 1"):
        follow_ups(BERLIN, LONDON, datetime(2026, 3, 6, 10, tzinfo=UTC), busy=blocked)


def test_team_follow_ups_never_double_book_the_manager() -> None:
    team = [Person(f"r{i}", "R", f"r{i}@example.com", "Europe/Berlin") for i in range(4)]
    result = schedule_team(BERLIN, team, START)
    items = [f.interval for fs in result.follow_ups.values() for f in fs]
    items += [p[k] for p in result.placements.values() for k in KINDS]
    for i, a in enumerate(items):
        assert not _overlaps(a, items[i + 1 :])
    assert all(len(fs) == 12 for fs in result.follow_ups.values())
