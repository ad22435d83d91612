"""The manager's page of their team's schedule: the conversations placed, and placing the rest.

It lists each open plan of the manager's reports with its three conversations
(in the manager's own time zone) and a link to move each plan's conversations;
a form places, for the month from a day, the conversations of every report
who is ready (``schedule_team``), and the answer tells what could not fit and
why, and who is not ready yet under which rule. Nobody is dropped silently.

The page is reached from a link to any of the manager's plans (the due page
carries one); it shows the whole team, so it is recorded on each report's
trail (``disclosure``). Like the due page it only reads when opened, so its
link is honoured until it expires; the form is guarded by the CSRF check.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from careerconv.web import forms, pages
from careerconv.web.disclosure import of, record_shown
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.errors import InvalidInput

if TYPE_CHECKING:
    from careerconv.web.asgi import Acting, Web

Row = tuple[str, list[tuple[str, str, str]], str]
"""A report's name, their conversations (what, when, state) and the link to move them."""


def _rows(web: Web, request: Request, manager_id: str, plans: list[CareerPlan]) -> list[Row]:
    zone = web.services.person(manager_id).zone
    rows = []
    for plan in plans:
        talks = [
            (
                c.kind.value.replace("_", " "),
                c.start.astimezone(zone).strftime("%Y-%m-%d %H:%M") if c.start else "not placed",
                c.status.value.replace("_", " "),
            )
            for c in plan.conversations
        ]
        name = web.services.person(plan.report_id).name
        rows.append((name, talks, web.link(request, manager_id, plan, "move")))
    return rows


def team_page(
    web: Web, request: Request, acting: Acting, ctx: dict[str, Any], status: int = 200, **more: Any
) -> Response:
    """The team's conversations as placed, each plan with its link to move them (``ctx``: the
    page's common context, ``asgi.context``)."""
    plans = sorted(web.services.team_plans(acting.person_id), key=lambda p: p.report_id)
    record_shown(web.services, [of(p) for p in plans], acting.person_id, "team")  # before it leaves
    zone = web.services.person(acting.person_id).time_zone
    return pages.page(
        "team.html",
        status,
        **ctx,
        rows=_rows(web, request, acting.person_id, plans),
        zone=zone,
        **more,
    )


def team_post(web: Web, request: Request, acting: Acting, values: Any, ctx: dict[str, Any]) -> Response:
    """Place the ready reports' conversations for the month from the day given; tell what did not fit."""
    text = forms.one(values, "start")
    try:
        start = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("start", "a day, such as 2027-02-01", "not a day") from None
    done = web.services.schedule_team(acting.person_id, start)
    names = {pid: web.services.person(pid).name for pid in {*done.placed, *done.unplaced, *done.not_ready}}
    return team_page(
        web,
        request,
        acting,
        ctx,
        placed=sorted(names[r] for r in done.placed),
        unplaced=sorted((names[r], b.reason, b.fix) for r, b in done.unplaced.items()),
        not_ready=sorted((names[r], why) for r, why in done.not_ready.items()),
        ran=True,
    )
