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
from careerconv.demo import START, run_demo
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
