"""A plan taken through the method's first steps on a World, for tests that start from there."""

from __future__ import annotations

from datetime import timedelta

from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.domain.life_story import LifeStory
from support.plans import grow_plan, pinnacle_for_manager
from support.world import World


def started(world: World) -> str:
    svc = world.services
    plan_id = svc.propose("m1", "r1").plan.id
    svc.accept(plan_id, "r1", life_story_opt_in=True)
    svc.confirm_readiness(plan_id, "m1", True, True)
    now = world.clock()
    svc.place_conversations(
        plan_id,
        "m1",
        {
            ConversationKind.LIFE_STORY: (
                now + timedelta(days=1),
                now + timedelta(days=1, hours=1),
            ),
            ConversationKind.PINNACLE: (now + timedelta(days=2), now + timedelta(days=2, hours=1)),
            ConversationKind.GROW_REVIEW: (
                now + timedelta(days=7),
                now + timedelta(days=7, minutes=45),
            ),
        },
    )
    return plan_id


def through_review(world: World) -> str:
    plan_id = started(world)
    svc = world.services
    world.clock.advance(days=1, hours=1)
    svc.record_life_story(plan_id, "m1", LifeStory("grew up by the sea", ("curiosity",), ("fairness",)))
    world.clock.advance(days=1)
    svc.record_pinnacle(plan_id, "m1", pinnacle_for_manager())
    svc.rate(plan_id, "r1", "strategy", 2)
    svc.choose_focus(plan_id, "r1", ["strategy"])
    svc.write_grow(plan_id, "r1", grow_plan(starts=world.clock().date()))
    world.clock.advance(days=5)
    svc.record_grow_review(plan_id, "r1")
    return plan_id
