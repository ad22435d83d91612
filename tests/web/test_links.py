"""Who is acting, proven by signed links: what a forged, expired, reused, stale or foreign link gets.

Driven over HTTP through Starlette's TestClient against a real careerconv
home (SQLite, the mail the notifier wrote); every refusal is a page with the
rule and the fix, and changes nothing.
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from support.web_home import MANAGER, OTHER, REPORT, WebTeam, csrf_of


@pytest.fixture
def team(tmp_path: Path) -> WebTeam:
    return WebTeam(tmp_path / "home")


@pytest.fixture
def client(team: WebTeam) -> TestClient:
    return TestClient(team.asgi())


def _accept(client: TestClient, path: str) -> object:
    page = client.get(path)
    return client.post(path, data={"csrf": csrf_of(page.text), "version": "1", "answer": "accept"})


def test_the_proposal_mail_carries_a_signed_link_that_opens_the_report_s_answer(
    team: WebTeam, client: TestClient
) -> None:
    path = team.mail_link("proposal")
    payload = json.loads(base64.urlsafe_b64decode(path[3:].split(".")[0] + "=="))
    assert payload["p"] == REPORT and payload["s"] == "proposal" and payload["v"] == 1
    page = client.get(path)
    assert page.status_code == 200
    assert "Yes, I would like the conversations" in page.text


def test_a_used_link_is_stale_once_its_step_changed_the_plan(team: WebTeam, client: TestClient) -> None:
    path = team.mail_link("proposal")
    done = _accept(client, path)
    assert done.status_code == 200 and "You said yes" in done.text  # type: ignore[attr-defined]
    assert "plan.accepted" not in done.text  # type: ignore[attr-defined]  # plain words, not the event
    version = team.plan().version
    again = client.get(path)
    assert again.status_code == 403
    assert "used already" in again.text and "What to do" in again.text
    posted = client.post(path, data={"csrf": "x", "version": "1", "answer": "decline"})
    assert posted.status_code == 409 and "the plan changed since you opened it" in posted.text
    assert team.plan().version == version and team.plan().status.value == "active"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-3] + ("AAA" if not t.endswith("AAA") else "BBB"),  # the signature changed
        lambda t: t.split(".")[0],  # no signature
        lambda t: "x" + t,  # the payload changed
        lambda t: t.split(".")[0][:-2] + "." + t.split(".")[1],  # cut short
    ],
    ids=["signature", "unsigned", "payload", "cut"],
)
def test_a_forged_link_is_refused_with_a_page_and_changes_nothing(
    team: WebTeam, client: TestClient, tamper: object
) -> None:
    path = team.mail_link("proposal")
    forged = "/l/" + tamper(path[3:])  # type: ignore[operator]
    page = client.get(forged)
    assert page.status_code == 403
    assert "not one careerconv made" in page.text and "Traceback" not in page.text
    client.post(forged, data={"csrf": "x", "version": "1", "answer": "accept"})
    assert team.plan().status.value == "proposed"


def test_a_link_signed_with_another_secret_is_refused(team: WebTeam, client: TestClient) -> None:
    from careerconv.web import Signer

    token = Signer(b"another-secret-of-some-length", 14).sign(REPORT, team.plan().id, "proposal", 1, team.now)
    assert client.get(f"/l/{token}").status_code == 403


def test_an_expired_link_is_refused(team: WebTeam, client: TestClient) -> None:
    path = team.mail_link("proposal")
    opened = client.get(path)  # opened in time, sent too late
    team.now += timedelta(days=15)
    page = client.get(path)
    assert page.status_code == 403 and "expired" in page.text
    late = client.post(path, data={"csrf": csrf_of(opened.text), "version": "1", "answer": "accept"})
    assert late.status_code == 403 and "expired" in late.text
    assert team.plan().status.value == "proposed"


def test_the_manager_cannot_open_the_report_s_pages(team: WebTeam, client: TestClient) -> None:
    for step in ("proposal", "pinnacle", "grow", "consent", "handoff", "checkin"):
        page = client.get(team.link(MANAGER, step))
        assert page.status_code == 403, step
        assert "the report&#39;s own" in page.text or "the report's own" in page.text
    assert team.plan().status.value == "proposed"


def test_someone_outside_the_plan_cannot_open_its_pages(team: WebTeam, client: TestClient) -> None:
    assert client.get(team.link(OTHER, "proposal")).status_code == 403
    assert client.get(team.link(OTHER, "plan")).status_code in {403, 409}


def test_the_report_cannot_open_the_manager_s_trust_gate(team: WebTeam, client: TestClient) -> None:
    assert client.get(team.link(REPORT, "readiness")).status_code == 403


def test_a_host_sign_in_says_who_is_acting_instead(team: WebTeam) -> None:
    signed_in: dict[str, str | None] = {"who": None}
    client = TestClient(team.asgi(identify=lambda _request: signed_in["who"]))
    plan_id = team.plan().id
    assert client.get(f"/p/{plan_id}/proposal").status_code == 403  # nobody signed in
    signed_in["who"] = MANAGER
    assert client.get(f"/p/{plan_id}/proposal").status_code == 403
    signed_in["who"] = REPORT
    page = client.get(f"/p/{plan_id}/proposal")
    assert page.status_code == 200
    done = client.post(
        f"/p/{plan_id}/proposal", data={"csrf": csrf_of(page.text), "version": "1", "answer": "decline"}
    )
    assert done.status_code == 200 and team.plan().status.value == "declined"


def test_an_unknown_page_or_step_is_a_page_too(team: WebTeam, client: TestClient) -> None:
    missing = client.get("/nowhere")
    assert missing.status_code == 404 and "Not here" in missing.text
    assert client.get(team.link(REPORT, "no-such-step")).status_code == 403
