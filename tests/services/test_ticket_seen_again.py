"""A ticket reported deleted and then seen again is no longer marked deleted (issue 13)."""

from __future__ import annotations

from careerconv_core.views import TicketStatus
from support.flows import through_review
from support.world import World


def test_a_ticket_seen_again_clears_the_deleted_mark() -> None:
    world = World()
    plan_id = through_review(world)
    key = f"cc-{plan_id}-a-a1"
    # A search that had not caught up yet said deleted; the next read sees the ticket.
    assert world.services.pull_ticket_statuses({key: TicketStatus.DELETED}) == [key]
    plan = world.store.load_plan(plan_id)
    assert plan.grow is not None and plan.grow.action("a1").ticket_deleted
    assert world.services.pull_ticket_statuses({key: TicketStatus.OPEN}) == []
    plan = world.store.load_plan(plan_id)
    assert plan.grow is not None and not plan.grow.action("a1").ticket_deleted
    versions = plan.version
    world.services.pull_ticket_statuses({key: TicketStatus.OPEN})
    assert world.store.load_plan(plan_id).version == versions  # nothing changed, nothing written


def test_a_key_without_status_leaves_its_action_alone() -> None:
    world = World()
    plan_id = through_review(world)
    before = world.store.load_plan(plan_id).version
    assert world.services.pull_ticket_statuses({}) == []
    assert world.store.load_plan(plan_id).version == before
