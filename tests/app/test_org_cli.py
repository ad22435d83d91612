"""``org import`` of a partial file: people are kept unless asked, dry runs change nothing,
and a report back within the grace period gets their plan back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from careerconv.app import App
from support.cli import Cli, ready_home
from tests_support_paths import EXAMPLES

KEPT = ("helena", "maya", "jonas")


def partial_org(folder: Path) -> Path:
    """The example org cut to Helena, Maya and Jonas, as a truncated export would be."""
    blocks = (EXAMPLES / "org.toml").read_text().split("[[person]]")[1:]
    kept = [b for b in blocks if re.search(r'^id = "(' + "|".join(KEPT) + ')"$', b, re.MULTILINE)]
    path = folder / "two-and-a-boss.toml"
    path.write_text("".join("[[person]]" + b for b in kept))
    return path


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    runner = ready_home(Cli(tmp_path / "home", capsys, monkeypatch), ("jonas", "aylin"))
    runner("schedule", "jonas", "aylin", "--start", "2027-01-05")
    yield runner


def stored(home: Path) -> tuple[list[str], dict[str, str], int]:
    """Who the store holds, each report's plan status, and how many outbox entries."""
    app = App.load(home)
    try:
        people = sorted(p.id for p in app.store.list_people())
        plans = {p.report_id: p.status.value for p in app.store.find_plans()}
        return people, plans, len(app.store.outbox())
    finally:
        app.close()


def test_people_missing_from_a_read_are_kept_and_named_unless_removal_is_asked_for(
    cli: Cli, tmp_path: Path
) -> None:
    before = stored(cli.home)
    out = cli("org", "import", str(partial_org(tmp_path)))
    assert "8 stored people are not in this read and were kept" in out and "add --remove-missing" in out
    assert stored(cli.home) == before  # nobody removed, no plan ended, no invite cancelled


def test_a_dry_run_shows_removals_and_handoffs_and_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    before = stored(cli.home)
    out = cli("org", "import", str(partial_org(tmp_path)), "--remove-missing", "--dry-run")
    assert out.startswith("org (dry run, nothing changed): 0 would be added, 0 would be updated, 8 would be")
    assert re.search(r"aylin's plan \w+ would be ended: the report left; its booked conversations", out)
    assert re.search(r"emil's plan \w+ would be ended: the report left\n", out)  # nothing booked
    later = cli("org", "import", str(EXAMPLES / "org-later.toml"), "--dry-run")
    assert "updated: priya" in later and "manager change on priya's plan" in later
    assert "the proposal, not yet accepted, would lapse (M1)" in later  # priya never accepted
    assert stored(cli.home) == before


def test_a_report_back_within_the_grace_period_gets_the_plan_back(cli: Cli, tmp_path: Path) -> None:
    cli("org", "import", str(partial_org(tmp_path)), "--remove-missing")
    people, plans, _ = stored(cli.home)
    assert "aylin" not in people and plans["aylin"] == "ended"
    cli.now("2027-01-20T08:00:00+00:00")  # 16 days later, within the default 30
    out = cli("org", "import", str(EXAMPLES / "org.toml"))
    assert re.search(r"aylin's plan \w+ reopened: the report is back within the grace period", out)
    assert "'careerconv schedule aylin' places them again" in out
    assert stored(cli.home)[1]["aylin"] == "active"
    assert "aylin:" in cli("schedule", "aylin", "--start", "2027-01-21")


def test_the_grace_period_is_read_from_the_config(cli: Cli, tmp_path: Path) -> None:
    config = cli.home / "careerconv.toml"
    config.write_text(config.read_text().replace("[method]\n", "[method]\nreturn_grace_days = 3\n"))
    cli("org", "import", str(partial_org(tmp_path)), "--remove-missing")
    cli.now("2027-01-10T08:00:00+00:00")  # six days later: past the three days
    out = cli("org", "import", str(EXAMPLES / "org.toml"))
    assert "reopened" not in out and stored(cli.home)[1]["aylin"] == "ended"


def test_an_org_file_of_another_kind_is_named_as_the_file_given(cli: Cli, tmp_path: Path) -> None:
    out = cli("org", "import", "/dev/null", code=2)
    assert "the org file must be a .toml or .csv file, got '/dev/null'" in out and "'path'" not in out
