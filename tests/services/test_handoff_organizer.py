"""M12/M13: each event is cancelled by its own organizer; the new manager's are new events."""

from __future__ import annotations

import pytest

from careerconv_core.domain.handoff import NewManagerPath
from careerconv_core.domain.notices import NoticeKind
from careerconv_core.errors import RuleViolation
from careerconv_core.views import InviteMethod
from support.flows import through_review
from support.world import World


def test_m12_old_events_are_cancelled_by_the_old_manager_and_continue_places_new_ones() -> None:
    world = World()
    plan_id = through_review(world)
    world.services.schedule_follow_ups(plan_id, "m1")
    world.dispatcher().run_once()
    before = {u: v for u, v in world.calendar.events.items() if "followup" in u}  # held ones stay
    world.services.manager_changed("r1", "m2")
    world.services.answer_handoff(plan_id, "r1", True)
    world.dispatcher().run_once()
    for uid, old in before.items():
        now = world.calendar.events[uid]
        assert now.method is InviteMethod.CANCEL
        assert now.organizer.person_id == "m1"
        assert {a.person_id for a in now.attendees} == {"m1", "r1"}
        assert now.sequence > old.sequence
    world.services.choose_path(plan_id, "m2", NewManagerPath.CONTINUE_PLAN)
    world.dispatcher().run_once()
    new = {u: v for u, v in world.calendar.events.items() if "followup" in u and u not in before}
    assert new, "M13 continue: the check-ins are placed again with the new manager"
    assert all(v.organizer.person_id == "m2" and v.method is InviteMethod.REQUEST for v in new.values())


def test_m12_expiry_tells_the_old_manager_and_refuses_them_with_access_ended() -> None:
    world = World()
    plan_id = through_review(world)
    world.services.manager_changed("r1", "m2")
    with pytest.raises(RuleViolation, match="M12: 'm2' is the report's new manager"):
        world.store.load_plan(plan_id).require_viewer("m2", world.clock())
    world.clock.advance(days=15)
    world.services.expire_handoffs()
    world.dispatcher().run_once()
    ended = [n for n in world.notifier.sent if n.kind is NoticeKind.ACCESS_ENDED]
    assert [n.recipient.person_id for n in ended] == ["m1"]
    handoff = world.store.load_plan(plan_id).current_handoff
    assert handoff is not None
    assert f"did not answer by {handoff.answer_by.date().isoformat()}" in ended[0].body
    assert "chose not" not in ended[0].body
    with pytest.raises(RuleViolation, match=r"your access ended \(M12\)"):
        world.store.load_plan(plan_id).require_viewer("m1", world.clock())


def test_m12_a_refusal_tells_the_old_manager_the_report_chose_not_to_share() -> None:
    world = World()
    plan_id = through_review(world)
    world.services.manager_changed("r1", "m2")
    world.services.answer_handoff(plan_id, "r1", False)
    world.dispatcher().run_once()
    ended = [n for n in world.notifier.sent if n.kind is NoticeKind.ACCESS_ENDED]
    assert [n.recipient.person_id for n in ended] == ["m1"]
    assert "chose not to share their career plan" in ended[0].body
