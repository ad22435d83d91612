"""The GROW plan (M8) and its stress test.

G: one long-term goal from the pinnacle roles. R: the current ratings (read
from the pinnacle, never copied). O: the chosen competencies and ways to
develop them. W: concrete actions, each with an owner, a due date inside the
horizon, a "done when" and, ideally, a link to the current job.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from attrs import evolve, field, frozen

from careerconv_core.domain.clock import add_months, day_field
from careerconv_core.domain.ids import id_field, optional_id_field
from careerconv_core.domain.pinnacle import Pinnacle
from careerconv_core.domain.visibility import private, shared, summary
from careerconv_core.errors import InvalidInput, RuleViolation


@frozen
class GrowRules:
    """How the stress test judges a plan (M8): the horizon and a sustainable pace."""

    horizon_months: int = 6
    actions_per_month: float = 1.0

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.horizon_months <= 24:
            raise InvalidInput("grow.horizon_months", "1 to 24 months", str(self.horizon_months))
        if not 0 < self.actions_per_month <= 10:
            raise InvalidInput("grow.actions_per_month", "more than 0 and at most 10")

    @property
    def capacity(self) -> int:
        """How many actions fit in the horizon at the chosen pace."""
        return max(1, int(self.horizon_months * self.actions_per_month))


class OpportunityKind(enum.Enum):
    """Where in the current job an action is embedded (M8)."""

    ROLE = "role"
    PROJECT = "project"
    TEAM_RESPONSIBILITY = "team_responsibility"


@frozen
class Opportunity:
    """The part of the current job an action grows in."""

    kind: OpportunityKind
    description: str = shared(default="")


class ActionStatus(enum.Enum):
    """Whether an action is still to do."""

    OPEN = "open"
    DONE = "done"


def owner_field(_instance: object, attribute: object, value: Any) -> None:
    """An attrs validator of an action's owner: an id, or empty while nobody is named."""
    if value != "":  # no owner named yet: the stress test reports it (M8)
        id_field(_instance, attribute, value)


@frozen
class Action:
    """A "Will" step: what, who, by when, done when, and where in the current job."""

    id: str = field(validator=id_field)
    title: str = shared()
    owner_id: str = field(default="", validator=owner_field)
    due: date | None = None
    done_when: str = shared(default="")
    opportunity: Opportunity | None = None
    competency_id: str | None = field(default=None, validator=optional_id_field)
    status: ActionStatus = ActionStatus.OPEN
    done_at: date | None = None
    ticket_deleted: bool = False  # someone deleted its ticket: reported, never recreated silently
    # When careerconv last changed what its ticket shows (title, owner, due date, "done when") and
    # its status: a tracker tells by them which side changed last (set by the plan, never read in).
    changed_at: datetime | None = None
    status_changed_at: datetime | None = None

    def same_ticket_fields(self, other: Action) -> bool:
        """Whether ``other`` shows the same on a ticket as this action (its status aside)."""
        return (self.title, self.owner_id, self.due, self.done_when) == (
            other.title,
            other.owner_id,
            other.due,
            other.done_when,
        )


MAX_HORIZON_MONTHS = 24
HORIZON_WORDS = f"a whole number of months from 1 to {MAX_HORIZON_MONTHS}"
"""What a GROW plan's horizon takes, as messages and the record schemas say it."""


def horizon_field(_instance: object, attribute: Any, value: Any) -> None:
    """An attrs validator of a plan's horizon: 1 to 24 months (M8)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_HORIZON_MONTHS:
        raise InvalidInput(f"grow.{attribute.name}", HORIZON_WORDS, "outside the range")


@frozen
class DevelopmentOption:
    """An "Options" entry: a chosen competency and ways to develop it."""

    competency_id: str = field(validator=id_field)
    ways: tuple[str, ...] = private(default=())


@frozen
class Goal:
    """The long-term goal: one of the pinnacle roles, in the report's words."""

    role_id: str = field(validator=id_field)
    statement: str = summary(default="")


@frozen
class GrowPlan:
    """The GROW plan the report owns. ``starts`` opens the horizon."""

    goal: Goal
    starts: date = field(validator=day_field)  # the horizon is counted from it
    options: tuple[DevelopmentOption, ...] = field(default=())
    actions: tuple[Action, ...] = field(default=())
    horizon_months: int = field(default=6, validator=horizon_field)
    revision: int = 1

    @property
    def horizon_end(self) -> date:
        """The last day an action may fall due."""
        return add_months(self.starts, self.horizon_months)

    def action(self, action_id: str) -> Action:
        """The action with this id, or ``InvalidInput``."""
        for act in self.actions:
            if act.id == action_id:
                return act
        raise InvalidInput("action_id", "the id of an action in the plan", f"unknown {action_id!r}")

    def with_ticket_deleted(self, action_id: str, deleted: bool) -> GrowPlan:
        """This plan with one action's ticket marked as deleted in the tracker (or re-synced)."""
        act = evolve(self.action(action_id), ticket_deleted=deleted)
        return evolve(self, actions=tuple(act if a.id == action_id else a for a in self.actions))

    def with_action_status(
        self, action_id: str, status: ActionStatus, on: date, at: datetime | None = None
    ) -> GrowPlan:
        """This plan with one action marked done or reopened (at ``at``, when given)."""
        act = self.action(action_id)
        moved = act.status is not status and at is not None
        changed = evolve(
            act,
            status=status,
            done_at=on if status is ActionStatus.DONE else None,
            status_changed_at=at if moved else act.status_changed_at,
        )
        return evolve(self, actions=tuple(changed if a.id == action_id else a for a in self.actions))

    def dated(self, before: GrowPlan | None, at: datetime) -> GrowPlan:
        """This plan, written at ``at`` over ``before``: each action keeps the times of its last
        changes where it is unchanged, and takes ``at`` where it is new or changed."""
        old = {a.id: a for a in before.actions} if before is not None else {}
        actions = []
        for act in self.actions:
            was = old.get(act.id)
            same = was is not None and was.same_ticket_fields(act)
            same_status = was is not None and was.status is act.status
            actions.append(
                evolve(
                    act,
                    changed_at=was.changed_at if same and was is not None else at,
                    status_changed_at=(was.status_changed_at if same_status and was is not None else at),
                )
            )
        return evolve(self, actions=tuple(actions))


def validate_grow(grow: GrowPlan, pinnacle: Pinnacle, participants: tuple[str, str]) -> None:
    """Refuse a GROW plan that breaks M8; the error names the field and the fix.

    ``participants`` are the report's and the manager's ids: an action's owner
    is one of them.
    """
    role_ids = [r.id for r in pinnacle.roles]
    if grow.goal.role_id not in role_ids:
        raise RuleViolation(
            "M8",
            f"the goal's role {grow.goal.role_id!r} is not one of the pinnacle roles",
            f"pick the goal from the pinnacle roles {role_ids} (conversation 2)",
        )
    for n, option in enumerate(grow.options):
        if option.competency_id not in pinnacle.focus:
            raise RuleViolation(
                "M8",
                f"grow.options[{n}] develops {option.competency_id!r}, "
                "which the report did not choose as a focus",
                "add it to the focus first (the report chooses, M7) or drop the option",
            )
    ids: set[str] = set()
    for n, act in enumerate(grow.actions):
        where = f"grow.actions[{n}] (id={act.id})"
        if act.id in ids:
            raise InvalidInput(where, "distinct action ids", "duplicate id")
        ids.add(act.id)
        if not act.title.strip():
            raise InvalidInput(f"{where}.title", "a short description of the step", "empty")
        if not act.owner_id:
            raise RuleViolation("M8", f"{where} has no owner", "name who does it: the report or the manager")
        if act.owner_id not in participants:
            raise InvalidInput(
                f"{where}.owner_id", "the report's or the manager's id", f"unknown {act.owner_id!r}"
            )
        if act.due is None:
            raise RuleViolation("M8", f"{where} has no due date", "give it a date inside the horizon")
        if act.due < grow.starts or act.due > grow.horizon_end:
            raise RuleViolation(
                "M8",
                f"{where} is due {act.due.isoformat()}, outside the horizon "
                f"{grow.starts.isoformat()} to {grow.horizon_end.isoformat()}",
                "move the date inside the horizon or make the step smaller",
            )
        if not act.done_when.strip():
            raise RuleViolation("M8", f"{where} has no 'done when'", "say how you will both know it is done")
        if act.competency_id is not None and act.competency_id not in pinnacle.focus:
            raise InvalidInput(
                f"{where}.competency_id",
                "one of the focus competencies",
                f"{act.competency_id!r} is not a focus",
            )


class FindingKind(enum.Enum):
    """What the stress test can flag."""

    TOO_MANY_ACTIONS = "too_many_actions"
    NOT_EMBEDDED = "not_embedded"
    NO_ACTIONS = "no_actions"
    BUNCHED_UP = "bunched_up"


@frozen
class Finding:
    """One thing the stress test flags; a flag, not a refusal."""

    kind: FindingKind
    message: str
    action_id: str | None = None


def stress_test(grow: GrowPlan, rules: GrowRules = GrowRules()) -> tuple[Finding, ...]:
    """Is this achievable in the next X months (M8)? Flags, never refuses."""
    findings: list[Finding] = []
    capacity = max(1, int(grow.horizon_months * rules.actions_per_month))
    open_actions = [a for a in grow.actions if a.status is ActionStatus.OPEN]
    if not grow.actions:
        findings.append(Finding(FindingKind.NO_ACTIONS, "the plan has no concrete next step yet"))
    if len(open_actions) > capacity:
        findings.append(
            Finding(
                FindingKind.TOO_MANY_ACTIONS,
                f"{len(open_actions)} open steps in {grow.horizon_months} months; at a pace of "
                f"{rules.actions_per_month:g} a month about {capacity} fit",
            )
        )
    for act in open_actions:
        if act.opportunity is None:
            findings.append(
                Finding(
                    FindingKind.NOT_EMBEDDED,
                    f"step {act.id} is not tied to the current job (a role, project or team responsibility)",
                    act.id,
                )
            )
    by_month: dict[tuple[int, int], int] = {}
    for act in open_actions:
        if act.due is not None:
            ym = (act.due.year, act.due.month)
            by_month[ym] = by_month.get(ym, 0) + 1
    for (year, month), count in sorted(by_month.items()):
        if count > 2 * max(1.0, rules.actions_per_month):
            findings.append(
                Finding(
                    FindingKind.BUNCHED_UP,
                    f"{count} steps fall due in {year}-{month:02d}; spread them out",
                )
            )
    return tuple(findings)
