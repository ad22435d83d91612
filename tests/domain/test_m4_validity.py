"""The one M4 check (scheduling/validity.py) and every path that places something through it.

A placement through the services is now held to the same rules as the
scheduler's: both people's working hours, separate days for 1 and 2, the
homework gap, the weekly cap and no overlap with the manager's other career
conversations. The plan alone, which knows no people, keeps the order and
the one-month window through the same check.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

import pytest

from careerconv_core import serialization
from careerconv_core.domain import cadence, clock, grow
from careerconv_core.domain.cadence import CheckInKind, FollowUp
from careerconv_core.domain.clock import Interval
from careerconv_core.domain.conversations import ConversationKind, ConversationLengths
from careerconv_core.domain.meetings import Meeting, MeetingKind
from careerconv_core.domain.people import Person
from careerconv_core.domain.scheduling import (
    Check,
    Placement,
    SchedulingRules,
    Timed,
    follow_up_slots,
    follow_ups,
    schedule_report,
    validity,
)
from careerconv_core.domain.scheduling import time as scheduling_time
from careerconv_core.domain.scheduling.validity import plan_window, team_problems
from careerconv_core.errors import InvalidInput, RuleViolation
from careerconv_core.services import Services, Settings
from support.flows import through_review
from support.plans import at, ready
from support.world import World

LS, PN, GR = ConversationKind.LIFE_STORY, ConversationKind.PINNACLE, ConversationKind.GROW_REVIEW
T = datetime(2026, 12, 1, 9, tzinfo=UTC)  # the World's clock: a Tuesday, 10:00 in Berlin


def day(n: float, hour: float = 9, minutes: int = 60) -> tuple[datetime, datetime]:
    """An interval ``n`` days after the World's Tuesday, at ``hour`` UTC."""
    start = datetime(2026, 12, 1, tzinfo=UTC) + timedelta(days=n, hours=hour)
    return start, start + timedelta(minutes=minutes)


def ready_plan(world: World, report: str) -> str:
    svc = world.services
    plan_id = svc.propose("m1", report).plan.id
    svc.accept(plan_id, report, life_story_opt_in=True)
    svc.confirm_readiness(plan_id, "m1", True, True)
    return plan_id


def place(world: World, plan_id: str, slots: Mapping[ConversationKind, tuple[datetime, datetime]]) -> None:
    world.services.place_conversations(plan_id, "m1", slots)


# --- place_conversations: stricter than before ----------------------------------------


def test_conversation_three_the_day_after_two_is_refused_for_the_homework_gap() -> None:
    world = World()
    plan_id = ready_plan(world, "r1")
    before = dict(world.store.plans)
    with pytest.raises(RuleViolation, match="working days for the GROW homework") as caught:
        # Wednesday, Thursday, Friday: no working day between 2 and 3 (two needed).
        place(world, plan_id, {LS: day(1), PN: day(2), GR: day(3, minutes=45)})
    assert caught.value.rule == "M4"
    assert "at least 2 needed" in caught.value.problem
    assert world.store.plans == before  # a refused step changes nothing
    place(world, plan_id, {LS: day(1), PN: day(2), GR: day(7, minutes=45)})  # the Tuesday after


def test_placing_outside_the_reports_working_hours_is_refused() -> None:
    world = World()
    plan_id = ready_plan(world, "r2")  # r2 works 09:00-17:00 in New York
    with pytest.raises(RuleViolation, match="outside the working hours of r2") as caught:
        place(world, plan_id, {LS: day(1)})  # 09:00 UTC is 04:00 in New York
    assert caught.value.rule == "M4"
    place(world, plan_id, {LS: day(1, hour=14)})  # 09:00 in New York, 15:00 in Berlin


def test_placing_outside_the_managers_working_hours_is_refused() -> None:
    world = World()
    plan_id = ready_plan(world, "r2")
    with pytest.raises(RuleViolation, match="outside the working hours of m1"):
        place(world, plan_id, {LS: day(1, hour=17)})  # 12:00 in New York, 18:00 in Berlin


def test_life_story_and_pinnacle_on_one_day_are_refused() -> None:
    world = World()
    plan_id = ready_plan(world, "r1")
    with pytest.raises(RuleViolation, match="same day for m1"):
        place(world, plan_id, {LS: day(1), PN: day(1, hour=12)})


def test_the_weekly_cap_counts_the_managers_other_plans() -> None:
    world = World()
    svc = Services(
        world.store,
        world.clock,
        world.ids,
        settings=Settings(scheduling=SchedulingRules(weekly_cap_minutes=150)),
    )
    first, second = ready_plan(world, "r1"), ready_plan(world, "r2")
    svc.place_conversations(first, "m1", {LS: day(1), PN: day(2), GR: day(7, minutes=45)})
    with pytest.raises(RuleViolation, match=r"weekly cap of 2\.5 h in 2026-W49") as caught:
        svc.place_conversations(second, "m1", {LS: day(1, hour=14)})  # 120 + 60 minutes
    assert caught.value.rule == "M11"
    svc.place_conversations(second, "m1", {LS: day(6, hour=14)})  # the next week has room


def test_a_conversation_over_another_plans_conversation_is_refused() -> None:
    world = World()
    first, second = ready_plan(world, "r1"), ready_plan(world, "r2")
    place(world, first, {LS: day(1, hour=14)})
    with pytest.raises(RuleViolation, match="another of the manager's career conversations"):
        place(world, second, {LS: day(1, hour=14.5)})
    place(world, second, {LS: day(1, hour=15)})  # right after it is fine


def test_the_gates_are_still_asked_first() -> None:
    world = World()
    plan_id = world.services.propose("m1", "r2").plan.id
    with pytest.raises(RuleViolation, match="M1"):
        place(world, plan_id, {LS: day(1)})  # outside r2's hours, but not accepted yet


def test_the_homework_gap_counts_from_when_conversation_two_was_held() -> None:
    world = World()
    plan_id = through_review(world)  # 2 held on Thursday 3 December
    plan = world.store.load_plan(plan_id)
    held = plan.conversation(PN).held_at
    assert held is not None
    check = Check.of(
        manager=world.store.load_person("m1"),
        report=world.store.load_person("r1"),
        rules=SchedulingRules(),
    )
    review = Timed(GR, Interval(*day(3, minutes=45)))
    problem = check.first([Timed(LS, held_at=at(1)), Timed(PN, held_at=held), review])
    assert problem is not None and "working days for the GROW homework" in problem.problem


# --- the plan: order and window through the same check --------------------------------


def test_the_plan_alone_checks_only_what_it_knows() -> None:
    # Sunday 03:00 UTC for all three breaks hours, days and the gap, but not order or window.
    sunday = datetime(2026, 12, 6, 3, tzinfo=UTC)
    slots = {
        kind: (sunday + timedelta(hours=2 * n), sunday + timedelta(hours=2 * n + 1))
        for n, kind in enumerate((LS, PN, GR))
    }
    plan = ready().schedule(slots, at(1))
    assert all(plan.conversation(k).start == slots[k][0] for k in slots)
    timed = [Timed(k, Interval(*v)) for k, v in slots.items()]
    assert Check().first(timed) is None
    berlin = Person("m", "M", "m@example.com", "Europe/Berlin")
    full = Check.of(manager=berlin, report=berlin, rules=SchedulingRules())
    problem = full.first(timed)
    assert problem is not None and "outside the working hours of m" in problem.problem


def test_the_plans_window_keeps_the_last_day_whole() -> None:
    window = plan_window(datetime(2026, 1, 31, 15, tzinfo=UTC))
    assert window.start == datetime(2026, 1, 31, tzinfo=UTC)
    assert window.end == datetime(2026, 3, 1, tzinfo=UTC)  # 28 February (clamped) included
    # From Thursday 3 December: 3 January is the last day, 00:00 on the 4th is past it.
    late = ready().schedule({LS: (at(2), at(2, 1)), GR: (at(33, -9), at(33, -8))}, at(1))
    assert late.conversation(GR).start == datetime(2027, 1, 3, tzinfo=UTC)
    with pytest.raises(RuleViolation, match="spread over more than one month"):
        ready().schedule({LS: (at(2), at(2, 1)), GR: (at(34, -9), at(34, -8))}, at(1))


def test_order_problems_name_both_conversations() -> None:
    problem = Check().first([Timed(LS, Interval(at(2), at(2, 1))), Timed(PN, Interval(at(2, 0.5), at(2, 2)))])
    assert problem is not None
    assert problem.problem.startswith("conversation 2 would start before conversation 1 ends")
    assert "come before the end of the life story" in problem.problem
    assert problem.error().rule == "M4"


# --- the team scheduler: its result passes the general check --------------------------


def test_the_team_check_catches_a_double_booked_manager() -> None:
    berlin = Person("mgr", "M", "mgr@example.com", "Europe/Berlin")
    ann, bo = (Person(x, x, f"{x}@example.com", "Europe/Berlin") for x in ("ann", "bo"))
    placement = schedule_report(berlin, ann, date(2026, 3, 2))
    assert isinstance(placement, Placement)
    intervals = (placement.life_story, placement.pinnacle, placement.grow_review)
    spans = [(scheduling_time.to_minute(i.start), scheduling_time.to_minute(i.end)) for i in intervals]
    placed = [(ann, intervals, spans, []), (bo, intervals, spans, [])]
    found = list(team_problems(berlin, placed, window=placement.window, rules=SchedulingRules(), usage={}))
    assert found and found[0][0] == "bo"
    assert "another report's conversation" in found[0][1].problem


# --- meetings and follow-ups ------------------------------------------------------------


def test_meeting_kinds_are_an_enum_stored_as_before() -> None:
    meeting = Meeting("manager_life_story", at(30), at(30, 1))
    assert meeting.kind is MeetingKind.MANAGER_LIFE_STORY
    text = serialization.dumps(meeting)
    assert '"kind":"manager_life_story"' in text
    assert serialization.loads(text, Meeting) == meeting
    with pytest.raises(
        InvalidInput, match="kind: coffee; expected abbreviated_session or manager_life_story"
    ):
        MeetingKind.of("coffee")


def test_a_one_off_meeting_of_an_unknown_kind_is_refused_before_anything_else() -> None:
    world = World()
    plan_id = through_review(world)
    with pytest.raises(InvalidInput, match="abbreviated_session or manager_life_story"):
        world.services.schedule_meeting(plan_id, "m1", "coffee", datetime(2026, 12, 15, 10, tzinfo=UTC), 30)
    report = world.services.schedule_meeting(
        plan_id, "m1", MeetingKind.ABBREVIATED_SESSION, datetime(2026, 12, 15, 10, tzinfo=UTC), 60
    )
    assert report.plan.meetings[0].kind is MeetingKind.ABBREVIATED_SESSION


def test_follow_ups_placed_by_hand_must_be_inside_working_hours() -> None:
    world = World()
    plan_id = through_review(world)
    night = datetime(2026, 12, 21, 2, tzinfo=UTC)  # a Monday, 03:00 in Berlin
    late = FollowUp(1, CheckInKind.CHECK_IN, night, night + timedelta(minutes=10))
    with pytest.raises(InvalidInput, match=r"follow_ups\[0\].*outside the working hours of m1, r1"):
        world.services.place_follow_ups(plan_id, "m1", [late])
    good = FollowUp(
        1, CheckInKind.CHECK_IN, night + timedelta(hours=8), night + timedelta(hours=8, minutes=10)
    )
    assert world.services.place_follow_ups(plan_id, "m1", [good]).plan.follow_ups == (good,)


# --- one of each twin -----------------------------------------------------------------


def test_the_scheduler_returns_the_plans_own_follow_ups() -> None:
    berlin = Person("mgr", "M", "mgr@example.com", "Europe/Berlin")
    items = follow_ups(berlin, Person("ann", "A", "a@example.com", "Europe/London"), T)
    assert all(type(f) is FollowUp for f in items)
    plan_follow_up = serialization.loads(serialization.dumps(items[0]), FollowUp)
    assert plan_follow_up == items[0]


def test_one_add_months_and_one_source_of_lengths() -> None:
    for module in (grow, cadence, scheduling_time, follow_up_slots, validity):
        assert module.add_months is clock.add_months  # imported, never defined again
    lengths = ConversationLengths(life_story=90)
    chosen = Settings(lengths=lengths, scheduling=SchedulingRules(weekly_cap_minutes=300))
    assert chosen.scheduling.lengths is lengths
    assert chosen.scheduling.weekly_cap_minutes == 300
    assert chosen.scheduling.length(LS) == 90
    assert not hasattr(Settings, "rules")


def test_a_check_built_directly_checks_as_much_as_one_built_with_of() -> None:
    manager = Person("mgr", "M", "mgr@example.com", "Europe/Berlin")
    report = Person("ann", "A", "a@example.com", "Europe/Berlin")
    night = [Timed(LS, Interval(datetime(2026, 12, 2, 2, tzinfo=UTC), datetime(2026, 12, 2, 3, tzinfo=UTC)))]
    direct = Check(manager=manager, report=report, rules=SchedulingRules())
    built = Check.of(manager=manager, report=report, rules=SchedulingRules())
    assert built.first(night) is not None  # 03:00 in Berlin: outside working hours
    assert direct.first(night) is not None and direct.first(night) == built.first(night)
