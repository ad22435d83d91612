"""The manager's team schedule page: the conversations placed, placing the rest, what did not fit and why."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from support.web_home import MANAGER, OTHER, REPORT, WebTeam, csrf_of


@pytest.fixture
def team(tmp_path: Path) -> WebTeam:
    team = WebTeam(tmp_path / "home", allow_acting_for_others=True)
    team.cli("accept", REPORT, "--as", REPORT)
    team.cli("ready", REPORT)
    return team


def test_the_page_lists_each_report_with_a_signed_link_to_move_their_conversations(team: WebTeam) -> None:
    client = TestClient(team.asgi())
    page = client.get(team.link(MANAGER, "team"))
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "<caption>Jonas Weber</caption>" in text and "not placed" in text
    [move] = re.findall(r'href="(/l/[^"]+)">Move a conversation of Jonas Weber', page.text)
    assert client.get(move).status_code == 200  # the move page, for the manager


def test_placing_the_team_tells_who_was_placed_and_who_is_not_ready(team: WebTeam) -> None:
    client = TestClient(team.asgi())
    path = team.link(MANAGER, "team")
    page = client.get(path)
    done = client.post(path, data={"csrf": csrf_of(page.text), "version": "3", "start": "2027-01-05"})
    assert done.status_code == 200
    text = html.unescape(done.text)
    assert "Placed:</strong> Jonas Weber" in text
    assert all(c.start is not None for c in team.plan().conversations)
    other = team.plan(OTHER)
    assert other.status.value == "proposed"  # not accepted: listed as not ready, with the rule
    assert "Not ready yet" in text and "Aylin" in text


def test_a_bad_day_is_refused_by_name_and_nothing_is_placed(team: WebTeam) -> None:
    client = TestClient(team.asgi())
    path = team.link(MANAGER, "team")
    page = client.get(path)
    refused = client.post(path, data={"csrf": csrf_of(page.text), "version": "3", "start": "soon"})
    assert refused.status_code == 422
    alert = refused.text[refused.text.index('role="alert"') : refused.text.index("</section>")]
    assert "start is not right" in alert and "soon" not in alert  # named, never echoed
    assert 'value="soon"' in refused.text  # what was typed is kept in the field
    assert all(c.start is None for c in team.plan().conversations)


def test_the_report_cannot_open_it_and_a_form_from_elsewhere_is_refused(team: WebTeam) -> None:
    client = TestClient(team.asgi())
    assert client.get(team.link(REPORT, "team")).status_code == 403
    path = team.link(MANAGER, "team")
    client.get(path)
    refused = client.post(path, data={"csrf": "forged", "version": "3", "start": "2027-01-05"})
    assert refused.status_code == 403 and all(c.start is None for c in team.plan().conversations)


def test_the_team_page_is_on_each_report_s_trail(team: WebTeam) -> None:
    TestClient(team.asgi()).get(team.link(MANAGER, "team"))
    refs = [e.detail["ref"] for e in team.app.store.audit_trail(REPORT) if e.kind.value == "export"]  # type: ignore[attr-defined]
    assert refs == ["web page team"]


def test_the_due_page_links_to_the_team_page(team: WebTeam) -> None:
    client = TestClient(team.asgi())
    due = client.get(team.link(MANAGER, "due"))
    [link] = re.findall(r'href="(/l/[^"]+)">Your team', due.text)
    assert "<caption>Jonas Weber</caption>" in client.get(link).text


def test_a_report_who_cannot_fit_is_named_with_the_reason_and_the_fix(team: WebTeam) -> None:
    from datetime import time

    from attrs import evolve

    from careerconv_core.domain.people import WorkingHours

    services = team.app.services()
    jonas = services.person(REPORT)
    # Jonas now works on Sundays only, when the manager does not: no hour in common.
    services.sync_people([evolve(jonas, working_hours=WorkingHours(time(9), time(17), frozenset({6})))])
    client = TestClient(team.asgi())
    path = team.link(MANAGER, "team")
    page = client.get(path)
    done = client.post(path, data={"csrf": csrf_of(page.text), "version": "3", "start": "2027-01-05"})
    text = html.unescape(done.text)
    assert done.status_code == 200 and "Nobody new was placed" in text
    could_not = text[text.index("<h3>Could not fit</h3>") : text.index("</ul>", text.index("Could not fit"))]
    assert "Jonas Weber" in could_not and "What to do:" in could_not, could_not
    assert all(c.start is None for c in team.plan().conversations)
