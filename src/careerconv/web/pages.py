"""Rendering: the Jinja2 templates, and the refusal page every error becomes.

Templates are escaped throughout (autoescape). A refusal shows the rule and
the fix in plain words, from the error's own fields; an unexpected error
shows its type's absence: one sentence and no detail, since a message may
quote what someone typed.
"""

from __future__ import annotations

from typing import Any

import jinja2
from starlette.responses import HTMLResponse

from careerconv.web.links import LinkRefused
from careerconv_core.domain.events import EventName
from careerconv_core.domain.pinnacle import RATING_SCALE
from careerconv_core.errors import (
    CareerconvError,
    ConcurrentChange,
    InvalidInput,
    NotFound,
    RuleViolation,
)

ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("careerconv.web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.globals["scale"] = {n: RATING_SCALE[n] for n in range(1, 6)}


SAID = {
    EventName.PLAN_ACCEPTED: "You said yes to the Career Conversations. Your answer is saved.",
    EventName.PLAN_LIFE_STORY_OPT_IN: "Your answer on conversation 1 is saved.",
    EventName.PLAN_DECLINED: "You said no, and that is respected: nothing more is scheduled.",
    EventName.PLAN_READINESS_CONFIRMED: "Your answer to the trust gate is saved.",
    EventName.COMPETENCY_RATED: "Your pinnacle and your ratings are saved.",
    EventName.FOCUS_CHOSEN: "Your pinnacle and the focus you chose are saved.",
    EventName.COMPETENCY_OBSERVED: "Your observation is saved, beside the report's own rating.",
    EventName.GROW_WRITTEN: "Your GROW plan is saved.",
    EventName.GROW_REVISED: "Your GROW plan is saved, as a new revision.",
    EventName.CONSENT_CHANGED: "Your choices on what leaves the two of you are saved.",
    EventName.HANDOFF_SHARED: "Your answer is saved: your plan is shared with your new manager.",
    EventName.HANDOFF_REFUSED: (
        "Your answer is saved: your plan stays with you; your new manager starts afresh."
    ),
    EventName.CHECK_IN_HELD: "Your check-in answer is saved.",
    EventName.FEEDBACK_GIVEN: "Your feedback is saved. Thank you.",
    EventName.LIFE_STORY_HELD: "Conversation 1 is recorded as held.",
    EventName.GROW_REVIEW_HELD: "Conversation 3 is recorded as held.",
    EventName.PLAN_SCHEDULED: "The conversation is moved, and the invitations will follow.",
}
"""What the page after a step says, by the step's event, in plain words."""


def said(event: EventName) -> str:
    """The sentence the page after ``event`` shows (never the event's name)."""
    return SAID.get(event, "Saved.")


def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """The template ``name`` rendered with ``context``."""
    return HTMLResponse(ENV.get_template(name).render(**context), status_code=status)


def refusal_parts(exc: CareerconvError) -> tuple[str, str, str, int]:
    """(rule, what is wrong, the fix, HTTP status) for a refusal, in plain words."""
    if isinstance(exc, LinkRefused):
        return "Who is acting", exc.problem, exc.fix, 403
    if isinstance(exc, RuleViolation):
        return f"Rule {exc.rule}", exc.problem, exc.fix, 409
    if isinstance(exc, InvalidInput):
        # The field and what is expected; never the value given, which may be someone's notes.
        return "A field to fix", f"{exc.field} is not right", f"give {exc.expected}", 422
    if isinstance(exc, NotFound):
        return "Not found", f"there is no {exc.what} here", "open the link exactly as it came to you", 404
    if isinstance(exc, ConcurrentChange):
        return (
            "The plan changed",
            "the plan changed since you opened it",
            "reload the page and make your change again",
            409,
        )
    return "Refused", str(exc), "correct it and try again", 400


def refusal(exc: CareerconvError, root: str = "") -> HTMLResponse:
    """The page a refusal becomes."""
    rule, problem, fix, status = refusal_parts(exc)
    return page("refusal.html", status, root=root, title="Refused", rule=rule, problem=problem, fix=fix)


def internal_error(root: str = "") -> HTMLResponse:
    """The page an unexpected error becomes: no traceback, no message."""
    return page(
        "refusal.html",
        500,
        root=root,
        title="Something went wrong",
        rule="Something went wrong on our side",
        problem="the page could not be made, and nothing was changed by it",
        fix="try again in a moment; if it happens again, tell whoever runs careerconv the time it happened",
    )
