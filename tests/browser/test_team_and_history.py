"""The manager's team schedule, and a step taken in the report's name, in a real browser.

Debian's Chromium, headless, script turned off, over uvicorn on 127.0.0.1: the
manager goes from what is due to the team's schedule, places the team and
follows the link to move a conversation; the report opens the notice that a
step was taken in their name and finds it on their plan, styled from our own
sheet under the same Content Security Policy as every page. The pictures are
kept like the journey's (``$CAREERCONV_WEB_SCREENSHOTS``).
"""

from __future__ import annotations

import io
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from support.browser import chromium, require_browser
from support.web_home import MANAGER, REPORT, WebTeam


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> WebTeam:
    team = WebTeam(tmp_path_factory.mktemp("team") / "home", allow_acting_for_others=True)
    team.cli("accept", REPORT, "--as", REPORT)  # in the report's name: recorded on the plan
    team.cli("ready", REPORT)
    return team


@pytest.fixture(scope="module")
def server(team: WebTeam) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
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
        context = browser.new_context(viewport={"width": 900, "height": 900}, java_script_enabled=False)
        refused: list[str] = []
        context.on(
            "console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None
        )
        yield context.new_page()
        assert refused == [], refused  # nothing the page asked for was blocked by its own policy
        context.close()


def _shot(page: Any, name: str) -> None:
    kept = os.environ.get("CAREERCONV_WEB_SCREENSHOTS")
    raw = page.screenshot(full_page=True, type="png")
    assert len(raw) > 1000
    if not kept:
        return
    path = Path(kept) / f"web-{name}.png"
    try:
        from PIL import Image
    except ImportError:
        path.write_bytes(raw)
        return
    picture = Image.open(io.BytesIO(raw)).convert("RGB")
    picture.quantize(48, dither=Image.Dither.NONE).save(path, "PNG", optimize=True)


def test_the_manager_places_the_team_and_moves_a_conversation(page: Any, team: WebTeam, server: str) -> None:
    page.goto(server + team.link(MANAGER, "due"))
    page.get_by_role("link", name="Your team's schedule").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your team's schedule"
    assert page.get_by_role("table", name="Jonas Weber").is_visible()
    page.get_by_label("The month from").fill("2027-01-05")
    page.get_by_role("button", name="Place them").click()
    status = page.get_by_role("status").inner_text()
    assert "Placed: Jonas Weber" in status and "Not ready yet" in status
    assert all(c.start is not None for c in team.plan().conversations)
    _shot(page, "team")
    page.get_by_role("link", name="Move a conversation of Jonas Weber").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Move a conversation"


def test_the_report_finds_the_step_taken_in_their_name_on_their_plan(
    page: Any, team: WebTeam, server: str
) -> None:
    page.goto(server + team.mail_link("acted_for_you"))
    history = page.locator("#acted-for")
    assert "Steps taken in the report's name" in history.inner_text()
    assert f"accept: taken in {REPORT}'s name by the command line" in history.inner_text()
    # The plan's own style, from /static/plan.css under style-src 'self': the notice's frame is drawn.
    width = page.evaluate("getComputedStyle(document.querySelector('.notice')).borderTopWidth")
    assert width == "2px"
    _shot(page, "plan-acted-for")
