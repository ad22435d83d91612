"""``schedule --team --exact``: CP-SAT's line in the overview, and the heuristic without OR-Tools."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from careerconv_core.domain.scheduling import exact
from support.cli import Cli
from tests_support_paths import EXAMPLES


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    runner = Cli(tmp_path / "home", capsys, monkeypatch)
    runner("init")
    runner("org", "import", str(EXAMPLES / "org.toml"))
    runner("propose", "--team", "maya")
    for report in ("jonas", "aylin", "priya"):
        runner("accept", report, "--as", report)
    runner("ready", "jonas", "aylin", "priya")
    yield runner


@pytest.mark.skipif(not exact.available(), reason="needs careerconv[optimal] (OR-Tools)")
def test_exact_says_whether_cp_sat_proved_the_schedule_optimal(cli: Cli) -> None:
    out = cli("schedule", "--team", "maya", "--start", "2027-01-05", "--exact", "--time-limit", "20")
    assert "3 placed, 0 could not fit" in out
    line = next(x for x in out.splitlines() if x.strip().startswith("exact:"))
    assert "CP-SAT proved this schedule optimal" in line or "not proven optimal" in line, line


def test_exact_without_ortools_keeps_the_heuristic_and_says_so(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [n for n in sys.modules if n == "ortools" or n.startswith("ortools.")] or ["ortools"]:
        monkeypatch.setitem(sys.modules, name, None)
    out = cli("schedule", "--team", "maya", "--start", "2027-01-05", "--exact")
    assert "3 placed, 0 could not fit" in out
    assert "exact: OR-Tools is not installed (pip install 'careerconv[optimal]')" in out
    assert "Traceback" not in out


@pytest.mark.parametrize("bad", ["0", "-3", "soon", "7200"])
def test_a_bad_time_limit_is_one_line_naming_the_option(cli: Cli, bad: str) -> None:
    out = cli("schedule", "--team", "maya", "--exact", "--time-limit", bad, code=2)
    assert "--time-limit" in out and "seconds from more than 0 to 3600" in out
    assert "Traceback" not in out
