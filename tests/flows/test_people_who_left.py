"""Plans that name someone who is no longer in the store keep working (issue 17 item 1).

A GROW action owned by a manager who handed the report over, a former manager
in a handoff, a plan's manager removed by ``org import --remove-missing``:
once that person is erased or removed, every command on the plans that name
them still runs. Their actions show the id as "a former colleague", their
tickets go to the report, and nothing fails on the missing person. A person
stored under an id an older careerconv accepted is named, with the fix.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from flows.test_hr_consent import to_conversation_3
from support.cli import Cli
from support.example_team import org_without
from tests_support_paths import EXAMPLES


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    runner = Cli(tmp_path / "home", capsys, monkeypatch)
    runner("init")
    to_conversation_3(runner)
    runner("dispatch")
    return runner


def _everything_runs(cli: Cli) -> dict[str, str]:
    """Every read and step a user would try next on jonas's plan: each exits 0."""
    cli.now("2027-02-27T08:00:00+00:00")
    return {
        "dispatch": cli("dispatch"),
        "status": cli("status"),
        "due": cli("due", "--manager", "daniel", "--nudge"),
        "due-all": cli("due"),
        "dispatch-nudges": cli("dispatch"),
        "actions": cli("actions", "--report", "jonas", "--as", "jonas"),
        "export": cli("export", "jonas", "--as", "jonas"),
        "export-html": cli("export", "jonas", "--format", "html", "--as", "jonas"),
        "handoff": cli("handoff", "status", "jonas", "--as", "daniel"),
        # Fewer than five ratings: the M16 refusal, a line and exit 1, as before anyone left.
        "feedback-report": cli("feedback-report", code=1),
        "person-export": cli("person", "export", "jonas"),
    }


def test_an_erased_former_manager_who_owns_an_action_breaks_nothing(cli: Cli, tmp_path: Path) -> None:
    cli("org", "import", str(org_without(tmp_path, "", {"jonas": "daniel"})))
    cli("handoff", "consent", "jonas", "yes", "--as", "jonas")
    cli("handoff", "path", "jonas", "continue", "--as", "daniel")
    cli("dispatch")
    out = cli("person", "erase", "maya", "--yes")
    assert "maya" in out
    got = _everything_runs(cli)
    assert "Introduce Jonas to the VP of Engineering" in got["export"]
    assert "intro" in got["actions"] and "M16" in got["feedback-report"]
    cli("action", "done", "jonas:intro", "--as", "daniel")
    cli("checkin", "jonas", "--as", "daniel")
    cli("dispatch")
    tickets = [p.read_text() for p in (cli.home / "tickets").rglob("*") if p.is_file()]
    intro = [t for t in tickets if "Introduce Jonas" in t]
    assert intro and all("maya" not in t for t in intro), "the action went to the report"
    assert any("jonas" in t for t in intro)


_TEAM = ("jonas", "aylin", "lukas", "sofia", "emil", "priya", "marcus", "hannah")


def _maya_leaves(cli: Cli, tmp_path: Path) -> str:
    """Maya leaves the org (``org import --remove-missing``); her team moves to Daniel."""
    org = org_without(tmp_path, "maya", dict.fromkeys(_TEAM, "daniel"))
    return cli("org", "import", str(org), "--remove-missing")


def test_a_manager_removed_by_org_import_breaks_nothing(cli: Cli, tmp_path: Path) -> None:
    _maya_leaves(cli, tmp_path)
    cli("dispatch")
    assert "a former colleague (maya)" in cli("export", "jonas", "--as", "jonas")
    assert "consent" in cli("handoff", "status", "jonas", "--as", "jonas")
    cli("handoff", "consent", "jonas", "yes", "--as", "jonas")
    cli("handoff", "path", "jonas", "continue", "--as", "daniel")
    got = _everything_runs(cli)
    assert "Introduce Jonas to the VP of Engineering" in got["export"]
    cli("action", "done", "jonas:intro", "--as", "daniel")
    cli("dispatch")


def test_a_manager_who_left_takes_no_more_steps(cli: Cli, tmp_path: Path) -> None:
    _maya_leaves(cli, tmp_path)
    out = cli("checkin", "jonas", code=1)  # --as defaults to the plan's manager, who left
    assert "M12: maya, the manager of plan" in out and "is no longer in the org" in out, out
    assert "careerconv handoff status jonas" in out


def test_a_no_after_the_manager_left_tells_nobody_who_is_gone(cli: Cli, tmp_path: Path) -> None:
    _maya_leaves(cli, tmp_path)
    out = cli("handoff", "consent", "jonas", "no", "--as", "jonas")
    assert "maya" not in cli("status")
    cli("dispatch")
    assert not any("former@" in p.read_text() for p in (cli.home / "mail").glob("*.eml")), out


def test_a_person_stored_under_an_id_an_older_version_accepted_is_named_with_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(tmp_path / "home", capsys, monkeypatch)
    cli("init")
    cli("org", "import", str(EXAMPLES / "org.toml"))
    old = "-aylin demir"  # a leading dash and a space: refused by today's id rule
    with sqlite3.connect(cli.home / "careerconv.db") as conn:
        (body,) = conn.execute("SELECT body FROM people WHERE id = 'aylin'").fetchone()
        conn.execute(
            "INSERT INTO people (id, manager_id, body) VALUES (?, 'maya', ?)",
            (old, json.dumps({**json.loads(body), "id": old})),
        )
    for argv in (("propose", "--team", "maya"), ("org", "import", str(EXAMPLES / "org.toml"))):
        out = cli(*argv, code=1)
        assert "the store holds a person with the id '-aylin demir'" in out, out
        assert "careerconv person erase -- '-aylin demir'" in out and "Traceback" not in out
    cli("person", "erase", "--yes", "--", old)
    cli("org", "import", str(EXAMPLES / "org.toml"))
    assert "aylin" in cli("propose", "--team", "maya")
