"""Every rule of the method (M1-M16) and every refusal, on the pure domain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from attrs import evolve

from careerconv_core.domain.budget import budget
from careerconv_core.domain.cadence import CadenceRules, CheckInKind, DueKind
from careerconv_core.domain.conversations import (
    ConversationKind,
    ConversationLengths,
    ConversationStatus,
)
from careerconv_core.domain.feedback import FeedbackRating, aggregate
from careerconv_core.domain.grow import ActionStatus, FindingKind, GrowRules, stress_test
from careerconv_core.domain.handoff import WALK_THROUGH_DAYS, HandoffState, NewManagerPath
from careerconv_core.domain.pinnacle import CompetencyRating, Pinnacle, PinnacleRole
from careerconv_core.domain.plan import CareerPlan, EndReason, PlanStatus
from careerconv_core.domain.roles import Actor
from careerconv_core.errors import InvalidInput, RuleViolation
from support.plans import (
    MANAGER,
    REPORT,
    active,
    after_pinnacle,
    at,
    grow_plan,
    pinnacle_for_manager,
    proposed,
    ready,
    reviewed,
    scheduled,
)


def rule(exc: pytest.ExceptionInfo[RuleViolation]) -> str:
    return exc.value.rule


# ---------------------------------------------------------------- M1
def test_m1_manager_proposes_and_only_report_accepts() -> None:
    plan = proposed()
    assert plan.status is PlanStatus.PROPOSED
    with pytest.raises(RuleViolation, match="M1: only the report can accept") as exc:
        plan.accept(Actor.MANAGER, at(1), True)
    assert "Fix:" in str(exc.value)
    assert plan.accept(Actor.REPORT, at(1), True).status is PlanStatus.ACTIVE


def test_m1_conversation_one_needs_its_own_opt_in() -> None:
    plan = active(life_story_opt_in=False).confirm_readiness(Actor.MANAGER, True, True, at(1))
    with pytest.raises(RuleViolation, match="M1: the report has not opted in to conversation 1"):
        plan.schedule({ConversationKind.LIFE_STORY: (at(2), at(2, 1))}, at(1))
    with pytest.raises(RuleViolation, match="M1"):
        plan.opt_in_life_story(Actor.MANAGER, at(1))
    yes = plan.opt_in_life_story(Actor.REPORT, at(1))
    assert (
        yes.schedule({ConversationKind.LIFE_STORY: (at(2), at(2, 1))}, at(1))
        .conversation(ConversationKind.LIFE_STORY)
        .status
        is ConversationStatus.SCHEDULED
    )


@pytest.mark.parametrize("by", [Actor.REPORT, Actor.MANAGER])
def test_m1_either_side_declines_and_invites_are_cancelled(by: Actor) -> None:
    plan = scheduled().decline(by, at(1.5))
    assert plan.status is PlanStatus.DECLINED
    assert plan.declined_by is by
    assert all(c.status is ConversationStatus.CANCELLED for c in plan.conversations)
    assert all(c.sequence == 1 for c in plan.conversations)  # a CANCEL is a new revision
    with pytest.raises(RuleViolation, match="M1: the plan is already declined"):
        plan.decline(by, at(2))


def test_m1_pause_cancels_and_resume_requires_rescheduling() -> None:
    paused = scheduled().pause(Actor.REPORT, at(1.5))
    assert paused.status is PlanStatus.PAUSED
    with pytest.raises(RuleViolation, match="cannot schedule conversations: the plan is paused"):
        paused.schedule({ConversationKind.LIFE_STORY: (at(3), at(3, 1))}, at(2))
    resumed = paused.resume(Actor.MANAGER, at(2))
    again = resumed.schedule({ConversationKind.LIFE_STORY: (at(3), at(3, 1))}, at(2))
    assert again.conversation(ConversationKind.LIFE_STORY).status is ConversationStatus.SCHEDULED


def test_m1_steps_on_a_proposed_plan_are_refused_with_the_fix() -> None:
    with pytest.raises(RuleViolation, match="the report accepts first"):
        proposed().confirm_readiness(Actor.MANAGER, True, True, at(1))


# ---------------------------------------------------------------- M2
@pytest.mark.parametrize(("equipped", "trust"), [(False, True), (True, False), (False, False)])
def test_m2_trust_gate_says_repair_trust_first(equipped: bool, trust: bool) -> None:
    with pytest.raises(RuleViolation, match=r"M2: .*repair trust first"):
        active().confirm_readiness(Actor.MANAGER, equipped, trust, at(1))


def test_m2_nothing_is_scheduled_without_the_gate() -> None:
    with pytest.raises(RuleViolation, match="M2: the manager has not confirmed"):
        active().schedule({ConversationKind.LIFE_STORY: (at(2), at(2, 1))}, at(1))


def test_m2_only_the_manager_answers_the_gate() -> None:
    with pytest.raises(RuleViolation, match="M2"):
        active().confirm_readiness(Actor.REPORT, True, True, at(1))


# ---------------------------------------------------------------- M3
def test_m3_each_conversation_needs_the_previous_one_held() -> None:
    plan = scheduled()
    with pytest.raises(
        RuleViolation, match=r"M3: conversation 3 \(grow_review\) cannot come before conversation 2"
    ):
        plan.record_held(ConversationKind.GROW_REVIEW, at(3))
    with pytest.raises(RuleViolation, match="M3: conversation 2"):
        plan.record_held(ConversationKind.PINNACLE, at(3))


def test_m3_lengths_default_and_configurable() -> None:
    lengths = ConversationLengths()
    assert (lengths.life_story, lengths.pinnacle, lengths.grow_review) == (60, 60, 45)
    assert 135 <= lengths.total <= 180  # 2.25 to 3 hours
    assert ConversationLengths(life_story=90).total == 195
    with pytest.raises(InvalidInput, match=r"lengths\.pinnacle"):
        ConversationLengths(pinnacle=5)


# ---------------------------------------------------------------- M4
def test_m4_order_is_kept_when_moving() -> None:
    plan = scheduled()
    with pytest.raises(RuleViolation, match="M4: conversation 2 would start before conversation 1 ends"):
        plan.schedule({ConversationKind.PINNACLE: (at(2, 0.5), at(2, 1.5))}, at(1))


def test_m4_one_month_window() -> None:
    with pytest.raises(
        RuleViolation, match="M4: the three conversations would spread over more than one month"
    ):
        scheduled().schedule({ConversationKind.GROW_REVIEW: (at(40), at(40, 1))}, at(1))


def test_m4_a_move_increments_the_invite_sequence_once() -> None:
    moved = scheduled().schedule({ConversationKind.PINNACLE: (at(4), at(4, 1))}, at(1))
    assert moved.conversation(ConversationKind.PINNACLE).sequence == 1
    same = moved.schedule({ConversationKind.PINNACLE: (at(4), at(4, 1))}, at(1))
    assert same.conversation(ConversationKind.PINNACLE).sequence == 1


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(InvalidInput, match="naive datetime"):
        ready().schedule(
            {ConversationKind.LIFE_STORY: (datetime(2026, 12, 3, 9), datetime(2026, 12, 3, 10))},
            at(1),
        )
    with pytest.raises(InvalidInput, match="naive datetime"):
        CareerPlan.propose("p", "r", "m", datetime(2026, 12, 1))


# ---------------------------------------------------------------- M5
def test_m5_at_most_three_roles_and_crossed_out_kept() -> None:
    roles = tuple(PinnacleRole(f"r{n}", f"Role {n}") for n in range(4))
    with pytest.raises(RuleViolation, match="M5: 4 pinnacle roles given, at most 3"):
        Pinnacle(roles=roles)
    plan = after_pinnacle()
    assert plan.pinnacle.crossed_out == ("finance", "medicine")
    assert len(plan.pinnacle.roles) == 2


# ---------------------------------------------------------------- M6
def test_m6_at_most_ten_competencies() -> None:
    comps = tuple(CompetencyRating(f"c{n}", f"C{n}") for n in range(11))
    with pytest.raises(RuleViolation, match="M6: 11 competencies listed, at most 10"):
        Pinnacle(competencies=comps)


@pytest.mark.parametrize("bad", [0, 6, -1, True, 2.5])
def test_m6_ratings_off_the_scale_are_refused(bad: object) -> None:
    with pytest.raises(InvalidInput, match=r"competencies\[strategy\].self_rating"):
        after_pinnacle().rate("strategy", bad, Actor.REPORT, at(4))  # type: ignore[arg-type]


def test_m6_manager_observes_but_never_overwrites_the_self_rating() -> None:
    plan = after_pinnacle()
    with pytest.raises(RuleViolation, match="M6: the manager may not set or overwrite"):
        plan.rate("strategy", 4, Actor.MANAGER, at(4))
    observed = plan.observe("strategy", "leads planning well", 4, Actor.MANAGER, at(4))
    comp = observed.pinnacle.competency("strategy")
    assert (comp.self_rating, comp.manager_rating) == (2, 4)
    # Re-recording the pinnacle as the manager keeps the report's ratings and focus.
    again = observed.record_pinnacle(pinnacle_for_manager(), Actor.MANAGER, at(4))
    assert again.pinnacle.competency("strategy").self_rating == 2
    assert again.pinnacle.focus == ("strategy", "people")
    with pytest.raises(RuleViolation, match="M6"):
        observed.record_pinnacle(
            evolve(
                pinnacle_for_manager(),
                competencies=(CompetencyRating("strategy", "S", self_rating=5),),
            ),
            Actor.MANAGER,
            at(4),
        )


def test_m6_report_rerecording_keeps_manager_observations() -> None:
    plan = after_pinnacle().observe("people", "mentors new hires", None, Actor.MANAGER, at(4))
    mine = evolve(pinnacle_for_manager(), competencies=(CompetencyRating("people", "Leading people", 4),))
    after = plan.record_pinnacle(mine, Actor.REPORT, at(5))
    comp = after.pinnacle.competency("people")
    assert (comp.self_rating, comp.manager_observation) == (4, "mentors new hires")


def test_m6_m7_a_manager_record_without_some_competencies_keeps_the_reports_work() -> None:
    plan = after_pinnacle().write_grow(grow_plan(), Actor.REPORT, at(5))
    fewer = evolve(pinnacle_for_manager(), competencies=(CompetencyRating("story", "Storytelling"),))
    again = plan.record_pinnacle(fewer, Actor.MANAGER, at(6))
    kept = {c.competency_id: c.self_rating for c in again.pinnacle.competencies}
    assert kept == {"story": None, "strategy": 2, "people": 3}, "only the report removes their ratings"
    assert again.pinnacle.focus == ("strategy", "people")
    unrated = after_pinnacle().record_pinnacle(fewer, Actor.MANAGER, at(6))
    assert unrated.pinnacle.competency("strategy").self_rating == 2


def test_m8_the_report_cannot_drop_a_focus_the_grow_plan_still_develops() -> None:
    plan = after_pinnacle().write_grow(grow_plan(), Actor.REPORT, at(5))
    with pytest.raises(RuleViolation, match="M8: the GROW plan still has an option for 'strategy'"):
        plan.choose_focus(("people",), Actor.REPORT, at(6))
    with pytest.raises(RuleViolation, match="M8: the GROW plan still has an option"):
        plan.record_pinnacle(evolve(plan.pinnacle, focus=("people",)), Actor.REPORT, at(6))
    assert plan.choose_focus(("strategy",), Actor.REPORT, at(6)).pinnacle.focus == ("strategy",)


# ---------------------------------------------------------------- M7
def test_m7_only_the_report_chooses_focus() -> None:
    plan = after_pinnacle()
    with pytest.raises(RuleViolation, match="M7: only the report chooses focus competencies"):
        plan.choose_focus(("story",), Actor.MANAGER, at(4))
    assert plan.choose_focus(("story",), Actor.REPORT, at(4)).pinnacle.focus == ("story",)
    with pytest.raises(RuleViolation, match="M7"):
        plan.record_pinnacle(evolve(plan.pinnacle, focus=("story",)), Actor.MANAGER, at(4))


def test_m7_focus_may_be_high_or_low_rated_but_must_be_listed() -> None:
    with pytest.raises(InvalidInput, match="unknown competency"):
        after_pinnacle().choose_focus(("nope",), Actor.REPORT, at(4))


# ---------------------------------------------------------------- M8
def test_m8_valid_plan_is_accepted_and_revised() -> None:
    plan = after_pinnacle().write_grow(grow_plan(), Actor.REPORT, at(5))
    assert plan.grow is not None and plan.grow.revision == 1
    again = plan.write_grow(grow_plan(), Actor.REPORT, at(6))
    assert again.grow is not None and again.grow.revision == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"owner_id": ""}, r"M8: grow.actions\[0\] \(id=a1\) has no owner"),
        ({"due": None}, "M8: .* has no due date"),
        ({"done_when": " "}, "M8: .* has no 'done when'"),
        ({"due": at(4).date() + timedelta(days=400)}, "M8: .* outside the horizon"),
        ({"owner_id": "stranger"}, r"owner_id: unknown 'stranger'"),
    ],
)
def test_m8_bad_actions_are_refused(overrides: dict[str, object], message: str) -> None:
    with pytest.raises((RuleViolation, InvalidInput), match=message):
        after_pinnacle().write_grow(grow_plan(**overrides), Actor.REPORT, at(5))


def test_m8_goal_comes_from_the_pinnacle_roles() -> None:
    bad = evolve(grow_plan(), goal=evolve(grow_plan().goal, role_id="astronaut"))
    with pytest.raises(
        RuleViolation, match="M8: the goal's role 'astronaut' is not one of the pinnacle roles"
    ):
        after_pinnacle().write_grow(bad, Actor.REPORT, at(5))


def test_m8_stress_test_flags_overload_and_steps_outside_the_job() -> None:
    base = grow_plan()
    actions = tuple(
        evolve(base.actions[0], id=f"a{n}", opportunity=None if n == 0 else base.actions[0].opportunity)
        for n in range(8)
    )
    findings = stress_test(evolve(base, actions=actions), GrowRules(horizon_months=6, actions_per_month=1))
    kinds = {f.kind for f in findings}
    assert FindingKind.TOO_MANY_ACTIONS in kinds
    assert FindingKind.NOT_EMBEDDED in kinds
    assert [f.action_id for f in findings if f.kind is FindingKind.NOT_EMBEDDED] == ["a0"]
    assert stress_test(base) == ()


# ---------------------------------------------------------------- M9
def test_m9_grow_is_the_reports_homework_after_conversation_two() -> None:
    with pytest.raises(RuleViolation, match="M9: the GROW plan is the report's homework"):
        after_pinnacle().write_grow(grow_plan(), Actor.MANAGER, at(5))
    early = scheduled().record_held(ConversationKind.LIFE_STORY, at(2, 1))
    with pytest.raises(RuleViolation, match="M9: the GROW plan comes after conversation 2"):
        early.write_grow(grow_plan(), Actor.REPORT, at(3))


# ---------------------------------------------------------------- M10
def test_m10_cadence_after_the_three_conversations() -> None:
    plan = reviewed()
    due = {i.kind: i.due for i in plan.due_items()}
    held = at(8, 1).date()
    assert due[DueKind.CHECK_IN] == held.replace(month=1, year=2027)
    assert due[DueKind.EXTENDED_REVIEW].month == 3
    assert due[DueKind.PROBE].month == 3
    # A monthly check-in moves the next one on; the probe follows the last touch.
    checked = plan.check_in(CheckInKind.CHECK_IN, at(38), on_track=True)
    due2 = {i.kind: i.due for i in checked.due_items()}
    assert due2[DueKind.CHECK_IN] > due[DueKind.CHECK_IN]
    assert due2[DueKind.PROBE] > due[DueKind.PROBE]


def test_m10_no_check_in_before_conversation_three() -> None:
    with pytest.raises(RuleViolation, match="M3: cannot check in on the plan before conversation 3"):
        after_pinnacle().check_in(CheckInKind.CHECK_IN, at(6))


def test_m10_a_declined_conversation_is_respected() -> None:
    plan = reviewed().check_in(CheckInKind.CHECK_IN, at(40), declines_more_conversation=True)
    kinds = {i.kind for i in plan.due_items()}
    assert DueKind.EXTENDED_REVIEW not in kinds and DueKind.PROBE not in kinds
    assert DueKind.CHECK_IN in kinds  # the short 1:1 item stays


def test_m10_probe_is_three_or_four_months() -> None:
    with pytest.raises(InvalidInput, match=r"cadence\.probe_after_months"):
        CadenceRules(probe_after_months=6)
    four = {i.kind: i.due for i in reviewed().due_items(CadenceRules(probe_after_months=4))}
    three = {i.kind: i.due for i in reviewed().due_items()}
    assert four[DueKind.PROBE] > three[DueKind.PROBE]


# ---------------------------------------------------------------- M11
def test_m11_time_budget() -> None:
    b = budget(8)
    assert b.initial_minutes == 8 * 165
    assert 2.25 <= ConversationLengths().total / 60 <= 3
    assert b.quarterly_minutes == 8 * 50
    assert b.weeks_for_initial == 6  # 1320 minutes at 240 a week
    with pytest.raises(InvalidInput, match="weekly_cap_minutes"):
        budget(3, weekly_cap_minutes=30)


# ---------------------------------------------------------------- M12, M13
def handed(granted: bool | None) -> CareerPlan:
    plan = reviewed().start_handoff("h1", "m2", at(20), at(34))
    if granted is None:
        return plan
    return plan.answer_handoff(granted, Actor.REPORT, at(21))


def test_m12_consent_is_asked_first_and_nothing_moves_before_it() -> None:
    plan = handed(None)
    assert plan.current_handoff is not None
    assert plan.current_handoff.state is HandoffState.CONSENT_ASKED
    assert plan.manager_id == MANAGER and not plan.can_view("m2", at(20))
    with pytest.raises(RuleViolation, match="M12: cannot share the plan: the handoff is consent_asked"):
        plan.share_with_new_manager(at(21))
    with pytest.raises(RuleViolation, match="M12: only the report can consent"):
        plan.answer_handoff(True, Actor.MANAGER, at(21))


def test_m12_yes_shares_and_the_three_way_meeting_follows() -> None:
    plan = handed(True).share_with_new_manager(at(21))
    assert plan.manager_id == "m2" and plan.can_view("m2", at(21))
    met = plan.schedule_handoff_meeting(at(22), at(22, 0.75))
    assert met.current_handoff is not None
    assert met.current_handoff.state is HandoffState.MEETING_SCHEDULED
    assert met.current_handoff.old_manager_id == MANAGER


def test_m12_the_old_manager_reads_until_the_three_way_meeting_has_ended() -> None:
    plan = handed(True).share_with_new_manager(at(21))
    assert plan.require_viewer(MANAGER, at(21)) is Actor.MANAGER  # to prepare the walk-through
    with pytest.raises(RuleViolation, match=r"your access ended \(M12\)"):
        plan.actor(MANAGER)  # reading only: no step on the plan
    met = plan.schedule_handoff_meeting(at(22), at(22, 0.75))
    assert met.can_view(MANAGER, at(22, 0.5))
    assert not met.can_view(MANAGER, at(22, 0.75)) and met.can_view("m2", at(22, 0.75))
    with pytest.raises(RuleViolation, match=r"your access ended \(M12\)"):
        met.require_viewer(MANAGER, at(23))


def test_m12_without_a_meeting_the_old_manager_reads_until_the_deadline() -> None:
    plan = handed(True).share_with_new_manager(at(21))
    assert plan.can_view(MANAGER, at(21 + WALK_THROUGH_DAYS, -0.01))
    assert not plan.can_view(MANAGER, at(21 + WALK_THROUGH_DAYS))
    met = plan.schedule_handoff_meeting(at(21 + WALK_THROUGH_DAYS + 5), at(21 + WALK_THROUGH_DAYS + 5, 1))
    assert not met.can_view(MANAGER, at(21 + WALK_THROUGH_DAYS + 1)), "a late meeting does not extend it"


@pytest.mark.parametrize("answer", [False, None])
def test_m12_no_or_no_answer_shares_nothing_and_ends_access(answer: bool | None) -> None:
    plan = handed(False) if answer is False else handed(None).expire_handoff(at(35))
    assert plan.status is PlanStatus.ENDED
    assert plan.ended_reason in (EndReason.HANDOFF_REFUSED, EndReason.HANDOFF_EXPIRED)
    assert (
        not plan.can_view(MANAGER, at(36))
        and not plan.can_view("m2", at(36))
        and plan.can_view(REPORT, at(36))
    )
    with pytest.raises(RuleViolation, match="M12"):
        plan.share_with_new_manager(at(36))


def test_m12_expiry_waits_for_the_deadline() -> None:
    plan = handed(None)
    assert plan.expire_handoff(at(30)) is plan


def test_m12_crossing_changes_supersede_the_open_handoff() -> None:
    plan = handed(None).start_handoff("h2", "m3", at(22), at(36))
    states = [h.state for h in plan.handoffs]
    assert states == [HandoffState.SUPERSEDED, HandoffState.CONSENT_ASKED]
    assert plan.current_handoff is not None and plan.current_handoff.old_manager_id == MANAGER
    back = plan.start_handoff("h3", MANAGER, at(23), at(37))
    assert back.current_handoff is not None and not back.current_handoff.is_open
    left = handed(None).report_left(at(22))
    assert left.status is PlanStatus.ENDED and left.current_handoff is not None
    assert left.current_handoff.state is HandoffState.SUPERSEDED


@pytest.mark.parametrize("path", list(NewManagerPath))
def test_m13_new_manager_paths(path: NewManagerPath) -> None:
    plan = handed(True).share_with_new_manager(at(21)).choose_path(path, Actor.MANAGER, at(22))
    assert plan.current_handoff is not None and plan.current_handoff.path is path
    if path is NewManagerPath.FULL_CONVERSATIONS:
        assert not plan.held(ConversationKind.LIFE_STORY) and plan.readiness is None
    else:
        assert plan.held(ConversationKind.GROW_REVIEW)


# ---------------------------------------------------------------- M14
def test_m14_report_may_ask_for_the_managers_life_story() -> None:
    with pytest.raises(RuleViolation, match="M14"):
        reviewed().request_manager_life_story(Actor.MANAGER, at(9))
    plan = reviewed().request_manager_life_story(Actor.REPORT, at(9))
    assert plan.manager_life_story_requested_at == at(9)
    met = plan.schedule_meeting("manager_life_story", at(12), at(12, 1), at(9))
    assert met.meetings[0].kind == "manager_life_story"


# ---------------------------------------------------------------- M16
def test_m16_feedback_after_conversation_three_only() -> None:
    with pytest.raises(RuleViolation, match="M3: cannot give feedback"):
        after_pinnacle().give_feedback(FeedbackRating(Actor.REPORT, REPORT, 8))
    plan = reviewed().give_feedback(FeedbackRating(Actor.REPORT, REPORT, 8))
    plan = plan.give_feedback(FeedbackRating(Actor.REPORT, REPORT, 9))
    assert [f.score for f in plan.feedback] == [9]
    with pytest.raises(InvalidInput, match=r"feedback\.score"):
        FeedbackRating(Actor.REPORT, REPORT, 11)


def test_m16_hr_sees_only_groups_of_five_or_more() -> None:
    four = [FeedbackRating(Actor.REPORT, f"r{n}", 8) for n in range(4)]
    with pytest.raises(RuleViolation, match="M16: group 'eng' has feedback from 4 people"):
        aggregate("eng", four)
    five = [*four, FeedbackRating(Actor.MANAGER, "m1", 10)]
    agg = aggregate("eng", five)
    assert (agg.people, agg.report_median, agg.manager_median) == (5, 8, 10)
    with pytest.raises(InvalidInput, match="min_group"):
        aggregate("eng", five, min_group=2)


def test_actions_are_marked_done_and_reopened() -> None:
    plan = reviewed().set_action_status("a1", ActionStatus.DONE, at(30).date(), at(30))
    assert plan.grow is not None and plan.grow.action("a1").status is ActionStatus.DONE
    again = plan.set_action_status("a1", ActionStatus.OPEN, at(31).date(), at(31))
    assert again.grow is not None and again.grow.action("a1").done_at is None


def test_report_cannot_be_own_manager() -> None:
    with pytest.raises(InvalidInput, match="manager_id"):
        CareerPlan.propose("p", "x", "x", datetime(2026, 1, 1, tzinfo=UTC))
