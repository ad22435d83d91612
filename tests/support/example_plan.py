"""An example plan with everything the plan on one page shows, for the browser test and the screenshot.

Jonas (the example team's report) four months after conversation 3: his life
story, the pinnacle with a goal that names a profile of the example
organisation's catalog (``examples/catalog``, read by the real importer), his
ratings beside Maya's observations, a GROW plan owned by both, two check-ins
held and the rest to come. One competency name is long on purpose: the page
must wrap it, never clip it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from careerconv_core.domain.cadence import CheckInKind, FollowUp
from careerconv_core.domain.catalog import Catalog
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.domain.grow import (
    Action,
    DevelopmentOption,
    Goal,
    GrowPlan,
    Opportunity,
    OpportunityKind,
)
from careerconv_core.domain.life_story import LifeStory
from careerconv_core.domain.people import Person
from careerconv_core.domain.pinnacle import CompetencyRating, Pinnacle, PinnacleRole
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.domain.roles import Actor
from careerconv_plugins.catalog import CsvCatalog
from tests_support_paths import EXAMPLES

REPORT = Person("jonas", "Jonas Weber", "jonas@example.com", "Europe/Berlin", manager_id="maya")
MANAGER = Person("maya", "Maya Okafor", "maya@example.com", "Europe/Berlin")
T0 = datetime(2027, 1, 4, 8, tzinfo=UTC)
EXPORTED_AT = datetime(2027, 3, 24, 9, tzinfo=UTC)
"""When the example is exported: after the second check-in, before the third."""

RATINGS = {
    "technical-direction": 4,
    "developing-people": 2,
    "hiring": 1,
    "cross-team-influence": 3,
    "leading-through-managers": 2,
    "budgets-and-headcount": 1,
}
FOCUS = ("developing-people", "hiring")
LIFE_STORY = LifeStory(
    notes=(
        "Grew up in a family workshop in Kassel; first paid job fixing bikes.\n"
        "Studied physics, switched to software after a robotics club.\n\n"
        "Proudest of the build system other teams now rely on; happiest when a junior "
        "colleague ships something on their own."
    ),
    drives=("building things people use", "understanding how systems work"),
    values=("craft", "fairness", "independence"),
)


def example_catalog() -> Catalog:
    """The example organisation's own catalog, with the levels its roles call for."""
    folder = EXAMPLES / "catalog"
    return CsvCatalog(folder / "competencies.csv", folder / "roles.csv").load()


def _at(days: float, hours: float = 0) -> datetime:
    return T0 + timedelta(days=days, hours=hours)


def _pinnacle(catalog: Catalog) -> Pinnacle:
    role = catalog.role("vp-engineering")
    return Pinnacle(
        dream="Lead engineering for a company that builds tools for makers",
        roles=(
            PinnacleRole(
                "vp-eng", "VP of Engineering", "a product company of a few hundred people", "vp-engineering"
            ),
            PinnacleRole("founder", "Founder and CTO", "a hardware-tools start-up", "founder-cto"),
        ),
        crossed_out=("finance", "sales", "academic research"),
        chosen_role_id="vp-eng",
        competencies=tuple(
            CompetencyRating(cid, catalog.competency(cid).name) for cid in role.competency_ids
        ),
    )


def _grow(starts: date) -> GrowPlan:
    return GrowPlan(
        goal=Goal("vp-eng", "Become a VP of Engineering at a product company"),
        starts=starts,
        options=(
            DevelopmentOption(
                "developing-people", ("mentor the two new hires", "run the team's code review guild")
            ),
            DevelopmentOption("hiring", ("join the interview loop", "write the take-home exercise")),
        ),
        actions=(
            Action(
                "mentor",
                "Mentor the two engineers who join in February",
                owner_id="jonas",
                due=date(2027, 4, 30),
                done_when="both have shipped a feature on their own",
                opportunity=Opportunity(OpportunityKind.TEAM_RESPONSIBILITY, "onboarding buddy"),
                competency_id="developing-people",
            ),
            Action(
                "interviews",
                "Interview for the platform team and calibrate with the hiring manager",
                owner_id="jonas",
                due=date(2027, 3, 31),
                done_when="six interviews done, with written feedback reviewed by Maya",
                opportunity=Opportunity(OpportunityKind.ROLE, "interviewer in the platform hiring loop"),
                competency_id="hiring",
            ),
            Action(
                "intro",
                "Introduce Jonas to the VP of Engineering for a monthly coffee",
                owner_id="maya",
                due=date(2027, 2, 28),
                done_when="first coffee held",
                opportunity=Opportunity(OpportunityKind.PROJECT, "engineering leadership offsite"),
            ),
        ),
    )


def _follow_ups(after: datetime) -> tuple[FollowUp, ...]:
    """Monthly check-ins for six months, every third one the quarterly review (M10)."""
    placed = []
    for n in range(1, 7):
        start = (after + timedelta(days=28 * n)).replace(hour=9, minute=0)
        review = n % 3 == 0
        kind = CheckInKind.EXTENDED_REVIEW if review else CheckInKind.CHECK_IN
        placed.append(FollowUp(n, kind, start, start + timedelta(minutes=30 if review else 10)))
    return tuple(placed)


def example_plan(catalog: Catalog | None = None) -> CareerPlan:
    """Jonas's plan as it stands at ``EXPORTED_AT``."""
    catalog = catalog or example_catalog()
    plan = CareerPlan.propose("plan-jonas", REPORT.id, MANAGER.id, T0)
    plan = plan.accept(Actor.REPORT, _at(0, 2), life_story_opt_in=True)
    plan = plan.confirm_readiness(Actor.MANAGER, True, True, _at(0, 3))
    plan = plan.schedule(
        {
            ConversationKind.LIFE_STORY: (_at(1, 2), _at(1, 3.5)),
            ConversationKind.PINNACLE: (_at(3, 2), _at(3, 3)),
            ConversationKind.GROW_REVIEW: (_at(10, 2), _at(10, 3)),
        },
        _at(0, 3),
    )
    plan = plan.record_held(ConversationKind.LIFE_STORY, _at(1, 4))
    plan = plan.record_life_story(LIFE_STORY, _at(1, 4))
    plan = plan.record_held(ConversationKind.PINNACLE, _at(3, 4))
    plan = plan.record_pinnacle(_pinnacle(catalog), Actor.MANAGER, _at(3, 4))
    for cid, rating in RATINGS.items():
        plan = plan.rate(cid, rating, Actor.REPORT, _at(3, 5))
    plan = plan.observe(
        "cross-team-influence",
        "Already the person other teams ask about the build system",
        4,
        Actor.MANAGER,
        _at(3, 5),
    )
    plan = plan.observe(
        "hiring", "Has not interviewed yet; sharp questions in design reviews", None, Actor.MANAGER, _at(3, 5)
    )
    plan = plan.choose_focus(FOCUS, Actor.REPORT, _at(3, 5))
    plan = plan.write_grow(_grow(_at(4).date()), Actor.REPORT, _at(4, 2))
    held = _at(10, 4)
    plan = plan.record_held(ConversationKind.GROW_REVIEW, held)
    plan = plan.place_follow_ups(_follow_ups(held), held)
    plan = plan.check_in(
        CheckInKind.CHECK_IN, held + timedelta(days=28, hours=1), on_track=True, notes="First coffee held."
    )
    return plan.check_in(
        CheckInKind.CHECK_IN,
        held + timedelta(days=56, hours=1),
        on_track=False,
        notes="Interviews slipped: the platform loop paused hiring.\nMove the date to May.",
    )
