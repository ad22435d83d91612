"""The web basics: security headers, CSRF on every form, a concurrent edit told and nothing lost,
every refusal a page with the rule and the fix, no private field in addresses or error pages."""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from support.web_home import REPORT, WebTeam, csrf_of, version_of

MARKER = "PRIVATE-DREAM-7f3a"


@pytest.fixture
def team(tmp_path: Path) -> WebTeam:
    return WebTeam(tmp_path / "home")


@pytest.fixture
def client(team: WebTeam) -> TestClient:
    return TestClient(team.asgi())


def test_every_page_has_the_security_headers(team: WebTeam, client: TestClient) -> None:
    for path in ("/", team.mail_link("proposal"), "/nowhere", "/l/forged.link"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'none'" in csp and "default-src 'none'" in csp, path
        assert "frame-ancestors 'none'" in csp and headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"  # the link in the address stays here
        assert headers["cache-control"] == "no-store"
        assert "server" not in headers


def test_frame_ancestors_can_name_the_host_tool(team: WebTeam) -> None:
    client = TestClient(team.asgi(frame_ancestors="https://hr.example.com"))
    headers = client.get("/").headers
    assert "frame-ancestors https://hr.example.com" in headers["content-security-policy"]
    assert "x-frame-options" not in headers


def test_pages_carry_no_script_and_no_inline_style(team: WebTeam, client: TestClient) -> None:
    page = client.get(team.mail_link("proposal")).text
    assert "<script" not in page and "style=" not in page and "<style" not in page


@pytest.mark.parametrize("how", ["no token", "no cookie", "another page's token"])
def test_a_form_without_its_csrf_token_changes_nothing(team: WebTeam, how: str) -> None:
    client = TestClient(team.asgi())
    path = team.mail_link("proposal")
    page = client.get(path)
    data = {"csrf": csrf_of(page.text), "version": "1", "answer": "accept"}
    if how == "no token":
        del data["csrf"]
    elif how == "no cookie":
        client.cookies.clear()
    else:
        other = client.get(team.link(REPORT, "consent"))
        data["csrf"] = csrf_of(other.text)
    refused = client.post(path, data=data)
    assert refused.status_code == 403 and "safety check failed" in refused.text
    assert team.plan().status.value == "proposed"


def test_the_csrf_cookie_cannot_be_read_by_script_or_sent_from_elsewhere(team: WebTeam) -> None:
    response = TestClient(team.asgi()).get(team.mail_link("proposal"))
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_a_concurrent_edit_is_told_and_what_was_typed_is_kept(team: WebTeam) -> None:
    client = TestClient(team.asgi(identify=lambda _r: REPORT))
    path = f"/p/{team.plan().id}/consent"
    page = client.get(path)
    team.cli("decline", REPORT, "--as", "maya")  # the manager changes the plan meanwhile
    before = team.plan()
    sent = client.post(
        path,
        data={"csrf": csrf_of(page.text), "version": version_of(page.text), "summary_to_hris": "on"},
    )
    assert sent.status_code == 409
    assert "the plan changed since you opened it" in sent.text
    assert "summary_to_hris" in sent.text and 'href="' + path + '"' in sent.text  # kept, and reload
    assert team.plan() == before


def test_a_rule_s_refusal_shows_the_rule_and_the_fix_and_keeps_the_form(team: WebTeam) -> None:
    client = TestClient(team.asgi())
    accept = team.mail_link("proposal")
    client.post(accept, data={"csrf": csrf_of(client.get(accept).text), "version": "1", "answer": "accept"})
    path = team.link(REPORT, "pinnacle")  # conversation 1 not held yet
    page = client.get(path)
    sent = client.post(
        path,
        data={
            "csrf": csrf_of(page.text),
            "version": version_of(page.text),
            "role1_title": "VP of Engineering",
            "dream": MARKER,
        },
    )
    assert sent.status_code == 409
    assert "Rule M" in sent.text and "What to do" in sent.text
    assert 'value="VP of Engineering"' in sent.text  # nothing typed is lost
    assert "Traceback" not in sent.text


def test_an_unexpected_error_is_a_page_without_detail_and_the_log_has_the_type_only(
    team: WebTeam, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_request: object) -> str:
        raise RuntimeError(MARKER)

    client = TestClient(team.asgi(identify=broken))
    with caplog.at_level(logging.ERROR, logger="careerconv.web"):
        page = client.get(f"/p/{team.plan().id}/consent")
    assert page.status_code == 500
    assert MARKER not in page.text and "Traceback" not in page.text and "RuntimeError" not in page.text
    assert "RuntimeError" in caplog.text and MARKER not in caplog.text


def test_links_and_addresses_carry_ids_only(team: WebTeam, client: TestClient) -> None:
    accept = team.mail_link("proposal")
    done = client.post(
        accept,
        data={"csrf": csrf_of(client.get(accept).text), "version": "1", "answer": "accept", "x": MARKER},
    )
    for token in [accept[3:], *(part.split('"')[0] for part in done.text.split('href="/l/')[1:])]:
        payload = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
        assert set(payload) == {"p", "l", "s", "v", "x"}
        assert MARKER not in json.dumps(payload)
    assert MARKER not in done.text


def test_each_page_names_the_product_once_in_its_title(team: WebTeam, client: TestClient) -> None:
    home = client.get("/").text
    assert "<title>Career Conversations</title>" in home  # not "Career Conversations - Career ..."
    proposal = client.get(team.mail_link("proposal")).text
    title = proposal.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.count("Career Conversations") == 1, title
