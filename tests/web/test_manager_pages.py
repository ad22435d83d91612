"""The manager's pages: the trust gate, recording a conversation held, moving one, what is due.

Signed like the report's, and closed to the report; each step is read back
from the store.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient

from careerconv_core.domain.conversations import ConversationKind, ConversationStatus
from support.web_home import MANAGER, REPORT, START, WebTeam, csrf_of, version_of


def _form(page: Any, **fields: str) -> dict[str, str]:
    return {"csrf": csrf_of(page.text), "version": version_of(page.text), **fields}


@pytest.fixture
def team(tmp_path: Path) -> WebTeam:
    team = WebTeam(tmp_path / "home")
    client = TestClient(team.asgi())
    accept = team.mail_link("proposal")
    client.post(accept, data=_form(client.get(accept), answer="accept", life_story="on"))
    return team


def test_the_trust_gate_on_the_manager_s_page(team: WebTeam) -> None:
    client = TestClient(team.asgi())
    team.now = START + timedelta(hours=3)
    path = team.link(MANAGER, "readiness")
    refused = client.post(path, data=_form(client.get(path), equipped="on"))  # trust not in place
    assert refused.status_code == 409 and "Rule M2" in refused.text and "repair trust" in refused.text
    assert team.plan().readiness is None
    done = client.post(path, data=_form(client.get(path), equipped="on", trust_in_place="on"))
    assert done.status_code == 200
    assert team.plan().readiness is not None


def test_recording_conversation_1_and_moving_conversation_3(team: WebTeam) -> None:
    client = TestClient(team.asgi())
    team.now = START + timedelta(hours=3)
    team.cli("ready", REPORT)
    team.cli("schedule", REPORT, "--start", "2027-01-05")
    plan = team.plan()
    team.now = plan.conversation(ConversationKind.LIFE_STORY).end + timedelta(hours=1)
    assert client.get(team.link(REPORT, "record")).status_code == 403  # the manager's page
    path = team.link(MANAGER, "record")
    done = client.post(
        path,
        data=_form(
            client.get(path), held="life_story", notes="grew up fixing bikes", drives="craft\nteaching"
        ),
    )
    assert done.status_code == 200, done.text
    after = team.plan()
    assert after.held(ConversationKind.LIFE_STORY)
    assert after.life_story.drives == ("craft", "teaching")

    zone = ZoneInfo("Europe/Berlin")
    old = after.conversation(ConversationKind.GROW_REVIEW).start
    assert old is not None
    new = old.astimezone(zone) + timedelta(days=1)
    while new.weekday() >= 5:
        new += timedelta(days=1)
    path = team.link(MANAGER, "move")
    page = client.get(path)
    assert page.status_code == 200 and "in your own time (Europe/Berlin)" in page.text
    moved = client.post(
        path,
        data=_form(page, conversation="grow_review", start=new.strftime("%Y-%m-%dT%H:%M"), shift_later="on"),
    )
    assert moved.status_code == 200, moved.text
    conv = team.plan().conversation(ConversationKind.GROW_REVIEW)
    assert conv.status is ConversationStatus.SCHEDULED and conv.start == new


def test_a_move_that_breaks_m4_is_refused_by_its_rule(team: WebTeam) -> None:
    client = TestClient(team.asgi())
    team.now = START + timedelta(hours=3)
    team.cli("ready", REPORT)
    team.cli("schedule", REPORT, "--start", "2027-01-05")
    before = team.plan()
    path = team.link(MANAGER, "move")
    page = client.get(path)
    sent = client.post(path, data=_form(page, conversation="life_story", start="2027-06-01T10:00"))
    assert sent.status_code in {409, 422}
    assert "What to do" in sent.text and 'value="2027-06-01T10:00"' in sent.text
    assert team.plan() == before
