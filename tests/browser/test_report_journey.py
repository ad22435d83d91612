"""The report's journey in a real browser (Debian's Chromium, headless, script turned off).

The pages are served by uvicorn on 127.0.0.1 over a real careerconv home; the
browser opens the link from the proposal mail, answers with the labels and
the keyboard, writes the pinnacle and the GROW plan and gives a consent, and
meets each refusal: a forged, an expired and a used link, the manager on the
report's page, a rule's refusal, a concurrent change. Every page is
photographed; with ``$CAREERCONV_WEB_SCREENSHOTS`` set to a folder (the docs
use docs/images) the pictures are kept there.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from support.browser import chromium, require_browser
from support.web_home import MANAGER, REPORT, WebTeam

SHOTS_ENV = "CAREERCONV_WEB_SCREENSHOTS"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> WebTeam:
    return WebTeam(tmp_path_factory.mktemp("browser") / "home")


@pytest.fixture(scope="module")
def server(team: WebTeam) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(team.asgi(), host="127.0.0.1", port=port, log_level="warning", access_log=False)
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[Any]:
    with chromium(require_browser()) as browser:
        # No script at all: every form works without it.
        context = browser.new_context(viewport={"width": 900, "height": 900}, java_script_enabled=False)
        asked: list[str] = []

        def only_ours(route: Any) -> None:
            asked.append(route.request.url)
            if route.request.url.startswith(server):
                route.continue_()
            else:
                route.abort()

        context.route("**/*", only_ours)
        opened = context.new_page()
        yield opened
        assert all(url.startswith(server) for url in asked), asked
        context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kept = os.environ.get(SHOTS_ENV)
    return Path(kept) if kept else tmp_path_factory.mktemp("shots")


def _shot(page: Any, shots: Path, name: str) -> None:
    """A full-page picture; kept for the docs as a small palette PNG where Pillow is installed."""
    path = shots / f"web-{name}.png"
    raw = page.screenshot(full_page=True, type="png")
    assert len(raw) > 1000
    try:
        import io

        from PIL import Image
    except ImportError:
        path.write_bytes(raw)
        return
    picture = Image.open(io.BytesIO(raw)).convert("RGB")
    picture.quantize(48, dither=Image.Dither.NONE).save(path, "PNG", optimize=True)


def _refusal(page: Any) -> str:
    alert = page.get_by_role("alert")
    assert alert.is_visible()
    text = str(alert.inner_text())
    assert "What is wrong" in text and "What to do" in text and "Traceback" not in page.content()
    return text


def test_the_report_s_journey_from_the_proposal_mail(
    page: Any, team: WebTeam, server: str, shots: Path
) -> None:
    link = server + team.mail_link("proposal")
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Career Conversations: your answer"
    _shot(page, shots, "proposal")
    page.get_by_label("Yes, I would like to begin with my life story").check()
    page.get_by_role("button", name="Send my answer").click()
    said = page.get_by_role("status").inner_text()
    assert said.startswith("You said yes") and "plan.accepted" not in page.content()  # words, not the event
    _shot(page, shots, "done")
    assert team.plan().status.value == "active" and team.plan().life_story_opt_in

    page.goto(link)  # the same link again: used
    assert "used already" in _refusal(page)
    _shot(page, shots, "refused-used-link")

    team.to_pinnacle()
    page.goto(server + team.link(REPORT, "pinnacle"))
    page.get_by_label("Role 1: which role").fill("VP of Engineering")
    page.get_by_label("at which company (or kind of company)").first.fill("a product company")
    page.get_by_label("This is the role to work towards").first.check()
    page.get_by_label("Careers you crossed out (one a line)").fill("finance\nsales")
    page.get_by_label("Find a competency in the catalog").fill("hiring")
    page.get_by_role("button", name="Search").click()
    assert page.get_by_label("Role 1: which role").input_value() == "VP of Engineering"  # kept
    first = page.locator('input[name="competency"]').first
    cid = first.get_attribute("value")
    first.check()
    page.locator(f"#r_{cid}").select_option("2")
    page.locator(f"#f_{cid}").check()
    _shot(page, shots, "pinnacle")
    page.get_by_role("button", name="Save my pinnacle").click()
    assert "saved" in page.get_by_role("status").inner_text().casefold()
    assert team.plan().pinnacle.focus == (cid,)

    page.get_by_role("link", name="Your GROW plan").click()
    page.get_by_label("The goal in one sentence").fill("Lead an engineering org")
    page.locator(f"#ways_{cid}").fill("run a hiring loop")
    page.locator("#action1_title").fill("Run two hiring loops")
    page.locator("#action1_due").fill("2027-03-01")
    page.locator("#action1_done_when").fill("two offers made")
    page.locator("#action1_competency").select_option(cid)
    page.get_by_role("button", name="Run the stress test (saves nothing)").click()
    assert "Stress test" in page.content()
    _shot(page, shots, "grow-stress-test")
    page.locator("#action1_opportunity").select_option("team_responsibility")
    page.locator("#action1_where").fill("hiring for the platform team")
    page.get_by_role("button", name="Save my GROW plan").click()
    assert "saved" in page.get_by_role("status").inner_text().casefold()
    assert team.plan().grow is not None

    page.get_by_role("link", name="What leaves the two of you").click()
    _shot(page, shots, "consent")
    # The keyboard alone: to the HR record box, tick it, on to the button, send.
    box = page.get_by_label("A summary may go to my HR record")
    box.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Save my choice"
    page.keyboard.press("Enter")
    assert "saved" in page.get_by_role("status").inner_text().casefold()
    assert team.plan().consent.summary_to_hris and not team.plan().consent.goal_in_summary

    page.get_by_role("link", name="The plan").click()
    assert "Run two hiring loops" in page.content()
    _shot(page, shots, "plan")


def test_a_forged_link_is_refused(page: Any, team: WebTeam, server: str, shots: Path) -> None:
    token = team.link(REPORT, "consent")[3:]
    page.goto(f"{server}/l/{token[:-4]}AAAA")
    assert "not one careerconv made" in _refusal(page)
    _shot(page, shots, "refused-forged-link")


def test_an_expired_link_is_refused(page: Any, team: WebTeam, server: str, shots: Path) -> None:
    link = team.link(REPORT, "consent")
    team.now += timedelta(days=15)
    try:
        page.goto(server + link)
        assert "expired" in _refusal(page)
        _shot(page, shots, "refused-expired-link")
    finally:
        team.now -= timedelta(days=15)


def test_the_manager_is_refused_on_the_report_s_pages(
    page: Any, team: WebTeam, server: str, shots: Path
) -> None:
    for step in ("pinnacle", "grow", "consent"):
        page.goto(server + team.link(MANAGER, step))
        assert "the report's own" in _refusal(page)
    _shot(page, shots, "refused-manager")


def test_a_concurrent_change_is_told_and_nothing_typed_is_lost(
    page: Any, team: WebTeam, server: str, shots: Path
) -> None:
    page.goto(server + team.link(REPORT, "consent"))
    page.get_by_label("My goal may be written on the tickets of my actions").check()
    team.cli("pause", REPORT, "--as", MANAGER)  # the manager changes the plan meanwhile
    before = team.plan()
    page.get_by_role("button", name="Save my choice").click()
    assert "the plan changed since you opened it" in page.content()
    assert "share_goal_on_tickets" in page.locator("dl.typed").inner_text()
    _shot(page, shots, "conflict")
    assert team.plan() == before


def test_the_other_pages_render(page: Any, team: WebTeam, server: str, shots: Path) -> None:
    for person, step in (
        (REPORT, "feedback"),
        (REPORT, "checkin"),
        (MANAGER, "readiness"),
        (MANAGER, "observe"),
        (MANAGER, "record"),
        (MANAGER, "move"),
        (MANAGER, "due"),
    ):
        page.goto(server + team.link(person, step))
        assert page.get_by_role("heading", level=1).is_visible()
        _shot(page, shots, step)
