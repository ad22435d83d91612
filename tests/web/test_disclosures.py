"""Pages that show a plan to someone other than its report go on the report's audit trail.

The manager's pages (the plan, the observation page, recording and moving a
conversation, what is due) are recorded as ``careerconv export`` is, before
the page leaves; the report reading their own plan is not a disclosure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from support.web_home import MANAGER, REPORT, WebTeam


def _trail(team: WebTeam) -> list[Any]:
    return [e for e in team.app.store.audit_trail(REPORT) if e.kind.value == "export"]  # type: ignore[attr-defined]


@pytest.fixture
def team(tmp_path: Path) -> WebTeam:
    return WebTeam(tmp_path / "home")


def test_the_report_reading_their_own_plan_is_not_a_disclosure(team: WebTeam) -> None:
    page = TestClient(team.asgi()).get(team.link(REPORT, "plan"))
    assert page.status_code == 200 and _trail(team) == []


@pytest.mark.parametrize("step", ["plan", "observe", "record", "move"])
def test_a_manager_s_page_of_the_plan_is_recorded_before_it_leaves(team: WebTeam, step: str) -> None:
    page = TestClient(team.asgi()).get(team.link(MANAGER, step))
    assert page.status_code == 200
    [entry] = _trail(team)
    assert entry.plan_id == team.plan().id and entry.subject_id == REPORT
    assert entry.detail["recipient"] == MANAGER and entry.detail["consent"] == "the current manager"
    assert entry.detail["ref"] == f"web page {step}"
    # The record names the page, never what it showed.
    assert all(isinstance(d, str) and "page" in d for d in entry.detail["data"])


def test_what_is_due_is_recorded_for_each_plan_it_lists(tmp_path: Path) -> None:
    team = WebTeam(tmp_path / "home", allow_acting_for_others=True)
    team.cli("accept", REPORT, "--as", REPORT)
    team.to_pinnacle()  # conversation 2 is on the calendar: due within the month
    page = TestClient(team.asgi()).get(team.link(MANAGER, "due"))
    assert page.status_code == 200 and "Jonas Weber" in page.text
    [entry] = [e for e in _trail(team) if e.detail["ref"] == "web page due"]
    assert entry.plan_id == team.plan().id and entry.detail["recipient"] == MANAGER


def test_a_refused_page_records_nothing(team: WebTeam) -> None:
    page = TestClient(team.asgi()).get(team.link(MANAGER, "pinnacle"))  # the report's own page
    assert page.status_code == 403 and _trail(team) == []


def test_a_page_the_trail_cannot_take_is_not_shown(team: WebTeam) -> None:
    def broken(_records: Any) -> None:
        raise OSError("disk full")

    team.app.store.record_disclosures = broken  # type: ignore[attr-defined, method-assign]
    page = TestClient(team.asgi()).get(team.link(MANAGER, "plan"))
    assert page.status_code == 500 and "Career plan" not in page.text and "disk full" not in page.text


def test_a_new_manager_s_read_after_the_report_s_yes_is_recorded(tmp_path: Path) -> None:
    team = WebTeam(tmp_path / "home", allow_acting_for_others=True)
    team.cli("accept", REPORT, "--as", REPORT)
    services = team.app.services()
    services.manager_changed(REPORT, "daniel")
    client = TestClient(team.asgi())
    before = client.get(team.link("daniel", "plan"))
    assert before.status_code == 409 and "Rule M12" in before.text  # not before the report's yes
    assert _trail(team) == []
    services.answer_handoff(team.plan().id, REPORT, True)
    page = client.get(team.link("daniel", "plan"))
    assert page.status_code == 200
    [entry] = _trail(team)
    assert entry.detail["recipient"] == "daniel" and entry.detail["ref"] == "web page plan"
    assert entry.detail["consent"] == "the current manager"  # the plan passed to daniel with the yes
