"""The whole careerconv.toml checked against what each adapter declares (issue 11, item 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from careerconv.cli import main
from careerconv.config import DEFAULT_CONFIG, adapter_settings, read_config, settings_from
from careerconv.config_check import problems
from careerconv.facade import plugin_host
from careerconv.settings_reference import settings_reference
from careerconv_core.errors import InvalidInput
from careerconv_core.hookspecs import AdapterKind
from careerconv_core.setting import declared
from tests_support_paths import ROOT

SMTP = '\n[[notifier]]\nadapter = "smtp"\nsettings = {{ host = "localhost", {extra} }}\n'


def run(home: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    home = tmp_path / "home"
    assert main(["--home", str(home), "init"]) == 0
    capsys.readouterr()
    return home


def write(home: Path, text: str) -> None:
    (home / "careerconv.toml").write_text(text, encoding="utf-8")


def test_the_embedded_defaults_check_ok(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(home, capsys, "config", "check")
    assert code == 0 and out.strip() == f"OK: {home / 'careerconv.toml'}"


@pytest.mark.parametrize(
    ("added", "named"),
    [
        ('\n[[calender]]\nadapter = "ics"\n', "unknown table 'calender' (did you mean 'calendar'?)"),
        (
            SMTP.format(extra='state_directroy = "sent"'),
            "unknown key 'state_directroy' (did you mean 'state_directory'?)",
        ),
        (
            '\n[[calendar]]\nadapter = "ics"\nname = "ics-2"\nsettings = { directory = 5 }\n',
            "setting 'directory': got 5; expected a path in quotes",
        ),
        (
            '\n[[calendar]]\nadapter = "ics"\nname = "ics-2"\nsettings = { directory = ["a", "b"] }\n',
            "setting 'directory': got ['a', 'b']; expected a path in quotes",
        ),
        (SMTP.format(extra='port = "abc"'), "setting 'port': got 'abc'; expected a whole number"),
        ('\n[[calendar]]\nadapter = "icss"\n', "no calendar adapter named 'icss'"),
        ('\n[[calendar]]\nadapter = "ics"\nname = "ics-2"\nfolder = "x"\n', "unknown key 'folder'"),
    ],
)
def test_a_problem_is_named_with_the_fix_and_every_command_refuses_it(
    home: Path, capsys: pytest.CaptureFixture[str], added: str, named: str
) -> None:
    write(home, DEFAULT_CONFIG + added)
    code, out, err = run(home, capsys, "config", "check")
    assert code == 1 and named in out, out
    assert "problem(s)" in err and "Traceback" not in out + err
    code, _, err = run(home, capsys, "status")  # was ignored or turned into a folder "5" before
    assert code == 1 and named in err and len(err.strip().splitlines()) == 1, err


def test_every_problem_is_listed_at_once(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = DEFAULT_CONFIG.replace("weekly_cap_hours = 4.0", "weekly_cap_hours = nan")
    text = text.replace("max_attempts = 6", "max_attemps = 6")
    write(home, text + '\n[[calender]]\nadapter = "ics"\n' + SMTP.format(extra="timeout = inf"))
    code, out, err = run(home, capsys, "config", "check")
    lines = out.strip().splitlines()
    assert code == 1 and len(lines) == 4, out
    assert "weekly_cap_hours: got nan" in out and "'max_attemps' (did you mean 'max_attempts'?)" in out
    assert "setting 'timeout': got inf" in out and "4 problem(s)" in err
    _, _, err = run(home, capsys, "due")
    assert "(3 more problems: run 'careerconv config check')" in err


def test_a_flag_in_quotes_is_refused_not_read_as_true(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(home, DEFAULT_CONFIG.replace("[method]\n", '[method]\nseparate_days_1_2 = "no"\n'))
    code, out, _ = run(home, capsys, "config", "check")
    assert code == 1 and "separate_days_1_2: got 'no'; expected true or false" in out


def test_a_home_relative_path_is_expanded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "me"))
    ics = plugin_host().adapter_spec(AdapterKind.CALENDAR, "ics").declared_settings
    got = adapter_settings({"directory": "~/invites"}, "[[calendar]] #1", tmp_path / "home", ics)
    assert got == {"directory": str(tmp_path / "me" / "invites")}
    relative = adapter_settings({"directory": "invites"}, "[[calendar]] #1", tmp_path / "home", ics)
    assert relative == {"directory": str(tmp_path / "home" / "invites")}


def test_numbers_and_flags_an_adapter_reads_as_text_may_be_written_either_way(tmp_path: Path) -> None:
    caldav = plugin_host().adapter_spec(AdapterKind.CALENDAR, "caldav").declared_settings
    where = "[[calendar]] #1"
    given = {"timeout": 5, "create_calendar": False}
    assert adapter_settings(given, where, tmp_path, caldav) == {"timeout": "5", "create_calendar": "false"}
    quoted = {"timeout": "5", "create_calendar": "no"}
    assert adapter_settings(quoted, where, tmp_path, caldav) == quoted
    with pytest.raises(InvalidInput, match="setting 'create_calendar': got 'maybe'; expected true or false"):
        adapter_settings({"create_calendar": "maybe"}, where, tmp_path, caldav)


def test_settings_that_were_never_read_from_the_file_are(home: Path) -> None:
    settings = settings_from({"return_grace_days": 7, "handoff_meeting_minutes": 30})
    assert settings.return_grace_days == 7 and settings.handoff_meeting_minutes == 30
    write(home, DEFAULT_CONFIG.replace("[method]\n", "[method]\nreturn_grace_days = 7\n"))
    assert problems(read_config(home), plugin_host(), home) == []


def test_the_settings_reference_is_generated_from_the_declarations() -> None:
    page = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert page == settings_reference(plugin_host()), (
        "regenerate it: python -m careerconv.settings_reference > docs/settings.md"
    )
    assert "| `state_directory` | a path in quotes |" in page and "| `return_grace_days` |" in page


def test_a_folder_an_adapter_keeps_its_state_in_defaults_to_one_in_the_home(tmp_path: Path) -> None:
    jira = plugin_host().adapters(AdapterKind.TRACKER)["jira"].settings
    given = {"url": "https://example.atlassian.net", "project": "CC"}
    got = adapter_settings(given, "[[tracker]] #1", tmp_path, declared(jira))
    assert got["state_directory"] == str(tmp_path / "jira-state")
    mine = adapter_settings(
        {**given, "state_directory": "elsewhere"}, "[[tracker]] #1", tmp_path, declared(jira)
    )
    assert mine["state_directory"] == str(tmp_path / "elsewhere")
