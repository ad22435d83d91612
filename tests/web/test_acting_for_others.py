"""The command line's ``--as REPORT`` once a web surface is configured: refused, or allowed and recorded.

The rule: without ``[web]`` the command line is the only way in and takes
the report's steps as before (the quickstart and the demo); with ``[web]``
the report takes them on their own page, and the command line is refused
them unless ``allow_acting_for_others = true``, when each one is recorded
as a notice to the report under the plan.
"""

from __future__ import annotations

import html
import io
from pathlib import Path

from careerconv.cli import main
from support.web_home import EXAMPLES, MANAGER, REPORT, WebTeam


def test_with_a_web_surface_the_command_line_is_refused_the_report_s_steps(tmp_path: Path) -> None:
    team = WebTeam(tmp_path / "home")
    for argv in (("accept", REPORT, "--as", REPORT), ("accept", REPORT), ("decline", REPORT, "--as", REPORT)):
        said = team.cli(*argv, expect=1)
        assert "allow_acting_for_others = true" in said and "this step is jonas's own" in said
        assert "Traceback" not in said
    assert team.plan().status.value == "proposed" and team.plan().version == 1


def test_the_manager_s_own_steps_stay_on_the_command_line(tmp_path: Path) -> None:
    team = WebTeam(tmp_path / "home")
    team.cli("decline", REPORT, "--as", MANAGER)  # either side may decline: the manager's own act
    assert team.plan().status.value == "declined"


def test_allowed_acting_for_others_is_recorded_and_told_to_the_report(tmp_path: Path) -> None:
    team = WebTeam(tmp_path / "home", allow_acting_for_others=True)
    said = team.cli("accept", REPORT, "--as", REPORT)
    assert "recorded" in said
    assert team.plan().status.value == "active"
    link = team.mail_link("acted_for_you")  # the report's mail, with a link to their plan
    mail = next((team.home / "mail").glob(f"*-acted_for_you-{REPORT}-*.eml")).read_text(encoding="utf-8")
    assert "taken in your name" in mail
    assert "/l/" in link


def test_without_a_web_surface_the_command_line_acts_as_before(tmp_path: Path) -> None:
    home = tmp_path / "plain"
    out, err = io.StringIO(), io.StringIO()
    for argv in (["init"], ["org", "import", str(EXAMPLES / "org.toml")], ["propose", REPORT]):
        assert main(["--home", str(home), *argv], stdout=out, stderr=err) == 0, err.getvalue()
    assert main(["--home", str(home), "accept", REPORT, "--as", REPORT], stdout=out, stderr=err) == 0
    assert "recorded" not in err.getvalue()
    assert main(["--home", str(home), "dispatch"], stdout=out, stderr=err) == 0
    mails = sorted(p.name for p in (home / "mail").glob("*.eml"))
    assert mails and not [m for m in mails if "acted_for_you" in m]


def test_a_step_in_the_report_s_name_is_on_the_plan_in_the_step_s_own_change(tmp_path: Path) -> None:
    team = WebTeam(tmp_path / "home", allow_acting_for_others=True)
    team.cli("accept", REPORT, "--as", REPORT)
    plan = team.plan()
    # One commit: the step and its record together, so the links its notices carry stay good.
    assert plan.version == 2 and plan.status.value == "active"
    [entry] = plan.acted_for
    assert (entry.for_id, entry.step, entry.at) == (REPORT, "accept", team.now)
    assert entry.by.startswith("the command line")


def test_the_record_is_shown_in_the_plan_page_and_the_export(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    team = WebTeam(tmp_path / "home", allow_acting_for_others=True)
    team.cli("accept", REPORT, "--as", REPORT)
    page = TestClient(team.asgi()).get(team.mail_link("acted_for_you"))
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "<h2>Steps taken in the report's name</h2>" in text
    assert f"accept: taken in {REPORT}'s name by the command line" in text
    exported = team.cli("export", REPORT)
    assert "## Steps taken in the report's name" in exported
    assert f"accept: taken in {REPORT}'s name by the command line" in exported


def test_a_step_refused_records_nothing_and_the_manager_s_own_steps_are_not_recorded(tmp_path: Path) -> None:
    team = WebTeam(tmp_path / "home", allow_acting_for_others=True)
    team.cli("decline", REPORT, "--as", MANAGER)  # the manager's own act: not recorded
    said = team.cli("accept", REPORT, "--as", REPORT, expect=1)  # in the report's name, refused by M1
    assert "recorded" not in said
    plan = team.plan()
    assert plan.acted_for == () and plan.status.value == "declined" and plan.version == 2
    team.cli("dispatch")
    assert list((team.home / "mail").glob("*-proposal-*")) and not list(
        (team.home / "mail").glob("*-acted_for_you-*")
    )


def test_a_plan_stored_before_the_record_existed_reads_with_none(tmp_path: Path) -> None:
    from careerconv_core import serialization
    from careerconv_core.domain.plan import CareerPlan

    team = WebTeam(tmp_path / "home")
    stored = serialization.unstructure(team.plan())
    del stored["acted_for"]  # as a plan written before this field was there
    assert serialization.structure(stored, CareerPlan, "plan").acted_for == ()
