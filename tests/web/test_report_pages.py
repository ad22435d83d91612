"""The report's pages over HTTP: from the proposal mail to a written GROW plan and a consent.

Each step is posted as the browser would send its form, and what the plan
holds afterwards is read back from the store: the report's answer, roles,
ratings and focus, the GROW plan, the consent.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from support.web_home import EXAMPLES, MANAGER, REPORT, WebTeam, csrf_of, version_of


def _form(page: Any, **fields: str | list[str]) -> dict[str, Any]:
    return {"csrf": csrf_of(page.text), "version": version_of(page.text), **fields}


def _next_link(done: Any, title: str) -> str:
    found = re.search(r'<a href="([^"]+)">' + re.escape(title), done.text)
    assert found, f"no link to {title!r} on the page"
    return found.group(1)


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    team = WebTeam(tmp_path_factory.mktemp("journey") / "home")
    client = TestClient(team.asgi())
    seen: dict[str, Any] = {"team": team, "client": client}
    path = team.mail_link("proposal")
    page = client.get(path)
    seen["accepted"] = client.post(path, data=_form(page, answer="accept", life_story="on"))
    team.to_pinnacle()
    path = team.link(REPORT, "pinnacle")
    page = client.get(path)
    searched = client.post(path, data=_form(page, role1_title="VP of Engineering", q="hiring", search="1"))
    seen["searched"] = searched
    hiring = re.search(r'name="competency" value="([^"]+)"', searched.text)
    assert hiring, "the search found no competency"
    cid = hiring.group(1)
    seen["pinnacle"] = client.post(
        path,
        data=_form(
            searched,
            role1_title="VP of Engineering",
            role1_company="a product company",
            role2_title="Founder and CTO",
            chosen_role="role-1",
            crossed_out="finance\nsales",
            dream="Lead engineering for makers",
            competency=[cid],
            **{f"rating_{cid}": "2"},
            focus=[cid],
        ),
    )
    seen["cid"] = cid
    grow = team.mail_link("homework")  # the homework notice carries its own link (M9)
    page = client.get(grow)
    action = {
        "goal_role": "role-1",
        "goal_statement": "Lead an engineering org",
        f"ways_{cid}": "shadow interviews\nrun a hiring loop",
        "action1_title": "Run two hiring loops",
        "action1_owner": REPORT,
        "action1_due": "2027-03-01",
        "action1_opportunity": "team_responsibility",
        "action1_where": "hiring for the platform team",
        "action1_done_when": "two offers made",
        "action1_competency": cid,
        "action2_title": "Read a book on interviewing",
        "action2_owner": MANAGER,
        "action2_due": "2027-02-01",
    }
    seen["checked"] = client.post(grow, data=_form(page, check="1", **action))
    seen["grow_refused"] = client.post(grow, data=_form(page, **action))  # action 2: no "done when"
    action["action2_done_when"] = "notes shared with Maya"
    seen["grow"] = client.post(grow, data=_form(page, **action))
    consent = _next_link(seen["grow"], "What leaves the two of you")
    page = client.get(consent)
    seen["consent"] = client.post(consent, data=_form(page, summary_to_hris="on"))
    seen["plan_page"] = client.get(_next_link(seen["consent"], "The plan"))
    seen["plan"] = team.plan()
    return seen


def test_the_report_accepts_from_the_proposal_mail(journey: dict[str, Any]) -> None:
    assert journey["accepted"].status_code == 200
    assert journey["plan"].life_story_opt_in is True


def test_the_catalog_search_finds_competencies_and_keeps_what_was_typed(journey: dict[str, Any]) -> None:
    page = journey["searched"]
    assert page.status_code == 200
    assert 'value="VP of Engineering"' in page.text
    assert "3: capable" in page.text  # the scale's words beside each rating


def test_the_pinnacle_is_the_report_s_own(journey: dict[str, Any]) -> None:
    assert journey["pinnacle"].status_code == 200, journey["pinnacle"].text
    p = journey["plan"].pinnacle
    assert [r.title for r in p.roles] == ["VP of Engineering", "Founder and CTO"]
    assert p.chosen_role_id == "role-1" and p.crossed_out == ("finance", "sales")
    assert p.competency(journey["cid"]).self_rating == 2
    assert p.focus == (journey["cid"],)


def test_the_stress_test_is_shown_before_saving(journey: dict[str, Any]) -> None:
    checked = journey["checked"]
    assert checked.status_code == 200 and "Checked, not saved yet" in checked.text
    assert "Stress test" in checked.text
    assert "not embedded" in checked.text or "current job" in checked.text  # action 2 has no opportunity


def test_an_action_without_done_when_is_refused_by_its_rule_and_kept(journey: dict[str, Any]) -> None:
    refused = journey["grow_refused"]
    assert refused.status_code == 409
    assert "Rule M8" in refused.text and "done when" in refused.text and "What to do" in refused.text
    assert 'value="Read a book on interviewing"' in refused.text


def test_the_grow_plan_is_written_by_the_report(journey: dict[str, Any]) -> None:
    assert journey["grow"].status_code == 200, journey["grow"].text
    grow = journey["plan"].grow
    assert grow.goal.role_id == "role-1"
    assert [a.title for a in grow.actions] == ["Run two hiring loops", "Read a book on interviewing"]
    assert grow.actions[0].opportunity.description == "hiring for the platform team"
    assert grow.actions[1].owner_id == MANAGER


def test_the_consent_is_the_report_s_choice(journey: dict[str, Any]) -> None:
    assert journey["consent"].status_code == 200
    consent = journey["plan"].consent
    assert consent.summary_to_hris and not consent.share_goal_on_tickets and not consent.goal_in_summary


def test_the_plan_page_is_the_export_with_its_chart(journey: dict[str, Any]) -> None:
    page = journey["plan_page"]
    assert page.status_code == 200
    assert "Run two hiring loops" in page.text and 'class="bar level-' in page.text
    csp = page.headers["content-security-policy"]
    # As strict as every other page: the export's style is a sheet of ours, its chart drawn by class.
    assert "script-src 'none'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<style" not in page.text and "style=" not in page.text and "<script" not in page.text
    assert '<link rel="stylesheet" href="/static/plan.css">' in page.text


@pytest.mark.parametrize("step", ["feedback", "checkin", "handoff"])
def test_the_other_report_pages_open(tmp_path: Path, step: str) -> None:
    team = WebTeam(tmp_path / "home")
    page = TestClient(team.asgi()).get(team.link(REPORT, step))
    assert page.status_code in {200, 409}
    assert "<form" in page.text or "What to do" in page.text


def test_the_manager_s_due_page_lists_what_falls_due_and_the_report_cannot_open_it(tmp_path: Path) -> None:
    team = WebTeam(tmp_path / "home")
    client = TestClient(team.asgi())
    path = team.mail_link("proposal")
    client.post(path, data=_form(client.get(path), answer="accept", life_story="on"))
    team.to_pinnacle()
    page = client.get(team.link(MANAGER, "due"))
    assert page.status_code == 200
    assert "Jonas Weber" in page.text and "conversation" in page.text
    assert client.get(team.link(REPORT, "due")).status_code == 403


def test_the_manager_s_observation_goes_beside_the_report_s_rating(journey: dict[str, Any]) -> None:
    team, client, cid = journey["team"], journey["client"], journey["cid"]
    assert client.get(team.link(REPORT, "observe")).status_code == 403  # the manager's page
    path = team.link(MANAGER, "observe")
    page = client.get(path)
    assert page.status_code == 200 and "never replaces it" in page.text
    done = client.post(
        path, data=_form(page, competency=cid, observation="ran two loops well", manager_rating="3")
    )
    assert done.status_code == 200, done.text
    rating = team.plan().pinnacle.competency(cid)
    assert rating.self_rating == 2 and rating.manager_rating == 3
    assert rating.manager_observation == "ran two loops well"


def test_the_report_answers_a_handoff_from_the_consent_request_mail(tmp_path: Path) -> None:
    team = WebTeam(tmp_path / "home")
    team.cli("propose", "priya")
    client = TestClient(team.asgi())
    accept = team.mail_link("proposal", "priya")
    client.post(accept, data=_form(client.get(accept), answer="accept"))
    team.cli("org", "import", str(EXAMPLES / "org-later.toml"))  # priya moves to daniel (M12)
    path = team.mail_link("consent_request", "priya")
    page = client.get(path)
    assert page.status_code == 200 and "May your plan go to your new manager?" in page.text
    assert client.get(team.link("maya", "handoff", report="priya")).status_code == 403
    done = client.post(path, data=_form(page, share="yes"))
    assert done.status_code == 200, done.text
    handoff = team.plan("priya").handoffs[-1]
    assert handoff.consented


@pytest.mark.parametrize(
    ("step", "fields", "named"),
    [
        (
            "grow",
            {"goal_role": "role-1", "action1_title": "x", "action1_opportunity": "bogus"},
            "opportunity",
        ),
        ("grow", {"goal_role": "role-1", "action1_title": "x", "action1_due": "soon"}, "due date"),
        (
            "pinnacle",
            {"role1_title": "x", "competency": "hiring-for-the-team", "rating_hiring-for-the-team": "9"},
            "rating",
        ),
        ("feedback", {"score": "11"}, "score"),
        ("grow", {"goal_role": "role-1", "goal_statement": "y" * 3000}, "at most"),
    ],
    ids=["opportunity", "date", "rating", "score", "too-long"],
)
def test_a_hostile_form_gets_a_field_to_fix_and_changes_nothing(
    journey: dict[str, Any], step: str, fields: dict[str, str], named: str
) -> None:
    team, client = journey["team"], journey["client"]
    path = team.link(REPORT, step)
    page = client.get(path)
    before = team.plan()
    sent = client.post(path, data=_form(page, **fields))
    assert sent.status_code in {409, 422}, sent.status_code
    assert named in sent.text and "What to do" in sent.text and "Traceback" not in sent.text
    assert team.plan() == before
