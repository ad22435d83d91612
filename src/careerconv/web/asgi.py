"""The ASGI application: the report's and the manager's pages over the use cases.

Who is acting is proven on every request, by a signed link (``links``) or
by the host's own sign-in (``identify``, a callable that turns a request
into a person id, such as its SSO session's). The pages call the use cases
on the facade only; a step that changes the plan is taken at the version
the form was opened at, so a concurrent change is told, never overwritten.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

from attrs import define
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from careerconv.facade import Careerconv
from careerconv.web import forms, pages, team
from careerconv.web.disclosure import of, record_shown
from careerconv.web.links import READ_ONLY, LinkRefused, Signer
from careerconv.web.security import (
    CSRF_COOKIE,
    SecurityHeaders,
    csrf_ok,
    csrf_token,
    new_csrf_cookie,
)
from careerconv.web.steps import Step, Values, steps
from careerconv_core import colleagues, export
from careerconv_core.domain.catalog import Catalog
from careerconv_core.domain.grow import stress_test
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.errors import CareerconvError, ConcurrentChange
from careerconv_core.export.html_style import CSS as PLAN_CSS

Identify = Callable[[Request], "str | None"]
"""A host's sign-in: the id of the person a request comes from, or None when nobody is signed in."""

_log = logging.getLogger("careerconv.web")
_CSS = resources.files("careerconv.web").joinpath("static/style.css").read_text(encoding="utf-8")


@define
class Acting:
    """Who acts on which plan and page, and the version a link was bound to (None: the host's sign-in)."""

    person_id: str
    plan: CareerPlan
    step: Step
    link_version: int | None
    token: str | None


@define
class Web:
    """The pages' dependencies: the use cases, the link signer, the catalog, the host's sign-in."""

    services: Careerconv
    signer: Signer
    catalog: Catalog | None = None
    identify: Identify | None = None

    def now(self) -> datetime:
        return self.services.now()

    def link(self, request: Request, person_id: str, plan: CareerPlan, step: str) -> str:
        """The address of ``step`` for ``person_id``: signed, or the sign-in's own address."""
        root = request.scope.get("root_path", "")
        if self.identify is not None and self.identify(request) is not None:
            return f"{root}/p/{plan.id}/{step}"
        return f"{root}/l/{self.signer.sign(person_id, plan.id, step, plan.version, self.now())}"


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", ""))


def _acting(web: Web, request: Request) -> Acting:
    """Who acts, proven: by the link in the address, or by the host's sign-in."""
    table = steps(web.catalog)
    token = request.path_params.get("token")
    if token is not None:
        link = web.signer.check(str(token), web.now())
        person_id, plan_id, step_name, version = link.person_id, link.plan_id, link.step, link.version
    else:
        if web.identify is None:
            raise LinkRefused("this page needs a signed link", "open the link from your mail")
        signed_in = web.identify(request)
        if signed_in is None:
            raise LinkRefused("you are not signed in", "sign in, then open the page again")
        person_id, plan_id = signed_in, str(request.path_params["plan_id"])
        step_name, version = str(request.path_params["step"]), None
    step = table.get(step_name)
    if step is None:
        raise LinkRefused("there is no such page", "open the link exactly as it came to you")
    plan = web.services.plan(plan_id)
    if step.who == "report" and person_id != plan.report_id:
        raise LinkRefused(
            "this page is the report's own: only they take this step",
            "as their manager, open the links meant for you (the trust gate, what is due); "
            "the report answers here themselves",
        )
    if step.who == "manager" and person_id != plan.manager_id:
        raise LinkRefused("this page is the manager's", "open the page meant for you")
    if step.who == "either":
        plan.require_viewer(person_id, web.now())
    if version is not None and step.name not in READ_ONLY and version != plan.version:
        if request.method == "POST":  # a form sent after the plan moved on: keep what was typed
            raise ConcurrentChange(plan.id, version)
        raise LinkRefused(
            "this link was used already, or the plan changed since it was sent",
            "a link takes one step only; open your newest link, or ask for the step again",
        )
    return Acting(person_id, plan, step, version, None if token is None else str(token))


def context(web: Web, request: Request, acting: Acting, values: Values, **more: Any) -> dict[str, Any]:
    """What every step's template is given: who, which plan, the form's token, the values typed."""
    cookie = request.cookies.get(CSRF_COOKIE) or request.state.new_cookie
    plan = acting.plan
    report = web.services.person(plan.report_id)
    manager = colleagues.named(web.services.store, plan.manager_id)  # "a former colleague" once they left
    return {
        "root": _root(request),
        "title": acting.step.title,
        "step": acting.step.name,
        "plan": plan,
        "report": report,
        "manager": manager,
        "person_id": acting.person_id,
        "csrf": csrf_token(web.signer.secret, cookie, request.url.path),
        "v": lambda name, default="": (values.get(name) or [default])[0],
        "vs": lambda name: values.get(name, []),
        "catalog": web.catalog,
        "query": request.query_params.get("q", "")[:100],
        "stress": [],
        "message": "",
        "refused": None,
        "choices": [],
        **more,
    }


def _values(form: Any) -> Values:
    return {key: [str(v) for v in form.getlist(key)] for key in form}


async def _page(request: Request) -> Response:
    """A step's page; every refusal becomes a page, an unexpected error one without detail.

    The form is read here; the step itself runs in a worker thread, since the use cases
    and the store block.
    """
    try:
        values = _values(await request.form()) if request.method == "POST" else {}
        return await run_in_threadpool(_step_page, request, values)
    except CareerconvError as exc:
        return pages.refusal(exc, _root(request))
    except Exception as exc:  # noqa: BLE001 - a bug: the user gets a page, the log the type only
        _log.error("web: internal error (%s) on a %s request", type(exc).__name__, request.method)
        return pages.internal_error(_root(request))


def _step_page(request: Request, values: Values) -> Response:
    web: Web = request.app.state.web
    request.state.new_cookie = new_csrf_cookie()
    try:
        acting = _acting(web, request)
    except ConcurrentChange:
        return _conflict(request, values, None)
    if request.method == "POST":
        response = _post(web, request, acting, values)
    elif acting.step.name == "plan":
        response = _plan_page(web, request, acting)
    elif acting.step.name == "due":
        response = _due_page(web, request, acting)
    elif acting.step.name == "team":
        response = team.team_page(web, request, acting, context(web, request, acting, {}))
    else:
        record_shown(web.services, [of(acting.plan)], acting.person_id, acting.step.name)
        response = _form(web, request, acting, acting.step.initial(acting.plan))
    if CSRF_COOKIE not in request.cookies:
        response.set_cookie(
            CSRF_COOKIE,
            request.state.new_cookie,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
    return response


def _form(
    web: Web, request: Request, acting: Acting, values: Values, status: int = 200, **more: Any
) -> Response:
    ctx = context(web, request, acting, values, **more)
    if acting.step.name == "pinnacle":
        ctx["choices"] = _choices(web, acting.plan, values, str(ctx["query"]))
    if acting.step.name == "grow" and not ctx["stress"] and acting.plan.grow is not None:
        ctx["stress"] = [f.message for f in stress_test(acting.plan.grow, web.services.settings.grow)]
    return pages.page(f"{acting.step.name}.html", status, **ctx)


SEARCH_RESULTS = 30


def _choices(web: Web, plan: CareerPlan, values: Values, query: str) -> list[tuple[str, str, str]]:
    """The competencies the pinnacle page lists: those on the plan or ticked, then catalog matches."""
    known = {c.id: (c.name, c.group) for c in (web.catalog.competencies if web.catalog else ())}
    known.update(
        {
            c.competency_id: (c.name, known.get(c.competency_id, ("", ""))[1])
            for c in plan.pinnacle.competencies
        }
    )
    shown = list(
        dict.fromkeys([*(c.competency_id for c in plan.pinnacle.competencies), *values.get("competency", [])])
    )
    words = query.casefold().split()
    if words and web.catalog is not None:
        found = [
            c.id
            for c in web.catalog.competencies
            if all(w in f"{c.name} {c.group} {c.description}".casefold() for w in words)
        ]
        shown += [cid for cid in found if cid not in shown][:SEARCH_RESULTS]
    return [(cid, *known.get(cid, (cid, ""))) for cid in shown if cid in known]


DUE_DAYS = 31  # the manager's page shows what falls due within a month, overdue first


def _due_page(web: Web, request: Request, acting: Acting) -> Response:
    """What is due for the manager across their reports (M10), read-only."""
    today = web.now().date()
    items = sorted(web.services.due(today + timedelta(days=DUE_DAYS), acting.person_id), key=lambda i: i.due)
    names = {pid: web.services.person(pid).name for pid in {i.report_id for i in items}}
    record_shown(
        web.services, [(i.plan_id, i.report_id, i.manager_id) for i in items], acting.person_id, "due"
    )
    rows = [(i.due, i.due < today, names[i.report_id], i.kind.value.replace("_", " ")) for i in items]
    team_link = web.link(request, acting.person_id, acting.plan, "team")
    return pages.page(
        "due.html", **context(web, request, acting, {}), rows=rows, today=today, team_link=team_link
    )


def _plan_page(web: Web, request: Request, acting: Acting) -> Response:
    plan = acting.plan
    report, manager = (
        web.services.person(plan.report_id),
        colleagues.named(web.services.store, plan.manager_id),
    )
    record_shown(web.services, [of(plan)], acting.person_id, "plan")  # on the trail before it leaves
    # The export's page with its style as our own sheet: the CSP allows no inline style here either.
    sheet = f"{_root(request)}/static/plan.css"
    return HTMLResponse(
        export.html(plan, report, manager, catalog=web.catalog, now=web.now(), stylesheet=sheet)
    )


def _post(web: Web, request: Request, acting: Acting, values: Values) -> Response:
    if not csrf_ok(
        web.signer.secret, request.cookies.get(CSRF_COOKIE), request.url.path, forms.one(values, "csrf")
    ):
        raise LinkRefused(
            "this form's safety check failed (it was not sent from the page careerconv showed you)",
            "reload the page and send the form from there; nothing was changed",
        )
    if acting.step.name == "team":  # the whole team: each plan is placed at its own version
        try:
            return team.team_post(web, request, acting, values, context(web, request, acting, values))
        except CareerconvError as exc:
            rule, problem, fix, status = pages.refusal_parts(exc)
            ctx = context(web, request, acting, values, refused=(rule, problem, fix))
            return team.team_page(web, request, acting, ctx, status)
    if acting.step.apply is None:
        raise LinkRefused("this page changes nothing", "open the page itself")
    version = forms.version_of(values)
    if acting.link_version is not None and version != acting.link_version:
        raise LinkRefused("this form does not belong to this link", "reload the page from your link")
    if acting.step.name == "pinnacle" and "search" in values:  # a catalog search keeps what was typed
        return _form(web, request, acting, values, query=forms.one(values, "q")[:100])
    if acting.step.name == "grow" and "check" in values:  # the stress test, nothing saved
        grow = forms.grow(values, acting.plan, web.now().date(), web.services.settings.grow.horizon_months)
        stress = [f.message for f in stress_test(grow, web.services.settings.grow)] or ["no findings"]
        return _form(web, request, acting, values, stress=stress, message="Checked, not saved yet.")
    svc = web.services.at_version(acting.plan.id, version)
    try:
        report = acting.step.apply(svc, acting.plan, acting.person_id, values, web.now())
    except ConcurrentChange:
        return _conflict(request, values, None if acting.token is not None else request.url.path)
    except CareerconvError as exc:
        rule, problem, fix, status = pages.refusal_parts(exc)
        return _form(web, request, acting, values, status, refused=(rule, problem, fix))
    nexts = [(name, web.link(request, acting.person_id, report.plan, name)) for name in acting.step.next]
    return pages.page(
        "done.html",
        root=_root(request),
        title="Done",
        said=pages.said(report.events[0]),
        findings=list(report.findings),
        nexts=[(steps(web.catalog)[n].title, url) for n, url in nexts],
    )


def _conflict(request: Request, values: Values, again: str | None) -> Response:
    """The plan changed since the form was opened: nothing applied, and everything typed shown back."""
    return pages.page(
        "conflict.html",
        409,
        root=_root(request),
        title="The plan changed since you opened it",
        typed=[
            (k, vs) for k, vs in values.items() if k not in {"csrf", "version", "check", "search"} and any(vs)
        ],
        again=again,
    )


async def _home(request: Request) -> Response:
    return pages.page("home.html", root=_root(request), title="Career Conversations")


async def _style(_request: Request) -> Response:
    return Response(_CSS, media_type="text/css")


async def _plan_style(_request: Request) -> Response:
    return Response(PLAN_CSS, media_type="text/css")


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    what = {404: "there is no such page", 405: "this page does not take that kind of request"}
    return pages.page(
        "refusal.html",
        status,
        root=_root(request),
        title="Not here",
        rule="Not here",
        problem=what.get(status, "this request cannot be answered"),
        fix="open the link exactly as it came to you",
    )


def create_app(
    services: Careerconv,
    signer: Signer,
    *,
    catalog: Catalog | None = None,
    identify: Identify | None = None,
    frame_ancestors: str = "'none'",
) -> Any:
    """The web surface as an ASGI application, for a host to mount under its own path.

    ``services`` are the use cases (``careerconv.open(home)`` or
    ``careerconv.connect(...)``); ``signer`` checks the links in the notices;
    ``identify`` lets the host's own sign-in say who is acting instead
    (pages under ``/p/PLAN/STEP``); ``frame_ancestors`` who may embed them.
    """
    routes = [
        Route("/", _home),
        Route("/static/style.css", _style),
        Route("/static/plan.css", _plan_style),
        Route("/l/{token}", _page, methods=["GET", "POST"]),
        Route("/p/{plan_id}/{step}", _page, methods=["GET", "POST"]),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: _http_error},
    )
    app.state.web = Web(services, signer, catalog, identify)
    return SecurityHeaders(app, frame_ancestors)
