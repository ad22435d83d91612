"""A plugin's sign-in in front of the pages: the ``careerconv_web_identify`` hook."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

from starlette.testclient import TestClient

from careerconv.web import from_home
from careerconv_core.hookspecs import hookimpl
from careerconv_core.plugins import make_plugin_manager
from support.web_home import MANAGER, REPORT, WebTeam, csrf_of


def test_hook_careerconv_web_identify(tmp_path: Path) -> None:
    team = WebTeam(tmp_path / "home")
    module = ModuleType("sso")

    def careerconv_web_identify(request: Any) -> str | None:
        return request.headers.get("x-employee")  # what a host's SSO proxy would set

    module.careerconv_web_identify = hookimpl(careerconv_web_identify)  # type: ignore[attr-defined]
    client = TestClient(from_home(str(team.home), host=make_plugin_manager(plugins=[module])))
    path = f"/p/{team.plan().id}/proposal"
    assert client.get(path).status_code == 403  # nobody signed in
    assert client.get(path, headers={"x-employee": MANAGER}).status_code == 403  # not the report's
    page = client.get(path, headers={"x-employee": REPORT})
    assert page.status_code == 200
    data = {"csrf": csrf_of(page.text), "version": "1", "answer": "accept"}
    done = client.post(path, data=data, headers={"x-employee": REPORT})
    assert done.status_code == 200 and team.plan().status.value == "active"
    assert f'href="/p/{team.plan().id}/pinnacle"' in done.text  # next steps under the sign-in too
