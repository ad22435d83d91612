"""The report's own plan page after their manager left the org (issue 17, people who left).

Maya is removed by ``org import --remove-missing`` while her team moves to
Daniel: the report's signed link to their plan still opens the page, with
Maya shown as a former colleague.
"""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from flows.test_people_who_left import _TEAM
from support.example_team import org_without
from support.web_home import REPORT, WebTeam


def test_the_plan_page_opens_after_the_manager_left(tmp_path: Path) -> None:
    team = WebTeam(tmp_path / "home")
    team.cli(
        "org",
        "import",
        str(org_without(tmp_path, "maya", dict.fromkeys(_TEAM, "daniel"))),
        "--remove-missing",
    )
    client = TestClient(team.asgi())
    page = client.get(team.link(REPORT, "plan"))
    assert page.status_code == 200, page.text
    assert "a former colleague (maya)" in page.text
