"""What a posted form says, read into the method's values (pinnacle, GROW, consent, answers).

Each reader takes the form's fields as lists of text (a browser may send a
field twice) and builds the domain's own values, whose constructors check
them: a bad value is refused by the domain's ``InvalidInput`` or
``RuleViolation``, shown on the page with the field and the fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from careerconv_core.domain.grow import (
    Action,
    DevelopmentOption,
    Goal,
    GrowPlan,
    Opportunity,
    OpportunityKind,
)
from careerconv_core.domain.pinnacle import CompetencyRating, Pinnacle, PinnacleRole
from careerconv_core.domain.plan import CareerPlan, Consent
from careerconv_core.errors import InvalidInput

Form = Mapping[str, Sequence[str]]
"""A posted form: each field's values, in the order sent."""

ROLES = 3  # M5: a dream narrowed to at most three roles
ACTION_ROWS = 6
MAX_FIELD = 2000  # characters in one field; more is refused, not cut


def one(form: Form, name: str, default: str = "") -> str:
    """The field's single value, stripped; refused when too long."""
    values = form.get(name) or [default]
    value = values[0].strip()
    if len(value) > MAX_FIELD:
        raise InvalidInput(name, f"at most {MAX_FIELD} characters", f"{len(value)} characters")
    return value


def lines(form: Form, name: str) -> tuple[str, ...]:
    """A text area's non-empty lines."""
    return tuple(line.strip() for line in one(form, name).splitlines() if line.strip())


def checked(form: Form, name: str) -> bool:
    """Whether a checkbox was ticked."""
    return one(form, name) in {"on", "yes", "true", "1"}


def version_of(form: Form) -> int:
    """The plan version the form was opened at."""
    text = one(form, "version")
    if not text.isdigit():
        raise InvalidInput("version", "the plan version the page was opened at", "missing")
    return int(text)


def pinnacle(form: Form, plan: CareerPlan, names: Mapping[str, str]) -> Pinnacle:
    """The report's conversation 2: roles, careers crossed out, ratings and focus (M5-M7)."""
    existing = {r.id: r for r in plan.pinnacle.roles}
    roles = []
    for n in range(1, ROLES + 1):
        title = one(form, f"role{n}_title")
        if title:
            role_id = one(form, f"role{n}_id") or f"role-{n}"  # a role keeps its id: a goal names it
            old = existing.get(role_id)
            roles.append(
                PinnacleRole(
                    role_id, title, one(form, f"role{n}_company"), old.catalog_role_id if old else None
                )
            )
    chosen = one(form, "chosen_role") or None
    if chosen is not None and chosen not in {r.id for r in roles}:
        raise InvalidInput("chosen_role", "one of the roles written above", "a role left empty")
    listed = list(dict.fromkeys(form.get("competency", [])))
    comps = []
    for cid in listed:
        rating = one(form, f"rating_{cid}")
        if rating and rating not in {"1", "2", "3", "4", "5"}:
            raise InvalidInput(f"rating of {cid}", "a rating from 1 to 5", "not one of them")
        comps.append(CompetencyRating(cid, names.get(cid, cid), int(rating) if rating else None))
    focus = tuple(cid for cid in dict.fromkeys(form.get("focus", [])) if cid in listed)
    return Pinnacle(
        dream=one(form, "dream"),
        roles=tuple(roles),
        crossed_out=lines(form, "crossed_out"),
        chosen_role_id=chosen,
        competencies=tuple(comps),
        focus=focus,
    )


def _day(text: str, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(name, "a date YYYY-MM-DD", "not a date") from None


def grow(form: Form, plan: CareerPlan, today: date, horizon_months: int) -> GrowPlan:
    """The report's GROW homework (M8, M9): goal, options, actions."""
    goal = Goal(one(form, "goal_role"), one(form, "goal_statement"))
    options = tuple(
        DevelopmentOption(cid, lines(form, f"ways_{cid}"))
        for cid in plan.pinnacle.focus
        if lines(form, f"ways_{cid}")
    )
    actions = []
    for n in range(1, ACTION_ROWS + 1):
        title = one(form, f"action{n}_title")
        if not title:
            continue
        kind = one(form, f"action{n}_opportunity")
        kinds = {k.value: k for k in OpportunityKind}
        if kind and kind not in kinds:
            raise InvalidInput(f"action {n} opportunity", f"one of {', '.join(kinds)}", "not one of them")
        opportunity = Opportunity(kinds[kind], one(form, f"action{n}_where")) if kind else None
        actions.append(
            Action(
                id=f"a{n}",
                title=title,
                owner_id=one(form, f"action{n}_owner", plan.report_id),
                due=_day(one(form, f"action{n}_due"), f"action {n} due date"),
                done_when=one(form, f"action{n}_done_when"),
                opportunity=opportunity,
                competency_id=one(form, f"action{n}_competency") or None,
            )
        )
    starts = plan.grow.starts if plan.grow is not None else today
    return GrowPlan(goal, starts, options, tuple(actions), horizon_months)


def local_moment(form: Form, name: str, zone: ZoneInfo) -> datetime:
    """A ``datetime-local`` field as a moment in the reader's time zone; a time the clocks skip is refused."""
    text = one(form, name)
    try:
        naive = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(name, "a date and time, such as 2027-01-12T10:00", "not a date and time") from None
    if naive.tzinfo is not None:
        raise InvalidInput(name, "a local date and time without an offset", "an offset was given")
    placed = naive.replace(tzinfo=zone)
    if placed.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise InvalidInput(
            name, f"a time that exists in {zone.key} (the clocks jump forward then)", "skipped"
        )
    return placed


def consent(form: Form) -> Consent:
    """What the report lets leave the pair."""
    return Consent(
        share_goal_on_tickets=checked(form, "share_goal_on_tickets"),
        summary_to_hris=checked(form, "summary_to_hris"),
        goal_in_summary=checked(form, "goal_in_summary"),
    )


def yes_no(form: Form, name: str) -> bool:
    """A required yes or no answer."""
    value = one(form, name)
    if value not in {"yes", "no"}:
        raise InvalidInput(name, "yes or no", "no answer chosen")
    return value == "yes"


def score(form: Form) -> int:
    """A feedback score from 0 to 10."""
    value = one(form, "score")
    if not value.isdigit() or not 0 <= int(value) <= 10:
        raise InvalidInput("score", "a whole number from 0 to 10", "none chosen")
    return int(value)
