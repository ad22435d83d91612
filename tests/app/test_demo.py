"""The demo runs the command line it is given on the clocks it makes, and never touches the environment."""

from __future__ import annotations

import ast
import io
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest

import careerconv.demo
from careerconv.app import App
from careerconv.cli import main
from careerconv.config import NOW_ENV
from careerconv.demo import START, clear_demo_home, run_demo
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.errors import ConfigurationError
from careerconv_core.services import Clock
from tests_support_paths import EXAMPLES


class RecordingCli:
    """Runs ``main`` on the demo's clock and keeps, per step, the command line and the time."""

    def __init__(self) -> None:
        self.steps: list[tuple[tuple[str, ...], datetime]] = []
        self.out = io.StringIO()

    def __call__(self, argv: Sequence[str], clock: Clock) -> int:
        assert NOW_ENV not in os.environ  # the clock comes in as an argument, not through the env
        self.steps.append((tuple(argv[2:]), clock()))  # without "--home HOME"
        return main(argv, clock=clock, stdout=self.out, stderr=self.out)

    def at(self, *argv: str) -> datetime:
        """When the (first) step with this command line ran."""
        return next(when for step, when in self.steps if step == argv)


def test_demo_runs_on_injected_clocks_without_touching_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(NOW_ENV, raising=False)
    home, cli, said = tmp_path / "demo", RecordingCli(), []
    run_demo(EXAMPLES, home, run_cli=cli, say=said.append)
    assert NOW_ENV not in os.environ
    assert "6 placed" in cli.out.getvalue() and "0 pending, 0 failed" in cli.out.getvalue()
    assert said[0] == "\n$ careerconv init" and said[-1].startswith("\nDone.")
    assert cli.steps[0] == (("init",), START)

    app = App.load(home)
    try:
        plans = {p.report_id: p for p in app.store.find_plans()}
    finally:
        app.close()
    jonas, lukas = plans["jonas"], plans["lukas"]
    assert jonas.proposed_at == cli.at("propose", "--team", "maya") == START
    assert jonas.accepted_at == cli.at("accept", "jonas", "--as", "jonas")
    assert lukas.declined_at == cli.at("decline", "lukas", "--as", "lukas")
    records = EXAMPLES / "records"
    life_story = cli.at(
        "record", "jonas", "life_story", "--file", str(records / "jonas-life-story.toml"), "--as", "maya"
    )
    assert jonas.conversation(ConversationKind.LIFE_STORY).held_at == life_story
    review = cli.at("record", "jonas", "grow_review", "--as", "maya")
    assert jonas.conversation(ConversationKind.GROW_REVIEW).held_at == review
    assert START < life_story < review  # the simulated calendar moves on between steps


def test_a_failing_step_stops_the_demo_and_names_it(tmp_path: Path) -> None:
    def refuse(argv: Sequence[str], clock: Clock) -> int:
        return 1 if argv[2] == "propose" else main(argv, clock=clock, stdout=io.StringIO())

    with pytest.raises(ConfigurationError, match=r"demo step failed \(exit 1\): careerconv propose"):
        run_demo(EXAMPLES, tmp_path / "demo", run_cli=refuse, say=lambda _: None)


def test_the_demo_module_imports_no_command_line_and_writes_no_environment() -> None:
    source = Path(careerconv.demo.__file__).read_text()
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not {name for name in imported if name and name.startswith("careerconv.cli")}
    assert "os" not in imported and "environ" not in source


def _old_demo_home(home: Path) -> None:
    """What an earlier demo leaves: the config, the store, the exports and the adapters' files."""
    for name in ("careerconv.toml", "careerconv.db", "careerconv.db-wal", "jonas-plan.md"):
        (home / name).parent.mkdir(parents=True, exist_ok=True)
        (home / name).write_text("x")
    for name in ("invites/invites/a.ics", "invites/people/jonas.ics", "mail/1.eml", "tickets/t.json"):
        (home / name).parent.mkdir(parents=True, exist_ok=True)
        (home / name).write_text("x")


def test_demo_force_in_a_project_folder_deletes_nothing(tmp_path: Path) -> None:
    project = tmp_path / "project"
    _old_demo_home(project)  # `careerconv init --home .` was once run in it, then the demo
    (project / "src" / "app").mkdir(parents=True)
    (project / "src" / "app" / "main.py").write_text("print('mine')\n")
    err = io.StringIO()
    code = main(["--home", str(project), "demo", str(EXAMPLES), "--force"], stdout=io.StringIO(), stderr=err)
    assert code == 1
    assert (
        "did not write" in err.getvalue()
        and "src" in err.getvalue()
        and "nothing was deleted" in err.getvalue()
    )
    assert (project / "src" / "app" / "main.py").read_text() == "print('mine')\n"
    assert (project / "careerconv.db").exists() and (project / "invites" / "invites" / "a.ics").exists()


@pytest.mark.parametrize(
    "own", ["notes.txt", "invites/people/my-calendar.txt", "mail/drafts/letter.doc", "careerconv.db.bak"]
)
def test_demo_force_refuses_a_home_with_a_file_careerconv_never_writes(tmp_path: Path, own: str) -> None:
    home = tmp_path / "home"
    _old_demo_home(home)
    (home / own).parent.mkdir(parents=True, exist_ok=True)
    (home / own).write_text("mine")
    with pytest.raises(ConfigurationError, match="did not write"):
        run_demo(EXAMPLES, home, run_cli=RecordingCli(), force=True, say=lambda _: None)
    assert (home / own).read_text() == "mine" and (home / "careerconv.toml").exists()


def test_demo_force_deletes_exactly_what_an_earlier_demo_wrote(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _old_demo_home(home)
    outside = tmp_path / "outside.txt"
    outside.write_text("mine")
    (home / "invites" / "link.ics").symlink_to(outside)  # a link is never followed nor taken for ours
    with pytest.raises(ConfigurationError, match="did not write"):
        clear_demo_home(home)
    (home / "invites" / "link.ics").unlink()
    clear_demo_home(home)
    assert list(home.iterdir()) == [] and outside.read_text() == "mine"


def test_demo_refuses_a_folder_that_is_not_a_careerconv_home(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    for force in (False, True):
        with pytest.raises(ConfigurationError, match="not empty and holds no careerconv setup"):
            run_demo(EXAMPLES, tmp_path, run_cli=RecordingCli(), force=force, say=lambda _: None)
    assert (tmp_path / "src").is_dir()
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(ConfigurationError, match="is a file"):
        run_demo(EXAMPLES, afile, run_cli=RecordingCli(), force=True, say=lambda _: None)
