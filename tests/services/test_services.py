"""Use cases on the in-memory ports: what is committed, queued and delivered."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from attrs import evolve

from careerconv_core.domain.cadence import CheckInKind, DueKind
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.domain.feedback import FeedbackRating
from careerconv_core.domain.handoff import NewManagerPath
from careerconv_core.domain.plan import Consent, PlanStatus
from careerconv_core.domain.roles import Actor
from careerconv_core.errors import AdapterError, InvalidInput, NotFound, RuleViolation
from careerconv_core.outbox import OutboxStatus
from careerconv_core.ports import DeliveryOutcome, OrgSnapshot, OutcomeStatus, PlanChange
from careerconv_core.services import NotAParticipant
from careerconv_core.views import InviteMethod, InviteView, NoticeKind, TicketStatus
from support.flows import started, through_review
from support.world import PEOPLE, World


def test_propose_checks_the_reporting_line_and_queues_a_proposal_notice() -> None:
    world = World()
    with pytest.raises(RuleViolation, match="M1: 'r1' does not report to 'm2'"):
        world.services.propose("m2", "r1")
    report = world.services.propose("m1", "r1")
    assert report.plan.status is PlanStatus.PROPOSED and report.plan.version == 1
    assert [e.key for e in world.store.outbox()] == [f"notifier:{report.plan.id}-proposal-r1"]
    assert world.events[-1].name == "plan.proposed"
    with pytest.raises(RuleViolation, match="already has an open plan"):
        world.services.propose("m1", "r1")


def test_strangers_cannot_act_on_a_plan() -> None:
    world = World()
    plan_id = world.services.propose("m1", "r1").plan.id
    with pytest.raises(NotAParticipant, match="'r2' is neither the report nor the manager"):
        world.services.accept(plan_id, "r2", True)


def test_scheduling_queues_three_invites_and_dispatch_delivers_them() -> None:
    world = World()
    plan_id = started(world)
    report = world.dispatcher().run_once()
    assert len(world.calendar.events) == 3
    assert all(i.method is InviteMethod.REQUEST for i in world.calendar.events.values())
    assert report.adapters["calendar"].delivered == 3
    assert report.adapters["notifier"].delivered == 1
    assert not report.failed and not report.retrying
    assert world.dispatcher().run_once().claimed == 0  # nothing left
    plan = world.store.load_plan(plan_id)
    assert plan.version == 4


def test_moving_one_conversation_updates_one_invite_with_a_higher_sequence() -> None:
    world = World()
    plan_id = started(world)
    world.dispatcher().run_once()
    now = world.clock()
    world.services.place_conversations(
        plan_id,
        "m1",
        {
            ConversationKind.PINNACLE: (now + timedelta(days=2, hours=2), now + timedelta(days=2, hours=3)),
        },
    )
    writes = world.calendar.writes
    world.dispatcher().run_once()
    assert world.calendar.writes == writes + 1
    moved = world.calendar.events[f"{plan_id}-pinnacle@careerconv"]
    assert moved.sequence == 1 and moved.start == now + timedelta(days=2, hours=2)


def test_decline_cancels_every_invite() -> None:
    world = World()
    plan_id = started(world)
    world.dispatcher().run_once()
    world.services.decline(plan_id, "r1")
    world.dispatcher().run_once()
    assert {i.method for i in world.calendar.events.values()} == {InviteMethod.CANCEL}


def test_a_refused_step_leaves_the_store_exactly_as_it_was() -> None:
    world = World()
    plan_id = started(world)
    before = (dict(world.store.plans), dict(world.store.entries))
    with pytest.raises(RuleViolation):
        world.services.choose_focus(plan_id, "m1", ["strategy"])
    with pytest.raises(RuleViolation):
        world.services.record_grow_review(plan_id, "r1")
    assert (world.store.plans, world.store.entries) == before


def test_a_failed_commit_loses_the_plan_change_and_its_effects_together() -> None:
    world = World()
    plan_id = started(world)
    before = (dict(world.store.plans), dict(world.store.entries))
    world.store.fail_next_commit = OSError("disk full")
    with pytest.raises(OSError, match="disk full"):
        world.services.pause(plan_id, "r1")
    assert (world.store.plans, world.store.entries) == before


def test_homework_notice_tickets_and_feedback_requests_follow_the_conversations() -> None:
    world = World()
    plan_id = through_review(world)
    world.dispatcher().run_once()
    kinds = [n.kind for n in world.notifier.sent]
    assert NoticeKind.HOMEWORK in kinds and kinds.count(NoticeKind.FEEDBACK_REQUEST) == 2
    ticket = world.tracker.tickets[f"cc-{plan_id}-a-a1"]
    assert ticket.goal is None and ticket.owner.person_id == "r1"
    assert not world.hris.records  # no summary without the report's consent


def test_consent_lets_the_goal_and_the_summary_out() -> None:
    world = World()
    plan_id = through_review(world)
    world.services.set_consent(plan_id, "r1", Consent(share_goal_on_tickets=True, summary_to_hris=True))
    world.dispatcher().run_once()
    assert world.tracker.tickets[f"cc-{plan_id}-a-a1"].goal == "become a chief product officer"
    record = world.hris.records[f"careerconv-plan-{plan_id}"]
    assert record.goal is None  # the goal in the HR record needs its own yes
    assert record.focus_competencies == ("Product strategy",)
    with pytest.raises(RuleViolation, match="only the report decides"):
        world.services.set_consent(plan_id, "m1", Consent())


def test_ticket_done_in_the_tracker_closes_the_action_and_deleted_is_reported() -> None:
    world = World()
    plan_id = through_review(world)
    key = f"cc-{plan_id}-a-a1"
    deleted = world.services.pull_ticket_statuses(
        {key: TicketStatus.DONE, "cc-x-a-gone": TicketStatus.DELETED}
    )
    assert deleted == ["cc-x-a-gone"]
    plan = world.store.load_plan(plan_id)
    assert plan.grow is not None and plan.grow.action("a1").status.value == "done"
    versions = plan.version
    world.services.pull_ticket_statuses({key: TicketStatus.DONE})
    assert world.store.load_plan(plan_id).version == versions  # nothing changed, nothing written


def test_check_in_decline_suggests_others_once() -> None:
    world = World()
    plan_id = through_review(world)
    world.clock.advance(days=30)
    world.services.check_in(plan_id, "m1", CheckInKind.CHECK_IN, declines_more_conversation=True)
    world.services.check_in(plan_id, "m1", CheckInKind.CHECK_IN, declines_more_conversation=True)
    suggestions = [e for e in world.store.outbox() if "suggest_others" in e.key]
    assert len(suggestions) == 1


def test_due_and_nudges_are_idempotent_per_day() -> None:
    world = World()
    through_review(world)
    day = world.clock().date() + timedelta(days=200)
    kinds = {i.kind for i in world.services.due(day)}
    assert {DueKind.CHECK_IN, DueKind.EXTENDED_REVIEW, DueKind.PROBE, DueKind.PLAN_UPDATE} <= kinds
    first = world.services.send_nudges(day)
    second = world.services.send_nudges(day)
    rhythm = [k for k in first if "action_overdue" not in k]
    assert first == second and len(rhythm) == 4 and len(first) > 4  # overdue GROW actions too
    world.dispatcher().run_once()
    nudges = [n for n in world.notifier.sent if n.kind in (NoticeKind.CHECK_IN_DUE, NoticeKind.PROBE)]
    assert len(nudges) == 2 and all(n.recipient.person_id == "m1" for n in nudges)


def test_manager_change_asks_consent_first_then_shares_and_meets() -> None:
    world = World()
    plan_id = through_review(world)
    moved = [
        p if p.id != "r1" else type(p)(p.id, p.name, p.email, p.time_zone, p.working_hours, "m2")
        for p in PEOPLE
    ]
    sync = world.services.sync_org(OrgSnapshot(tuple(moved), cursor="c1"), complete=True)
    assert sync.handoffs == (plan_id,) and sync.updated == ("r1",)
    assert world.store.cursor("org") == "c1"
    plan = world.store.load_plan(plan_id)
    assert plan.manager_id == "m1" and not plan.can_view("m2", world.clock())
    world.dispatcher().run_once()
    consent = [n for n in world.notifier.sent if n.kind is NoticeKind.CONSENT_REQUEST]
    assert [n.recipient.person_id for n in consent] == ["r1"]
    assert not [n for n in world.notifier.sent if n.recipient.person_id == "m2"]
    with pytest.raises(RuleViolation, match="M12: only the report can consent"):
        world.services.answer_handoff(plan_id, "m1", True)
    world.services.answer_handoff(plan_id, "r1", True)
    plan = world.store.load_plan(plan_id)
    assert plan.manager_id == "m2"
    world.services.schedule_handoff_meeting(plan_id, "m2", datetime(2026, 12, 15, 14, 30, tzinfo=UTC))
    world.dispatcher().run_once()
    meeting = world.calendar.events[f"{plan_id}-handoff-{plan.current_handoff.id}@careerconv"]  # type: ignore[union-attr]
    assert {a.person_id for a in meeting.attendees} == {"r1", "m1", "m2"}
    world.services.choose_path(plan_id, "m2", NewManagerPath.CONTINUE_PLAN)


def test_refused_or_unanswered_handoff_shares_nothing() -> None:
    world = World()
    plan_id = through_review(world)
    world.services.manager_changed("r1", "m2")
    world.clock.advance(days=15)
    ended = world.services.expire_handoffs()
    assert [r.plan.id for r in ended] == [plan_id]
    plan = world.store.load_plan(plan_id)
    assert plan.status is PlanStatus.ENDED and not plan.can_view("m1", world.clock())
    assert not plan.can_view("m2", world.clock())
    world.dispatcher().run_once()
    assert not [n for n in world.notifier.sent if n.recipient.person_id == "m2"]


def test_report_leaving_ends_plans_and_removes_the_person() -> None:
    world = World()
    plan_id = started(world)
    sync = world.services.sync_org(OrgSnapshot(PEOPLE, removed=("r1",)), complete=False)
    assert sync.ended == (plan_id,)
    assert world.store.load_plan(plan_id).status is PlanStatus.ENDED
    with pytest.raises(NotFound):
        world.store.load_person("r1")


class FlakyCalendar:
    """Answers 429-like retries, then a hard failure for one uid, then success."""

    def __init__(self) -> None:
        self.calls = 0

    def deliver_invites(self, invites: Sequence[InviteView]) -> Sequence[DeliveryOutcome]:
        self.calls += 1
        if self.calls == 1:
            raise AdapterError("flaky", "rate limited", retryable=True, retry_after=120)
        return [DeliveryOutcome(i.uid, OutcomeStatus.DELIVERED) for i in invites]

    def busy(self, *_args: object) -> None:
        return None


def test_retry_honours_retry_after_and_then_delivers() -> None:
    world = World()
    started(world)
    flaky = FlakyCalendar()
    first = world.dispatcher(calendar=flaky).run_once()
    assert len(first.retrying) == 3
    pending = [e for e in world.store.outbox(["pending"]) if e.channel.value == "calendar"]
    assert all(e.next_attempt_at >= world.clock() + timedelta(seconds=120) for e in pending)
    assert world.dispatcher(calendar=flaky).run_once().claimed == 0  # not due yet
    world.clock.advance(hours=1)
    second = world.dispatcher(calendar=flaky).run_once()
    assert len(second.delivered) == 3


class BrokenCalendar:
    def deliver_invites(self, invites: Sequence[InviteView]) -> Sequence[DeliveryOutcome]:
        raise RuntimeError("bug")

    def busy(self, *_args: object) -> None:
        return None


def test_a_broken_adapter_ends_in_dead_letter_without_stopping_others() -> None:
    world = World()
    started(world)
    for _ in range(3):
        report = world.dispatcher(calendar=BrokenCalendar()).run_once()
        world.clock.advance(hours=2)
    failed = world.store.outbox(["failed"])
    assert len(failed) == 3
    assert all("gave up after 3 attempts: adapter raised RuntimeError" in e.last_error for e in failed)
    assert report.adapters["calendar"].retried == 3
    assert len(world.notifier.sent) == 1  # the notifier still delivered
    assert world.store.requeue(None, now=world.clock()) == 3
    assert len(world.dispatcher().run_once().delivered) == 3


def test_superseded_entries_are_not_delivered_twice() -> None:
    world = World()
    plan_id = started(world)
    now = world.clock()
    world.services.place_conversations(
        plan_id,
        "m1",
        {
            ConversationKind.PINNACLE: (now + timedelta(days=2, hours=2), now + timedelta(days=2, hours=3)),
        },
    )
    world.dispatcher().run_once()
    assert world.calendar.writes == 3
    assert len(world.store.outbox(["superseded"])) == 1
    assert world.calendar.events[f"{plan_id}-pinnacle@careerconv"].sequence == 1


def test_a_failing_adapter_for_one_key_is_dead_lettered_with_its_reason() -> None:
    class Refusing:
        def deliver_invites(self, invites: Sequence[InviteView]) -> Sequence[DeliveryOutcome]:
            return [DeliveryOutcome(i.uid, OutcomeStatus.CONFLICT, "changed on the server") for i in invites]

        def busy(self, *_args: object) -> None:
            return None

    world = World()
    started(world)
    report = world.dispatcher(calendar=Refusing()).run_once()
    assert len(report.failed) == 3
    assert all(
        "calendar: conflict: changed on the server" in e.last_error for e in world.store.outbox(["failed"])
    )
    assert OutboxStatus.FAILED.value == "failed"


def ready_plan(world: World, report: str, opt_in: bool = True) -> str:
    svc = world.services
    plan_id = svc.propose("m1", report).plan.id
    svc.accept(plan_id, report, life_story_opt_in=opt_in)
    if opt_in:
        svc.confirm_readiness(plan_id, "m1", True, True)
    return plan_id


def test_schedule_team_places_ready_reports_and_names_the_rest() -> None:
    from datetime import date

    world = World()
    ready_plan(world, "r1")
    ready_plan(world, "r2", opt_in=False)
    result = world.services.schedule_team("m1", date(2026, 12, 7))
    assert set(result.placed) == {"r1"}
    assert "M1: the report has not opted in to conversation 1" in result.not_ready["r2"]
    assert "working hours alone" in result.note
    world.dispatcher().run_once()
    invites = sorted(world.calendar.events.values(), key=lambda i: i.start)
    assert [i.kind.value for i in invites] == ["life_story", "pinnacle", "grow_review"]
    assert invites[0].start.date() >= date(2026, 12, 7)
    again = world.services.schedule_team("m1", date(2026, 12, 7))
    assert again.placed == {} and "already scheduled" in again.not_ready["r1"]


def test_reschedule_keeps_the_sequence_valid_or_says_why() -> None:
    from datetime import date

    world = World()
    plan_id = ready_plan(world, "r1")
    placement = world.services.schedule_team("m1", date(2026, 12, 7)).placements["r1"]
    grow_start = placement.grow_review.start
    with pytest.raises(RuleViolation, match="M4"):
        world.services.reschedule(plan_id, "m1", ConversationKind.PINNACLE, grow_start)
    moved = world.services.reschedule(plan_id, "m1", ConversationKind.PINNACLE, grow_start, shift_later=True)
    plan = moved.plan
    assert plan.conversation(ConversationKind.PINNACLE).start == grow_start
    assert plan.conversation(ConversationKind.GROW_REVIEW).start > grow_start  # type: ignore[operator]


def test_follow_ups_are_placed_after_conversation_three() -> None:
    world = World()
    plan_id = through_review(world)
    report = world.services.schedule_follow_ups(plan_id, "m1")
    kinds = [f.kind.value for f in report.plan.follow_ups]
    assert len(kinds) == 12 and kinds.count("extended_review") == 4
    world.dispatcher().run_once()
    assert sum(1 for uid in world.calendar.events if "followup" in uid) == 12


def test_full_org_read_finds_who_left_and_a_bad_read_changes_nothing() -> None:
    world = World()
    plan_id = started(world)
    without_r1 = tuple(p for p in PEOPLE if p.id != "r1")
    cycle = tuple(
        type(p)(p.id, p.name, p.email, p.time_zone, p.working_hours, "r2") if p.id == "m1" else p
        for p in PEOPLE
    )
    before = dict(world.store.people)
    with pytest.raises(InvalidInput, match="cycle"):
        world.services.sync_org(OrgSnapshot(cycle), complete=True)
    assert world.store.people == before
    report = world.services.sync_org(OrgSnapshot(without_r1), complete=True, remove_missing=True)
    assert report.removed == ("r1",) and report.ended == (plan_id,)


def test_a_poll_only_changes_the_people_it_names() -> None:
    world = World()
    moved = type(PEOPLE[3])(
        *[getattr(PEOPLE[3], f) for f in ("id", "name", "email", "time_zone", "working_hours")],
        manager_id="m2",
    )
    report = world.services.sync_org(OrgSnapshot((moved,), cursor="t1"), complete=False)
    assert report.updated == ("r2",) and report.removed == ()
    assert {p.id for p in world.store.list_people()} == {p.id for p in PEOPLE}


def test_feedback_report_shows_medians_for_five_or_more_only() -> None:
    world = World()
    through_review(world)
    world.services.give_feedback("e1", "r1", 8)
    with pytest.raises(RuleViolation, match="M16: group 'm1' has feedback from 1 people"):
        world.services.feedback_report("m1")
    with pytest.raises(NotFound):
        world.services.feedback_report("nobody")
    # Five people's ratings in the whole org: medians, and no single score anywhere.
    plan = world.store.load_plan("e1")
    extra = tuple(FeedbackRating(Actor.REPORT, f"x{n}", 6 + n) for n in range(4))
    bumped = evolve(plan, feedback=plan.feedback + extra, version=plan.version + 1)
    world.store.commit(PlanChange(plans=(bumped,)))
    report = world.services.feedback_report()
    assert (report.people, report.report_median) == (5, 8)


def test_a_handoff_meeting_outside_someones_working_hours_is_refused() -> None:
    world = World()
    plan_id = through_review(world)
    world.services.manager_changed("r1", "m2")
    world.services.answer_handoff(plan_id, "r1", True)
    # 09:00 UTC is 04:00 in New York, where the new manager works.
    with pytest.raises(InvalidInput, match="outside the working hours of m2"):
        world.services.schedule_handoff_meeting(plan_id, "m2", datetime(2026, 12, 15, 9, 0, tzinfo=UTC))
