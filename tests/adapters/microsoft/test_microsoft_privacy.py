"""No byte sent to Graph carries a note: markers planted in every private field of a plan."""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime, timedelta

import pytest
from attrs import evolve

from careerconv_core.domain.cadence import CheckInKind
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.domain.feedback import FeedbackRating
from careerconv_core.domain.plan import CheckIn, Consent
from careerconv_core.domain.roles import Actor
from careerconv_core.errors import CareerconvError
from careerconv_core.ports import PlanChange
from careerconv_plugins.microsoft.adapter import GraphCalendar
from fakes.fake_graph import FakeGraph
from support.flows import through_review
from support.privacy import Planter
from support.world import World


def test_no_marker_reaches_any_byte_sent_to_graph(
    graph: FakeGraph, backend: GraphCalendar, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    planter = Planter(prefix="GRAPHMARK")
    world = World()
    plan_id = through_review(world)
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
    assert len(planter.markers) >= 12
    svc = world.services
    world.clock.advance(days=3)
    steps = [
        lambda: svc.write_grow(plan_id, "r1", world.store.load_plan(plan_id).grow),
        lambda: svc.check_in(plan_id, "m1", CheckInKind.CHECK_IN, notes="GRAPHMARKCHECKIN"),
        lambda: svc.place_conversations(
            plan_id,
            "m1",
            {
                ConversationKind.GROW_REVIEW: (
                    world.clock() + timedelta(days=2),
                    world.clock() + timedelta(days=2, hours=1),
                )
            },
        ),
        lambda: svc.set_consent(plan_id, "r1", Consent(summary_to_hris=True)),
        lambda: svc.manager_changed("r1", "m2"),
        lambda: svc.answer_handoff(plan_id, "r1", True),
        lambda: svc.schedule_handoff_meeting(plan_id, "m2", datetime(2026, 12, 15, 14, 30, tzinfo=UTC)),
    ]
    for step in steps:  # a step the method refuses here still leaves the others to run
        with contextlib.suppress(CareerconvError):
            step()
    world.dispatcher(calendar=backend).run_once()
    created = [e for box in graph.mailboxes.values() for e in box.events.values()]
    assert len(created) >= 3
    sent = b"".join(e.raw + e.path.encode() + repr(e.query).encode() for e in graph.log)
    markers = [*planter.markers, "GRAPHMARKCHECKIN"]
    assert b"Agenda" in sent  # the bodies were searched, not only the paths
    assert [m for m in markers if m.encode() in sent] == []
    assert [m for m in markers if m in caplog.text] == []
