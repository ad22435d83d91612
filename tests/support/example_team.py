"""The example org in a fresh home, and the steps most CLI tests start from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support.cli import Cli
from tests_support_paths import EXAMPLES


def example_home(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """A runner on a new home holding the example org (Maya and her reports)."""
    runner = Cli(tmp_path / "home", capsys, monkeypatch)
    runner("init")
    runner("org", "import", str(EXAMPLES / "org.toml"))
    return runner


def ready_team(cli: Cli) -> None:
    """Jonas, Aylin and Priya proposed to, accepted with conversation 1, past the trust gate."""
    cli("propose", "--team", "maya")
    for report in ("jonas", "aylin", "priya"):
        cli("accept", report, "--as", report)
    cli("ready", "jonas", "aylin", "priya")


def record_jonas(cli: Cli) -> None:
    """Jonas scheduled, with conversations 1 and 2 and his GROW homework recorded."""
    ready_team(cli)
    cli("schedule", "jonas", "--start", "2027-01-05")
    records = EXAMPLES / "records"
    cli.now("2027-01-20T08:00:00+00:00")
    cli("record", "jonas", "life_story", "--file", str(records / "jonas-life-story.toml"))
    cli("record", "jonas", "pinnacle", "--file", str(records / "jonas-pinnacle-manager.toml"))
    cli("record", "jonas", "pinnacle", "--file", str(records / "jonas-pinnacle-report.toml"), "--as", "jonas")
    out = cli("record", "jonas", "grow", "--file", str(records / "jonas-grow.toml"), "--as", "jonas")
    assert "grow.written" in out


def org_without(folder: Path, drop: str, moves: dict[str, str]) -> Path:
    """The example org with ``drop`` left out and each person in ``moves`` under a new manager."""
    blocks = EXAMPLES.joinpath("org.toml").read_text().split("\n[[person]]\n")
    kept = []
    for block in blocks[1:]:
        pid = block.split('id = "', 1)[1].split('"', 1)[0]
        if pid == drop:
            continue
        moved = re.sub(r'manager = "[^"]*"', f'manager = "{moves[pid]}"', block) if pid in moves else block
        kept.append("[[person]]\n" + moved + "\n")
    out = folder / "org-after.toml"
    out.write_text("".join(kept))
    return out
