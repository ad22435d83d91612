"""Every domain event name is emitted by a real step, and each step emits exactly one.

The method is walked end to end on the in-memory ports: two plans through
every step, three manager changes (yes, no, no answer) and the three paths
a new manager may take. The names observers saw must be exactly the
``EventName`` enum: a name no step emits, or a step that emits a name the
enum does not list, fails here. ``test_docs`` checks each name is documented.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from careerconv_core.domain.cadence import CheckInKind
from careerconv_core.domain.events import EventName
from careerconv_core.domain.handoff import NewManagerPath
from careerconv_core.domain.plan import Consent
from careerconv_core.hookspecs import DomainEvent
from careerconv_core.ports import AnswersReport, AttendeeAnswer, OrgSnapshot
from careerconv_core.services import StepReport
from careerconv_core.views import TicketStatus
from support.flows import through_review
from support.plans import grow_plan
from support.world import World


class _Declined:
    """A calendar whose report declined one meeting."""

    def __init__(self, uid: str) -> None:
        self.uid = uid

    def answers(self, uids: Sequence[str]) -> AnswersReport:
        return AnswersReport({self.uid: {"rae@example.com": AttendeeAnswer.DECLINED}})


def _ready(world: World, report: str) -> str:
    svc = world.services
    plan_id = svc.propose("m1", report).plan.id
    svc.accept(plan_id, report, life_story_opt_in=True)
    return plan_id


def _weekday_at(world: World, days: int, hour_utc: int) -> datetime:
    day = (world.clock() + timedelta(days=days)).date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour_utc, tzinfo=UTC)


def walk_the_method(world: World) -> list[StepReport]:
    """Every use case that commits a step, at least once."""
    svc = world.services
    steps: list[StepReport] = []
    plan_id = through_review(world)  # proposed .. conversation 3 held
    steps.append(svc.request_manager_life_story(plan_id, "r1"))
    steps.append(svc.schedule_meeting(plan_id, "m1", "manager_life_story", _weekday_at(world, 1, 10), 60))
    steps.append(svc.observe_competency(plan_id, "m1", "strategy", "clear roadmaps", 3))
    steps.append(svc.write_grow(plan_id, "r1", grow_plan(starts=world.clock().date())))
    steps.append(svc.set_consent(plan_id, "r1", Consent(share_goal_on_tickets=True)))
    steps.append(svc.schedule_follow_ups(plan_id, "m1"))
    steps.append(svc.check_in(plan_id, "m1", CheckInKind.CHECK_IN, on_track=True))
    steps.append(svc.check_in(plan_id, "m1", CheckInKind.EXTENDED_REVIEW))
    steps.append(svc.set_action_status(plan_id, "r1", "a1", done=True))
    steps.append(svc.set_action_status(plan_id, "r1", "a1", done=False))
    key = svc.ticket_keys()[0]
    svc.pull_ticket_statuses({key: TicketStatus.DONE})  # actions.synced
    svc.pull_ticket_statuses({key: TicketStatus.DELETED})
    steps.append(svc.resync_action(plan_id, "r1", "a1"))
    world.dispatcher().run_once()  # the follow-ups' invites go out through "calendar"
    upcoming = next(uid for uid in svc.upcoming_invites() if uid.startswith(plan_id))
    svc.read_answers([("calendar", _Declined(upcoming))])  # answers.read
    steps.append(svc.give_feedback(plan_id, "r1", 8))
    steps.append(svc.pause(plan_id, "r1"))
    steps.append(svc.resume(plan_id, "m1"))
    # A manager change the report agrees to: shared, a three-way meeting, a path.
    steps += svc.manager_changed("r1", "m2")
    steps.append(svc.answer_handoff(plan_id, "r1", granted=True))
    steps.append(svc.schedule_handoff_meeting(plan_id, "m2", _weekday_at(world, 2, 14)))
    steps.append(svc.choose_path(plan_id, "m2", NewManagerPath.CONTINUE_PLAN))

    # r2: a proposal lapses on a manager change; then no, then no answer, then the
    # two other paths, a decline and leaving.
    lapsing = world.services.propose("m1", "r2").plan.id
    steps += svc.manager_changed("r2", "m2")
    assert world.store.load_plan(lapsing).status.value == "declined"
    refused = _ready(world, "r2")
    steps += svc.manager_changed("r2", "m2")
    steps.append(svc.answer_handoff(refused, "r2", granted=False))
    unanswered = _ready(world, "r2")
    steps.append(svc.opt_in_life_story(unanswered, "r2", yes=False))
    steps += svc.manager_changed("r2", "m2")
    world.clock.advance(days=20)
    steps += svc.expire_handoffs()
    for path in (NewManagerPath.FULL_CONVERSATIONS, NewManagerPath.ABBREVIATED_SESSION):
        moved = _ready(world, "r2")
        steps += svc.manager_changed("r2", "m2")
        steps.append(svc.answer_handoff(moved, "r2", granted=True))
        steps.append(svc.choose_path(moved, "m2", path))
        if path is NewManagerPath.ABBREVIATED_SESSION:
            steps.append(
                svc.schedule_meeting(moved, "m2", "abbreviated_session", _weekday_at(world, 1, 15), 60)
            )
        steps.append(svc.decline(moved, "r2"))
    assert unanswered != refused
    left = _ready(world, "r2")
    steps += svc.report_left("r2")
    assert world.store.load_plan(left).status.value == "ended"
    everyone = world.store.list_people()
    svc.sync_org(OrgSnapshot(tuple(p for p in everyone if p.id != "r2")), complete=True, remove_missing=True)
    svc.sync_org(OrgSnapshot(tuple(everyone)), complete=True)  # back within the grace period
    assert world.store.load_plan(left).status.value == "active"
    return steps


def test_every_event_name_is_emitted_by_a_step() -> None:
    world = World()
    walk_the_method(world)
    seen = {event.name for event in world.events}
    assert seen == set(EventName)


def test_each_step_emits_exactly_one_event_an_observer_hears() -> None:
    world = World()
    steps = walk_the_method(world)
    heard = [(e.name, e.plan_id) for e in world.events]
    for step in steps:
        assert len(step.events) == 1
        assert (step.events[0], step.plan.id) in heard


def test_an_event_name_compares_equal_to_its_string() -> None:
    event = DomainEvent("plan.accepted", "p1", datetime(2026, 12, 1, tzinfo=UTC))
    assert event.name is EventName.PLAN_ACCEPTED and event.name == "plan.accepted"
