"""No private field ever leaves the process except where the report allowed it (section 4).

A unique marker is planted in every field declared private, shared or
summary; then every use case that produces effects runs, the outbox is
dispatched, and every byte that could leave (outbox payloads, what adapters
received, log records, error messages) is searched for markers.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from attrs import evolve

from careerconv_core import serialization
from careerconv_core.domain.cadence import CheckInKind
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.domain.feedback import FeedbackRating
from careerconv_core.domain.plan import CheckIn, Consent
from careerconv_core.domain.roles import Actor
from careerconv_core.domain.visibility import Visibility
from careerconv_core.errors import CareerconvError
from careerconv_core.ports import PlanChange
from careerconv_core.services import safe_message
from support.flows import through_review
from support.privacy import Planter
from support.world import World


def plant_plan(world: World, plan_id: str, planter: Planter) -> None:
    plan = world.store.load_plan(plan_id)
    planted = planter.plant(
        evolve(
            plan,
            check_ins=(CheckIn(CheckInKind.CHECK_IN, world.clock(), True, "x"),),
            feedback=(FeedbackRating(Actor.REPORT, "r1", 7),),
            version=plan.version + 1,
        )
    )
    world.store.commit(PlanChange(plans=(planted,)))


def test_every_private_field_is_declared_and_found() -> None:
    planter = Planter()
    world = World()
    plan_id = through_review(world)
    plant_plan(world, plan_id, planter)
    stored = world.store.plans[plan_id]
    # The walk reached notes, drives, values, dream, crossed-out, observations, goal, actions.
    assert len(planter.markers) >= 12
    assert {Visibility.PAIR, Visibility.SHARED, Visibility.SUMMARY} <= set(planter.markers.values())
    assert all(m in stored for m in planter.markers)  # planted, so a miss below means filtered


def test_markers_never_leave_except_where_allowed(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    planter = Planter()
    world = World()
    plan_id = through_review(world)
    world.dispatcher().run_once()
    plant_plan(world, plan_id, planter)
    svc = world.services
    errors: list[str] = []

    def attempt(step: object) -> None:
        try:
            step()  # type: ignore[operator]
        except CareerconvError as exc:
            errors.append(safe_message(exc))

    world.clock.advance(days=3)
    attempt(lambda: svc.write_grow(plan_id, "r1", world.store.load_plan(plan_id).grow))
    attempt(
        lambda: svc.check_in(
            plan_id,
            "m1",
            CheckInKind.CHECK_IN,
            notes="private note",
            declines_more_conversation=True,
        )
    )
    attempt(lambda: svc.set_action_status(plan_id, "r1", "a1", True))
    attempt(lambda: svc.choose_focus(plan_id, "m1", ["strategy"]))  # refused: M7
    attempt(lambda: svc.rate(plan_id, "r1", "strategy", 9))  # refused: off the scale
    attempt(lambda: svc.give_feedback(plan_id, "r1", 11))  # refused
    attempt(
        lambda: svc.place_conversations(
            plan_id,
            "m1",
            {ConversationKind.GROW_REVIEW: (world.clock(), world.clock() + timedelta(hours=1))},
        )
    )
    world.services.send_nudges(world.clock().date() + timedelta(days=400))
    attempt(lambda: svc.set_consent(plan_id, "r1", Consent(summary_to_hris=True)))
    world.services.manager_changed("r1", "m2")
    attempt(lambda: svc.answer_handoff(plan_id, "r1", True))
    attempt(lambda: svc.schedule_handoff_meeting(plan_id, "m2", datetime(2026, 12, 15, 14, 30, tzinfo=UTC)))
    world.dispatcher().run_once()
    assert len(errors) >= 3

    outgoing = {
        "calendar": repr(world.calendar.events)
        + "".join(i.description for i in world.calendar.events.values()),
        "notifier": repr(world.notifier.sent),
        "hris": repr(world.hris.records),
        "tracker": repr(world.tracker.tickets),
        "logs": caplog.text,
        "errors": "\n".join(errors),
    }
    payloads = "\n".join(e.payload for e in world.store.outbox())
    pair = Visibility.PAIR
    for name, text in {**outgoing, "outbox": payloads}.items():
        assert planter.found_in(text, pair) == [], f"a pair-only field reached {name}"
        # The goal (summary) needs its own yes, which this report did not give.
        assert planter.found_in(text, Visibility.SUMMARY) == [], f"the goal reached {name}"
    for name in ("calendar", "notifier", "hris", "logs", "errors"):
        assert planter.found_in(outgoing[name], Visibility.SHARED) == [], f"shared text reached {name}"
    # The action itself is what a ticket is for (section 4): it does reach the tracker.
    assert planter.found_in(outgoing["tracker"], Visibility.SHARED)
    assert world.hris.records  # the summary went out, without any marker


def test_bad_documents_do_not_echo_their_values() -> None:
    planter = Planter()
    world = World()
    plan_id = through_review(world)
    plant_plan(world, plan_id, planter)
    text = world.store.plans[plan_id].replace('"version":', '"version":"x","bogus":1,"v":')
    with pytest.raises(CareerconvError) as exc:
        serialization.loads(text, type(world.store.load_plan(plan_id)))
    assert planter.found_in(str(exc.value), *Visibility) == []
