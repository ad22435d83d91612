"""Bad input a user types, as a new or a hostile user would: one line, never a traceback."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from careerconv.cli import main
from careerconv_core.domain.conversations import ConversationLengths
from careerconv_core.domain.scheduling import SchedulingRules
from careerconv_core.errors import InvalidInput
from careerconv_core.services import Settings
from support.cli import Cli
from tests_support_paths import EXAMPLES


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def one_line_error(out: str) -> None:
    assert "Traceback" not in out and len(out.strip().splitlines()) == 1, out


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    runner = Cli(tmp_path / "home", capsys, monkeypatch)
    runner("init")
    runner("org", "import", str(EXAMPLES / "org.toml"))
    return runner


def test_a_record_file_that_is_a_folder(cli: Cli, tmp_path: Path) -> None:
    cli("propose", "jonas")
    out = cli("record", "jonas", "life_story", "--file", str(tmp_path), code=1)
    assert "expected a readable file" in out
    one_line_error(out)


def test_an_export_into_a_folder_that_does_not_exist(cli: Cli, tmp_path: Path) -> None:
    cli("propose", "jonas")
    out = cli("export", "jonas", "--out", str(tmp_path / "missing" / "x.md"), code=2)
    assert "cannot write" in out and "folder that exists" in out
    one_line_error(out)


def test_an_export_onto_a_device_is_refused_and_the_device_is_left_as_it_is(cli: Cli) -> None:
    """The write renames a new file over the target: over /dev/null it would replace the device."""
    import stat

    cli("propose", "jonas")
    out = cli("export", "jonas", "--out", "/dev/null", code=2)
    assert "not a plain file" in out
    one_line_error(out)
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


@pytest.mark.parametrize(
    "option", [["--limit", "0"], ["--limit", "-3"], ["--interval", "-1"], ["--runs", "x"]]
)
def test_dispatch_refuses_numbers_that_would_loop_forever_or_crash(cli: Cli, option: list[str]) -> None:
    out = cli("dispatch", *option, code=2)
    assert "expected a" in out and "Traceback" not in out


def test_answers_that_run_out_or_are_not_numbers(tmp_path: Path, cli: Cli) -> None:
    cli("propose", "--team", "maya")
    cli("accept", "jonas", "--as", "jonas")
    cli("ready", "jonas")
    cli("schedule", "jonas", "--start", "2027-01-05")
    err = io.StringIO()
    argv = ["--home", str(cli.home), "record", "jonas", "life_story"]
    assert main(argv, stdin=Tty("only one answer\n"), stdout=io.StringIO(), stderr=err) == 2
    assert "input ended" in err.getvalue() and "nothing recorded" in err.getvalue()
    one_line_error(err.getvalue())


def test_an_org_sync_says_a_proposal_lapsed_rather_than_that_consent_was_asked(cli: Cli) -> None:
    cli("propose", "priya")  # proposed, never accepted
    out = cli("org", "import", str(EXAMPLES / "org-later.toml"))
    assert "the proposal, not yet accepted, lapsed" in out
    assert "asked for consent" not in out


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('[hris_source]\nadapter = "orgfile"', '[hris_source]\nadapter = "orgfile"\nsettings = "x"'),
            "settings: invalid value; expected a table",
        ),
        (
            ("handoff_answer_days = 14", "handoff_answer_days = 0"),
            "handoff_answer_days: got 0; expected a whole number from 1 to 365",
        ),
    ],
)
def test_config_values_that_used_to_fail_later_or_with_a_traceback(
    cli: Cli, change: tuple[str, str], expected: str
) -> None:
    config = cli.home / "careerconv.toml"
    old, new = change
    assert old in config.read_text(encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    out = cli("org", "import", str(EXAMPLES / "org.toml"), code=1)
    assert expected in out
    one_line_error(out)


def test_a_config_file_that_is_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "careerconv.toml").mkdir()
    assert main(["--home", str(tmp_path), "status"]) == 1
    err = capsys.readouterr().err
    assert "cannot be read" in err
    one_line_error(err)


def test_scheduling_rules_with_other_minutes_than_the_settings_are_refused() -> None:
    with pytest.raises(InvalidInput, match=r"settings\.scheduling\.lengths"):
        Settings(scheduling=SchedulingRules(lengths=ConversationLengths(90, 60, 60)))
    same = ConversationLengths(90, 60, 60)
    assert Settings(lengths=same, scheduling=SchedulingRules(lengths=same)).scheduling.lengths == same


@pytest.mark.parametrize(
    "argv",
    [
        ["due", "--manager", ""],
        ["propose", "--team", " "],
        ["propose", "jonas", "--manager", ""],
        ["schedule", "--team", ""],
        ["actions", "--report", ""],
        ["feedback-report", "--manager", ""],
        ["rebuild", "--adapter", ""],
    ],
)
def test_an_empty_id_given_to_an_option_is_refused_not_taken_as_absent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--home", str(tmp_path), *argv])
    err = capsys.readouterr().err
    assert done.value.code == 2 and "expected an id or a name, got an empty value" in err
