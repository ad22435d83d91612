"""The command line run in-process on a test's home, keeping what it printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from careerconv.cli import main
from tests_support_paths import EXAMPLES

NOW = "2027-01-04T08:00:00+00:00"


class Cli:
    """Runs ``careerconv --home <tmp> ...`` in-process and keeps the output."""

    def __init__(
        self, home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.home = home
        self.capsys = capsys
        self.monkeypatch = monkeypatch
        self.now(NOW)

    def now(self, when: str) -> None:
        self.monkeypatch.setenv("CAREERCONV_NOW", when)

    def __call__(self, *argv: str, code: int = 0) -> str:
        try:
            got = main(["--home", str(self.home), *argv])
        except SystemExit as exc:  # argparse exits on usage errors
            got = int(exc.code or 0)
        out, err = self.capsys.readouterr()
        assert got == code, f"careerconv {' '.join(argv)} exited {got}: {err or out}"
        return out + err


def ready_home(runner: Cli, reports: tuple[str, ...], manager: str = "maya") -> Cli:
    """``runner``'s home with the example org, and ``reports`` through M1 and M2: accepted
    with conversation 1 and past the manager's trust gate, ready to be scheduled."""
    runner("init")
    runner("org", "import", str(EXAMPLES / "org.toml"))
    runner("propose", "--team", manager)
    for report in reports:
        runner("accept", report, "--as", report)
    runner("ready", *reports)
    return runner
