"""Builders for plans at each stage of the method, for the unit tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.domain.grow import (
    Action,
    DevelopmentOption,
    Goal,
    GrowPlan,
    Opportunity,
    OpportunityKind,
)
from careerconv_core.domain.pinnacle import CompetencyRating, Pinnacle, PinnacleRole
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.domain.roles import Actor

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
REPORT, MANAGER = "r1", "m1"


def at(days: float = 0, hours: float = 0) -> datetime:
    """A moment ``days`` and ``hours`` after T0."""
    return T0 + timedelta(days=days, hours=hours)


def proposed() -> CareerPlan:
    return CareerPlan.propose("p1", REPORT, MANAGER, T0)


def active(life_story_opt_in: bool = True) -> CareerPlan:
    return proposed().accept(Actor.REPORT, at(1), life_story_opt_in)


def ready() -> CareerPlan:
    return active().confirm_readiness(Actor.MANAGER, True, True, at(1))


def scheduled() -> CareerPlan:
    return ready().schedule(
        {
            ConversationKind.LIFE_STORY: (at(2), at(2, 1)),
            ConversationKind.PINNACLE: (at(3), at(3, 1)),
            ConversationKind.GROW_REVIEW: (at(8), at(8, 0.75)),
        },
        at(1),
    )


def pinnacle_for_manager() -> Pinnacle:
    return Pinnacle(
        dream="lead a product company",
        roles=(
            PinnacleRole("cpo", "Chief Product Officer", "a public software company"),
            PinnacleRole("founder", "Founder", "a climate startup"),
        ),
        crossed_out=("finance", "medicine"),
        chosen_role_id="cpo",
        competencies=(
            CompetencyRating("strategy", "Product strategy"),
            CompetencyRating("people", "Leading people"),
            CompetencyRating("story", "Storytelling"),
        ),
    )


def after_pinnacle() -> CareerPlan:
    plan = scheduled().record_held(ConversationKind.LIFE_STORY, at(2, 1))
    plan = plan.record_held(ConversationKind.PINNACLE, at(3, 1))
    plan = plan.record_pinnacle(pinnacle_for_manager(), Actor.MANAGER, at(3, 1))
    plan = plan.rate("strategy", 2, Actor.REPORT, at(3, 1))
    plan = plan.rate("people", 3, Actor.REPORT, at(3, 1))
    return plan.choose_focus(("strategy", "people"), Actor.REPORT, at(3, 1))


def grow_plan(starts: date | None = None, **action_overrides: object) -> GrowPlan:
    start = starts or at(4).date()
    action: dict[str, object] = {
        "id": "a1",
        "title": "Run the quarterly roadmap review for my team",
        "owner_id": REPORT,
        "due": start + timedelta(days=60),
        "done_when": "the review is held and notes shared",
        "opportunity": Opportunity(OpportunityKind.PROJECT, "roadmap review"),
        "competency_id": "strategy",
    }
    action.update(action_overrides)
    return GrowPlan(
        goal=Goal("cpo", "become a chief product officer"),
        starts=start,
        options=(DevelopmentOption("strategy", ("shadow the product lead",)),),
        actions=(Action(**action),),  # type: ignore[arg-type]
    )


def reviewed() -> CareerPlan:
    plan = after_pinnacle().write_grow(grow_plan(), Actor.REPORT, at(5))
    return plan.record_held(ConversationKind.GROW_REVIEW, at(8, 1))
