"""What the plan on one page says, worked out once for both formats.

The Markdown and the HTML writers only lay out a ``PlanSheet``: names are
resolved here (owners, options, the goal), the level the chosen role calls
for is looked up here, and the check-ins held and to come are listed here,
so both formats say the same thing.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from careerconv_core.domain.cadence import CheckIn, CheckInKind, FollowUpStatus
from careerconv_core.domain.catalog import Catalog, RoleProfile
from careerconv_core.domain.conversations import ConversationStatus
from careerconv_core.domain.grow import Action
from careerconv_core.domain.life_story import LifeStory
from careerconv_core.domain.people import Person
from careerconv_core.domain.pinnacle import RATING_SCALE
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.domain.when import day, local
from careerconv_core.errors import InvalidInput

PRIVATE_NOTICE = (
    "This is the private copy of {report} and {manager}. It holds notes that stay between the "
    "two of them: keep it to yourselves, and do not forward, upload or share it."
)
"""Said at the top of every export (ARCHITECTURE section 4: the export is the pair's own copy)."""

ACTED_FOR_TITLE = "Steps taken in the report's name"
NO_CHECK_INS = "No check-ins held or placed yet: the monthly check-ins are placed after conversation 3."

CHECK_IN_KINDS = {
    CheckInKind.CHECK_IN: "Monthly check-in (5-10 minutes in the regular 1:1)",
    CheckInKind.EXTENDED_REVIEW: "Quarterly review (about 30 minutes)",
}


def scale_word(level: int) -> str:
    """The word of the 1-5 scale for ``level``: ``"capable"`` for 3."""
    return RATING_SCALE[level].split(":")[0]


@frozen
class CompetencyLine:
    """One competency: the report's rating, the role's level, the manager's view, the focus."""

    name: str
    self_rating: int | None
    target: int | None
    manager_rating: int | None
    observation: str
    focus: bool

    @property
    def gap(self) -> int | None:
        """How many levels the self-rating is below the role's (0 when at or above it)."""
        if self.self_rating is None or self.target is None:
            return None
        return max(0, self.target - self.self_rating)

    @property
    def gap_text(self) -> str:
        """The gap in words: ``"2 levels to go"``, ``"at the role's level"``, or ``""``."""
        if self.gap is None:
            return ""
        if self.gap == 0:
            return "at the role's level"
        return f"{self.gap} level{'s' if self.gap > 1 else ''} to go"


@frozen
class ActionLine:
    """A "Will" step with its owner by name and the competency it develops by name."""

    title: str
    owner: str
    due: str
    done_when: str
    in_the_job: str
    competency: str
    status: str


@frozen
class GrowSheet:
    """The GROW plan in words: goal, reality, options by competency name, actions."""

    horizon: str
    goal: str
    reality: tuple[str, ...]
    options: tuple[tuple[str, tuple[str, ...]], ...]
    actions: tuple[ActionLine, ...]


@frozen
class CheckInLine:
    """A check-in held (with how it went and its notes) or one to come."""

    when: str
    kind: str
    on_track: str = ""
    notes: str = ""


@frozen
class PlanSheet:
    """Everything the plan on one page shows, in the pair's words, names resolved."""

    report: str
    manager: str
    status: str
    notice: str
    exported: str
    conversations: tuple[tuple[str, str], ...]
    life_story: LifeStory
    dream: str
    roles: tuple[tuple[str, bool], ...]
    crossed_out: tuple[str, ...]
    role_profile: str
    competencies: tuple[CompetencyLine, ...]
    grow: GrowSheet | None
    held: tuple[CheckInLine, ...]
    to_come: tuple[CheckInLine, ...]
    declined_more: str
    acted_for: tuple[tuple[str, str], ...] = ()  # (when, what) for each step taken in the report's name

    @property
    def has_life_story(self) -> bool:
        """Whether conversation 1 left anything to show."""
        story = self.life_story
        return bool(story.notes.strip() or story.drives or story.values)

    @property
    def has_targets(self) -> bool:
        """Whether the chosen role's profile gives a level for any listed competency."""
        return any(c.target is not None for c in self.competencies)


def chosen_profile(plan: CareerPlan, catalog: Catalog | None) -> RoleProfile | None:
    """The catalog profile of the role the report chose as their goal, if it names one."""
    p = plan.pinnacle
    chosen = next((r for r in p.roles if r.id == p.chosen_role_id), None)
    if catalog is None or chosen is None or chosen.catalog_role_id is None:
        return None
    try:
        return catalog.role(chosen.catalog_role_id)
    except InvalidInput:  # the catalog changed since conversation 2: no levels to show
        return None


def plan_sheet(
    plan: CareerPlan,
    report: Person,
    manager: Person,
    *,
    catalog: Catalog | None = None,
    now: datetime | None = None,
) -> PlanSheet:
    """What the export of ``plan`` shows.

    :param catalog: where the chosen role's profile, and so the level it
        calls for in each competency, is looked up (through the pinnacle
        role's ``catalog_role_id``); without it no levels are shown.
    :param now: the moment of the export: follow-ups before it are not "to
        come". Without it every scheduled follow-up is listed.
    """
    names = {report.id: report.name, manager.id: manager.name}
    p = plan.pinnacle
    profile = chosen_profile(plan, catalog)
    comps = tuple(
        CompetencyLine(
            name=c.name,
            self_rating=c.self_rating,
            target=profile.target_level(c.competency_id) if profile else None,
            manager_rating=c.manager_rating,
            observation=c.manager_observation,
            focus=c.competency_id in p.focus,
        )
        for c in p.competencies
    )
    comp_names = {c.competency_id: c.name for c in p.competencies}
    role_titles = {r.id: r.title for r in p.roles}
    grow = None
    if plan.grow is not None:
        g = plan.grow
        grow = GrowSheet(
            horizon=f"{day(g.starts)} to {day(g.horizon_end)}, revision {g.revision}",
            goal=g.goal.statement or role_titles.get(g.goal.role_id, g.goal.role_id),
            reality=tuple(
                f"{c.name}: {c.self_rating if c.self_rating is not None else 'not rated'}"
                + (f" (the role calls for {c.target})" if c.target is not None else "")
                for c in comps
            ),
            options=tuple((comp_names.get(o.competency_id, o.competency_id), o.ways) for o in g.options),
            actions=tuple(_action(a, names, comp_names) for a in g.actions),
        )
    zone = report.time_zone
    to_come = sorted(
        (
            f
            for f in plan.follow_ups
            if f.status is FollowUpStatus.SCHEDULED and (now is None or f.start >= now)
        ),
        key=lambda f: f.start,
    )
    return PlanSheet(
        report=report.name,
        manager=manager.name,
        status=plan.status.value,
        notice=PRIVATE_NOTICE.format(report=report.name, manager=manager.name),
        exported=day(now.date()) if now is not None else "",
        conversations=tuple(_conversations(plan, report)),
        life_story=plan.life_story,
        dream=p.dream,
        roles=tuple(
            (r.title + (f" at {r.company}" if r.company else ""), r.id == p.chosen_role_id) for r in p.roles
        ),
        crossed_out=p.crossed_out,
        role_profile=profile.title if profile is not None else "",
        competencies=comps,
        grow=grow,
        held=tuple(_held(c, report) for c in sorted(plan.check_ins, key=lambda c: c.at)),
        to_come=tuple(CheckInLine(local(f.start, zone), CHECK_IN_KINDS[f.kind]) for f in to_come),
        declined_more=(
            f"Since {day(plan.more_conversation_declined_at.date())} the report prefers no longer "
            "career conversations for now; the monthly check-ins go on."
            if plan.more_conversation_declined_at is not None
            else ""
        ),
        acted_for=tuple((local(a.at, zone), a.said()) for a in plan.acted_for),
    )


def _conversations(plan: CareerPlan, report: Person) -> list[tuple[str, str]]:
    rows = []
    for conv in plan.conversations:
        if conv.status is ConversationStatus.HELD and conv.held_at:
            state = f"held {day(conv.held_at.astimezone(report.zone).date())}"
        elif conv.status is ConversationStatus.SCHEDULED and conv.start:
            state = f"scheduled {local(conv.start, report.time_zone)}"
        else:
            state = conv.status.value.replace("_", " ")
        rows.append((conv.kind.title, state))
    return rows


def _action(a: Action, names: dict[str, str], comp_names: dict[str, str]) -> ActionLine:
    return ActionLine(
        title=a.title,
        owner=names.get(a.owner_id, a.owner_id) or "no owner yet",
        due=day(a.due) if a.due else "no date yet",
        done_when=a.done_when,
        in_the_job=(
            f"{a.opportunity.kind.value.replace('_', ' ')}: {a.opportunity.description}"
            if a.opportunity
            else ""
        ),
        competency=comp_names.get(a.competency_id, a.competency_id) if a.competency_id else "",
        status=a.status.value,
    )


def _held(check_in: CheckIn, report: Person) -> CheckInLine:
    on_track = {True: "on track", False: "needs a change", None: ""}[check_in.on_track]
    held_on = day(check_in.at.astimezone(report.zone).date())
    return CheckInLine(held_on, CHECK_IN_KINDS[check_in.kind], on_track, check_in.notes)
