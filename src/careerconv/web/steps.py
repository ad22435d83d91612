"""The pages' steps: what each shows filled in from the plan, and which use case a post takes.

A step's ``initial`` gives the form's fields from the plan as it is (so a
page opened and one sent back after a refusal look alike); ``apply`` reads
the posted form (``forms``) and calls one use case on the facade, for the
person the link or the host's sign-in proved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from attrs import frozen

from careerconv.facade import Careerconv
from careerconv.web import forms
from careerconv_core.domain.cadence import CheckInKind
from careerconv_core.domain.catalog import Catalog
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.domain.life_story import LifeStory
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.errors import InvalidInput
from careerconv_core.services import StepReport

Values = dict[str, list[str]]
Apply = Callable[[Careerconv, CareerPlan, str, forms.Form, datetime], StepReport]


@frozen
class Step:
    """One page: its title, who may open it, what it starts with, what a post does, where next."""

    name: str
    title: str
    who: str  # "report", "manager" or "either"
    initial: Callable[[CareerPlan], Values]
    apply: Apply | None
    next: tuple[str, ...] = ("plan",)


def _nothing(_plan: CareerPlan) -> Values:
    return {}


def _proposal(svc: Careerconv, plan: CareerPlan, who: str, form: forms.Form, _at: datetime) -> StepReport:
    if forms.one(form, "answer") == "decline":
        return svc.decline(plan.id, who)
    if plan.status.value != "proposed":  # accepted before: the answer on conversation 1 alone
        return svc.opt_in_life_story(plan.id, who, forms.checked(form, "life_story"))
    return svc.accept(plan.id, who, forms.checked(form, "life_story"))


def _pinnacle_initial(plan: CareerPlan) -> Values:
    p = plan.pinnacle
    values: Values = {"dream": [p.dream], "crossed_out": ["\n".join(p.crossed_out)]}
    for n, role in enumerate(p.roles[: forms.ROLES], start=1):
        values[f"role{n}_title"] = [role.title]
        values[f"role{n}_company"] = [role.company]
        values[f"role{n}_id"] = [role.id]
    if p.chosen_role_id:
        values["chosen_role"] = [p.chosen_role_id]
    values["competency"] = [c.competency_id for c in p.competencies]
    for c in p.competencies:
        values[f"rating_{c.competency_id}"] = [str(c.self_rating or "")]
    values["focus"] = list(p.focus)
    return values


def pinnacle_apply(catalog: Catalog | None) -> Apply:
    """The pinnacle step, naming competencies from the catalog or the plan."""

    def apply(svc: Careerconv, plan: CareerPlan, who: str, form: forms.Form, _at: datetime) -> StepReport:
        names = {c.id: c.name for c in (catalog.competencies if catalog else ())}
        names.update({c.competency_id: c.name for c in plan.pinnacle.competencies})
        return svc.record_pinnacle(plan.id, who, forms.pinnacle(form, plan, names))

    return apply


def _grow_initial(plan: CareerPlan) -> Values:
    g = plan.grow
    if g is None:
        return {"goal_role": [plan.pinnacle.chosen_role_id or ""]}
    values: Values = {"goal_role": [g.goal.role_id], "goal_statement": [g.goal.statement]}
    for o in g.options:
        values[f"ways_{o.competency_id}"] = ["\n".join(o.ways)]
    for n, a in enumerate(g.actions[: forms.ACTION_ROWS], start=1):
        values[f"action{n}_title"] = [a.title]
        values[f"action{n}_owner"] = [a.owner_id]
        values[f"action{n}_due"] = [a.due.isoformat() if a.due else ""]
        values[f"action{n}_done_when"] = [a.done_when]
        values[f"action{n}_opportunity"] = [a.opportunity.kind.value if a.opportunity else ""]
        values[f"action{n}_where"] = [a.opportunity.description if a.opportunity else ""]
        values[f"action{n}_competency"] = [a.competency_id or ""]
    return values


def _grow(svc: Careerconv, plan: CareerPlan, who: str, form: forms.Form, at: datetime) -> StepReport:
    grow = forms.grow(form, plan, at.date(), svc.settings.grow.horizon_months)
    return svc.write_grow(plan.id, who, grow)


def _consent_initial(plan: CareerPlan) -> Values:
    c = plan.consent
    return {
        name: ["on"] if getattr(c, name) else []
        for name in ("share_goal_on_tickets", "summary_to_hris", "goal_in_summary")
    }


def _consent(svc: Careerconv, plan: CareerPlan, who: str, form: forms.Form, _at: datetime) -> StepReport:
    return svc.set_consent(plan.id, who, forms.consent(form))


def _handoff(svc: Careerconv, plan: CareerPlan, who: str, form: forms.Form, _at: datetime) -> StepReport:
    return svc.answer_handoff(plan.id, who, forms.yes_no(form, "share"))


def _checkin(svc: Careerconv, plan: CareerPlan, who: str, form: forms.Form, _at: datetime) -> StepReport:
    return svc.check_in(
        plan.id,
        who,
        CheckInKind.CHECK_IN,
        on_track=forms.yes_no(form, "on_track"),
        declines_more_conversation=forms.checked(form, "no_more"),
    )


def _feedback(svc: Careerconv, plan: CareerPlan, who: str, form: forms.Form, _at: datetime) -> StepReport:
    return svc.give_feedback(plan.id, who, forms.score(form))


def _readiness(svc: Careerconv, plan: CareerPlan, who: str, form: forms.Form, _at: datetime) -> StepReport:
    return svc.confirm_readiness(
        plan.id, who, forms.checked(form, "equipped"), forms.checked(form, "trust_in_place")
    )


def _observe(svc: Careerconv, plan: CareerPlan, who: str, form: forms.Form, _at: datetime) -> StepReport:
    rating = forms.one(form, "manager_rating")
    if rating and rating not in {"1", "2", "3", "4", "5"}:
        raise InvalidInput("manager_rating", "a rating from 1 to 5, or none", "not one of them")
    return svc.observe_competency(
        plan.id,
        who,
        forms.one(form, "competency"),
        forms.one(form, "observation"),
        int(rating) if rating else None,
    )


def _record(svc: Careerconv, plan: CareerPlan, who: str, form: forms.Form, _at: datetime) -> StepReport:
    held = forms.one(form, "held")
    if held == "life_story":
        story = LifeStory(forms.one(form, "notes"), forms.lines(form, "drives"), forms.lines(form, "values"))
        return svc.record_life_story(plan.id, who, story)
    if held == "grow_review":
        return svc.record_grow_review(plan.id, who)
    raise InvalidInput(
        "held", "which conversation was held: 1 (life story) or 3 (GROW review)", "none chosen"
    )


def _move(svc: Careerconv, plan: CareerPlan, who: str, form: forms.Form, _at: datetime) -> StepReport:
    kinds = {k.value: k for k in ConversationKind}
    kind = kinds.get(forms.one(form, "conversation"))
    if kind is None:
        raise InvalidInput("conversation", "one of the three conversations", "none chosen")
    start = forms.local_moment(form, "start", svc.person(who).zone)
    return svc.reschedule(plan.id, who, kind, start, forms.checked(form, "shift_later"))


def steps(catalog: Catalog | None) -> Mapping[str, Step]:
    """Every page by its step name."""
    listed = (
        Step("proposal", "Career Conversations: your answer", "report", _nothing, _proposal, ("pinnacle",)),
        Step(
            "pinnacle",
            "Your pinnacle: dream roles and competencies",
            "report",
            _pinnacle_initial,
            pinnacle_apply(catalog),
            ("grow",),
        ),
        Step("grow", "Your GROW plan", "report", _grow_initial, _grow, ("consent",)),
        Step("consent", "What leaves the two of you", "report", _consent_initial, _consent),
        Step("handoff", "Your plan and your new manager", "report", _nothing, _handoff),
        Step("checkin", "Your check-in answer", "report", _nothing, _checkin),
        Step("feedback", "Feedback on the conversations", "either", _nothing, _feedback),
        Step("readiness", "Before conversation 1: the trust gate", "manager", _nothing, _readiness),
        Step("observe", "Your observation beside a rating", "manager", _nothing, _observe, ("observe",)),
        Step("record", "Record a conversation held", "manager", _nothing, _record, ("due",)),
        Step("move", "Move a conversation", "manager", _nothing, _move, ("due",)),
        Step("due", "What is due", "manager", _nothing, None, ()),
        Step("team", "Your team's schedule", "manager", _nothing, None, ()),
        Step("plan", "The plan", "either", _nothing, None, ()),
    )
    return {s.name: s for s in listed}
