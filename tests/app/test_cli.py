"""Every command, end to end through the CLI entry point, in a temporary folder."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from careerconv.cli import build_parser, main
from careerconv.cli.catalog import with_catalog_table
from careerconv_core.errors import ConfigurationError
from support.cli import Cli
from support.example_team import example_home, ready_team, record_jonas
from tests_support_paths import EXAMPLES


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return example_home(tmp_path, capsys, monkeypatch)


def test_init_refuses_to_overwrite_and_commands_need_init(tmp_path: Path, cli: Cli) -> None:
    assert "exists; use --force" in cli("init", code=2)
    other = Cli(tmp_path / "empty", cli.capsys, cli.monkeypatch)
    told = other("due", code=1)
    fix = told.split("run '", 1)[1].split("'", 1)[0]
    assert fix == f"careerconv --home {other.home} init", told
    other(*fix.split()[3:])  # the fix as given works: 'init' on that home
    assert "nothing due" in other("due")


def test_adapters_lists_the_builtin_ones(cli: Cli) -> None:
    out = cli("adapters")
    for name in ("ics", "sqlite", "orgfile", "builtin", "files", "mailfiles", "jira", "caldav"):
        assert f" {name} " in out


def test_org_import_reports_changes_and_rejects_bad_files(cli: Cli, tmp_path: Path) -> None:
    assert "0 added, 0 updated" in cli("org", "import", str(EXAMPLES / "org.toml"))
    bad = tmp_path / "bad.toml"
    bad.write_text('[[person]]\nid = "a"\nname = "A"\nemail = "a@example.com"\ntime_zone = "Mars/Base"\n')
    out = cli("org", "import", str(bad), code=1)
    assert "error:" in out and "Mars/Base" in out and "Traceback" not in out


def test_proposal_opt_ins_and_declines(cli: Cli) -> None:
    out = cli("propose", "--team", "maya")
    assert out.count("plan.proposed") == 8
    assert "M1: only the report can accept" in cli("accept", "jonas", "--as", "maya", code=1)
    assert "plan.accepted" in cli("accept", "jonas", "--as", "jonas", "--no-life-story")
    assert "M1: the report has not opted in" in cli("schedule", "jonas", code=1)
    cli("opt-in", "jonas", "--as", "jonas")
    assert "M2: the manager does not feel equipped" in cli("ready", "jonas", "--no-trust", code=1)
    cli("ready", "jonas")
    assert "plan.declined" in cli("decline", "lukas", "--as", "lukas")
    assert "plan.paused" in cli("pause", "jonas", "--as", "jonas")
    assert "plan.resumed" in cli("resume", "jonas", "--as", "maya")


def test_schedule_refuses_a_named_report_held_back_by_a_rule_on_standard_error(cli: Cli) -> None:
    cli("propose", "--team", "maya")
    cli("accept", "jonas", "--as", "jonas")
    cli("accept", "aylin", "--as", "aylin")
    cli("ready", "aylin")
    out, err = io.StringIO(), io.StringIO()
    argv = ["--home", str(cli.home), "schedule", "jonas", "aylin", "--start", "2027-01-05"]
    assert main(argv, stdout=out, stderr=err) == 1
    assert err.getvalue().startswith("error: M2: the manager has not confirmed")
    assert "'careerconv ready jonas'" in err.getvalue() and "M2" not in out.getvalue()
    assert "aylin:" in out.getvalue() and "1 placed" in out.getvalue(), "aylin is still placed"
    # In a --team run the not-ready are the team's overview, not a refusal.
    assert "not ready: M2" in cli("schedule", "--team", "maya", "--start", "2027-01-05")


def test_conversation_3_before_2_is_refused_under_the_sequence_rule(cli: Cli) -> None:
    ready_team(cli)
    cli("schedule", "jonas", "--start", "2027-01-05")
    cli("record", "jonas", "life_story", "--file", str(EXAMPLES / "records" / "jonas-life-story.toml"))
    out = cli("record", "jonas", "grow_review", code=1)
    assert "M3: conversation 3 (grow_review) cannot come before conversation 2" in out


def test_steps_only_the_report_takes_default_to_the_report(cli: Cli) -> None:
    out = cli("propose", "jonas")
    assert "plan.proposed: plan " in out and " of jonas " in out, "propose says whose plan it is"
    assert "plan.accepted" in cli("accept", "jonas", "--no-life-story")
    assert "plan.life_story_opt_in" in cli("opt-in", "jonas")
    assert "consent.changed" in cli("consent", "jonas", "--goal-on-tickets")
    # Steps the manager takes still default to the manager.
    assert "plan.readiness_confirmed" in cli("ready", "jonas")


def test_schedule_team_and_reschedule(cli: Cli) -> None:
    ready_team(cli)
    out = cli("schedule", "--team", "maya", "--start", "2027-01-05")
    assert "3 placed, 0 could not fit, 5 not ready" in out
    assert "career time (M11): 8.25 h for the 3 placed, then about 2.5 h a quarter" in out
    assert "working hours alone" in out
    assert "already scheduled" in cli("schedule", "jonas", "--start", "2027-01-05")
    moved = cli("reschedule", "jonas", "grow_review", "--to", "2027-01-05T01:00+00:00", code=1)
    assert "M4" in moved
    # Without an offset, a time is the wall clock of whoever moves it: maya, in Berlin. 15:00 there
    # fits both people's hours; 15:00 UTC (16:00 in Berlin) would run past jonas's 16:30.
    moved = cli("reschedule", "jonas", "pinnacle", "--to", "2027-01-20T15:00", "--shift-later")
    assert "plan.scheduled" in moved and "2 effect(s) queued" in moved, moved
    late = cli("reschedule", "jonas", "pinnacle", "--to", "2027-01-20T15:00Z", "--shift-later", code=1)
    assert "outside the working hours of jonas" in late
    assert "expected a date-time like" in cli("reschedule", "jonas", "pinnacle", "--to", "soon", code=2)
    gap = cli("reschedule", "jonas", "pinnacle", "--to", "2027-03-28T02:30", code=2)
    assert "does not exist in Europe/Berlin" in gap and "Traceback" not in gap


def test_record_outcomes_and_refusals(cli: Cli, tmp_path: Path) -> None:
    ready_team(cli)
    cli("schedule", "jonas", "--start", "2027-01-05")
    records = EXAMPLES / "records"
    assert "M3" in cli(
        "record",
        "jonas",
        "pinnacle",
        "--file",
        str(records / "jonas-pinnacle-manager.toml"),
        code=1,
    )
    cli("record", "jonas", "life_story", "--file", str(records / "jonas-life-story.toml"))
    # The manager may not hand in the report's ratings or focus (M6, M7).
    out = cli("record", "jonas", "pinnacle", "--file", str(records / "jonas-pinnacle-report.toml"), code=1)
    assert "M6" in out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"pinnacle": {"roles": [{"id": str(n), "title": "x"} for n in range(4)]}}))
    assert "M5: 4 pinnacle roles" in cli("record", "jonas", "pinnacle", "--file", str(bad), code=1)
    bad.write_text(json.dumps({"pinnacle": {"dream": "x", "oops": 1}}))
    out = cli("record", "jonas", "pinnacle", "--file", str(bad), code=1)
    assert "pinnacle: unknown field 'oops'; valid fields: dream, roles, crossed_out" in out
    assert "give --file" in cli("record", "jonas", "life_story", code=2)


def test_interactive_record(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    ready_team(cli)
    cli("schedule", "jonas", "--start", "2027-01-05")

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Tty("Grew up by the sea\ncuriosity, making\nfairness\n"))
    assert "conversation.life_story_held" in cli("record", "jonas", "life_story")


def test_interactive_record_on_the_streams_given_to_main(cli: Cli) -> None:
    ready_team(cli)
    cli("schedule", "jonas", "--start", "2027-01-05")

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = io.StringIO()
    argv = ["--home", str(cli.home), "record", "jonas", "life_story"]
    assert main(argv, stdin=Tty("Grew up by the sea\ncuriosity\nfairness\n"), stdout=out) == 0
    shown = out.getvalue()
    assert shown.startswith(
        "What did you learn (notes stay between you two): Core drives (comma-separated): "
    )
    assert "conversation.life_story_held" in shown
    assert cli.capsys.readouterr().out == ""  # nothing went to the process's own stdout


def test_grow_review_actions_tickets_and_followups(cli: Cli) -> None:
    record_jonas(cli)
    assert "M9" in cli(
        "record",
        "jonas",
        "grow",
        "--file",
        str(EXAMPLES / "records" / "jonas-grow.toml"),
        "--as",
        "maya",
        code=1,
    )
    out = cli("record", "jonas", "grow_review")
    assert "conversation.grow_review_held" in out and "followups.scheduled" in out
    assert "jonas:mentor" in cli("actions", "--report", "jonas")
    assert "jonas:mentor" in cli("actions", "--report", "jonas", "--as", "jonas")
    # Every read path asks who reads (M1): another manager sees none of jonas's actions.
    refused = cli("actions", "--report", "jonas", "--as", "daniel", code=1)
    assert "M1: 'daniel' is neither the report nor the manager" in refused and "mentor" not in refused
    assert cli("actions", "--as", "daniel") == "no GROW actions yet\n"
    assert "action.done" in cli("action", "done", "jonas:mentor", "--as", "jonas")
    assert "REPORT:ACTION" in cli("action", "done", "mentor", code=2)
    cli("dispatch")
    tickets = cli.home / "tickets"
    ticket = json.loads(next(tickets.glob("*-a-interviews.json")).read_text())
    assert ticket["status"] == "open" and ticket["goal"] is None
    # Closing a ticket in the tracker closes the action; deleting one is reported.
    path = next(tickets.glob("*-a-interviews.json"))
    path.write_text(json.dumps({**ticket, "status": "done"}))
    next(tickets.glob("*-a-intro.json")).unlink()
    out = cli("sync-tickets")
    assert "1 deleted" in out and "not recreated" in out
    cli("action", "done", "jonas:intro", "--as", "maya")  # a change to the action ...
    cli("dispatch")
    assert not list(tickets.glob("*-a-intro.json"))  # ... does not bring the deleted ticket back
    assert "action.resynced" in cli("action", "resync", "jonas:intro", "--as", "maya")
    cli("dispatch")
    assert json.loads(next(tickets.glob("*-a-intro.json")).read_text())["status"] == "done"
    assert "done " in next(line for line in cli("actions").splitlines() if "interviews" in line)
    assert "checkin.check_in" in cli("checkin", "jonas", "--on-track", "yes")
    assert "checkin.extended_review" in cli("checkin", "jonas", "--review")
    assert "feedback.given" in cli("feedback", "jonas", "9", "--as", "jonas")
    assert "feedback.score" in cli("feedback", "jonas", "11", "--as", "jonas", code=1)
    # HR sees feedback only over groups of five or more (M16): one person is refused.
    refused = cli("feedback-report", "--manager", "maya", code=1)
    assert "M16: group 'maya' has feedback from 1 people" in refused


def test_due_nudges_consent_and_export(cli: Cli, tmp_path: Path) -> None:
    record_jonas(cli)
    cli("record", "jonas", "grow_review")
    out = cli("due", "--manager", "maya", "--on", "2027-06-30", "--nudge")
    assert "check_in" in out and "probe" in out and "nudge(s) queued" in out
    assert "nothing due" in cli("due", "--manager", "daniel")
    cli("consent", "jonas", "--summary-to-hris", "--as", "jonas")
    assert "only the report decides" in cli("consent", "jonas", "--summary-to-hris", "--as", "maya", code=1)
    cli("dispatch")
    summary = json.loads(next((cli.home / "hris").glob("*.json")).read_text())
    assert summary["person_id"] == "jonas" and summary["goal"] is None
    assert "Hiring well" in summary["focus_competencies"]
    cli("export", "jonas", "--format", "html", "--out", str(tmp_path / "plan.html"))
    page = (tmp_path / "plan.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and 'class="chart"' in page and "focus" in page
    assert "<script" not in page and "Private copy" in page
    md = cli("export", "jonas")
    assert "## GROW plan" in md and "| Hiring well | 1" in md
    assert "neither the report nor the manager" in cli("export", "jonas", "--as", "daniel", code=1)


def test_handoff_flow(cli: Cli) -> None:
    ready_team(cli)
    cli("schedule", "priya", "--start", "2027-01-05")
    out = cli("org", "import", str(EXAMPLES / "org-later.toml"))
    assert "asked for consent first (M12)" in out
    assert "consent_asked" in cli("handoff", "status", "priya")
    assert "M12: only the report can consent" in cli(
        "handoff", "consent", "priya", "yes", "--as", "maya", code=1
    )
    before = cli("export", "priya", "--as", "daniel", code=1)
    assert "M12: 'daniel' is the report's new manager" in before and "not shared" in before
    cli("handoff", "consent", "priya", "yes", "--as", "priya")
    assert "# Career plan" in cli("export", "priya", "--as", "maya"), "M12: maya walks daniel through it"
    assert "handoff.meeting_scheduled" in cli(
        "handoff", "meeting", "priya", "--at", "2027-01-12T15:00Z", "--as", "daniel"
    )
    cli.now("2027-01-12T16:00:00+00:00")  # the three-way meeting is over
    assert "your access ended (M12)" in cli("export", "priya", "--as", "maya", code=1)
    assert "path_continue_plan" in cli("handoff", "path", "priya", "continue", "--as", "daniel")
    assert "0 handoff(s) expired" in cli("handoff", "expire")
    cli("dispatch")
    mail = " ".join(p.read_text() for p in (cli.home / "mail").glob("*.eml"))
    assert "daniel.reyes@example.com" in mail


def test_catalog_commands(cli: Cli, tmp_path: Path) -> None:
    out = cli("catalog", "list", "--roles")
    assert "vp-engineering" in out
    assert "Hiring for the team" in cli("catalog", "show", "vp-engineering")
    assert "unknown id" in cli("catalog", "show", "astronaut", code=1)
    comps, roles = tmp_path / "c.csv", tmp_path / "r.csv"
    comps.write_text("id,name,group,description\nk1,Kindness,People,Being kind\n")
    roles.write_text(
        "id,title,function,competency_ids,onet_codes,description\nr1,Gardener,operations,k1,,Grows\n"
    )
    assert "1 competencies, 1 roles (0 with target levels)" in cli(
        "catalog", "import", "--competencies", str(comps), "--roles", str(roles)
    )
    assert "Gardener" in cli("catalog", "list")


def test_the_catalog_table_is_rewritten_in_place_and_read_back() -> None:
    text = (
        '# my setup\n[store]\nadapter = "sqlite"\n\n[catalog]  # which one\nadapter = "builtin"\n\n'
        '[catalog.settings]\nlanguage = "en"\n\n[method]\nweekly_cap_hours = 3.5\n'
    )
    settings = {"competencies_path": 'C:\\cc\\"my" comps.csv', "roles_path": "/data/r\u00f4les.csv"}
    out = with_catalog_table(text, "csv", settings, "careerconv.toml")
    parsed = tomllib.loads(out)
    assert parsed == {
        "store": {"adapter": "sqlite"},
        "catalog": {"adapter": "csv", "settings": settings},
        "method": {"weekly_cap_hours": 3.5},
    }
    assert out.startswith("# my setup\n[store]") and out.index("[catalog]") < out.index("[method]")
    assert "builtin" not in out and "language" not in out
    added = with_catalog_table('[store]\nadapter = "sqlite"', "csv", {"roles_path": "r.csv"}, "x")
    assert tomllib.loads(added)["catalog"] == {"adapter": "csv", "settings": {"roles_path": "r.csv"}}
    # A catalog set in a way the rewrite does not see is refused, with the table to write by hand.
    with pytest.raises(ConfigurationError, match=r"x: the \[catalog\] table could not be rewritten"):
        with_catalog_table('catalog.adapter = "builtin"\n', "csv", {"roles_path": "r.csv"}, "x")


def test_help_on_every_command() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, command in sub.choices.items():  # type: ignore[attr-defined]
        text = command.format_help()
        assert name in text and len(text) > 80


def test_console_script_and_demo(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("careerconv")
    out = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=True).stdout
    assert "Career Conversations" in out
    env = {**os.environ, "CAREERCONV_HOME": str(tmp_path / "demo")}
    env.pop("CAREERCONV_NOW", None)
    done = subprocess.run(
        [str(exe), "demo", str(EXAMPLES)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "6 placed" in done.stdout and "Done." in done.stdout
    home = tmp_path / "demo"
    assert (home / "jonas-plan.html").exists()
    assert len(list((home / "invites").rglob("*.ics"))) > 20
    assert "0 pending, 0 failed" in done.stdout
    again = subprocess.run(
        [str(exe), "demo", str(EXAMPLES)], capture_output=True, text=True, env=env, check=False
    )
    assert again.returncode == 1 and "--force" in again.stderr


def test_reciprocity_and_the_team_life_story(cli: Cli) -> None:
    record_jonas(cli)
    assert "M14" in cli("reciprocity", "jonas", "--as", "maya", code=1)  # the request is the report's
    assert "reciprocity.requested" in cli("reciprocity", "jonas", "--as", "jonas")
    # Jonas works 08:00-16:30 in Berlin: an hour from 16:00 there is refused.
    late = cli("meeting", "jonas", "manager_life_story", "--at", "2027-01-21T15:00Z", code=1)
    assert "outside the working hours of jonas" in late
    cli("meeting", "jonas", "manager_life_story", "--at", "2027-01-21T13:00Z")
    assert "team life story segment queued" in cli("team-story", "maya", "--at", "2027-01-22T09:00Z")
    too_long = cli("team-story", "maya", "--at", "2027-01-22T09:00Z", "--minutes", "90", code=1)
    assert "5 to 60 minutes" in too_long
    cli("dispatch")
    invites = [p.read_text() for p in (cli.home / "invites").rglob("*.ics")]
    team = [
        p.read_text()
        for p in (cli.home / "invites" / "invites").glob("*.ics")
        if "Team life story" in p.read_text()
    ]
    assert len(team) == 1  # one invite for the whole team
    unfolded = team[0].replace("\r\n ", "").replace("\n ", "")
    for email in ("jonas.weber@example.com", "hannah", "priya"):
        assert email in unfolded
    assert any("manager's life story" in t.lower() for t in invites)


def test_proposing_to_someone_without_a_manager_names_the_fix(cli: Cli) -> None:
    out = cli("propose", "helena", code=2)  # helena heads the example org
    assert "'helena' has no manager in the org" in out and "--manager" in out
    assert "None" not in out


def test_a_team_proposal_keeps_open_plans_and_proposes_to_the_rest(cli: Cli) -> None:
    cli("propose", "jonas", "aylin")
    out = cli("propose", "--team", "maya")
    assert "aylin: already has plan" in out and "kept as it is" in out and "jonas: already has plan" in out
    assert out.count("plan.proposed") == 6  # the other six reports


def test_one_report_refused_does_not_stop_the_others(cli: Cli) -> None:
    cli("propose", "jonas", "aylin")
    out = cli("accept", "jonas", "nobody", "aylin", code=1)
    assert "plan.accepted" in out and "of jonas" in out and "of aylin" in out
    assert "no person with id 'nobody'" in out
