"""careerconv.toml as a user writes it: every bad value is one line naming the table, key and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from careerconv.cli import main
from careerconv.config import DEFAULT_CONFIG, retry_policy_from, settings_from
from careerconv_core.errors import InvalidInput


def home_with(tmp_path: Path, text: str) -> Path:
    home = tmp_path / "home"
    assert main(["--home", str(home), "init"]) == 0
    (home / "careerconv.toml").write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return home


CALENDAR = '[[calendar]]\nadapter = "ics"\nsettings = { directory = "invites" }\n'


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("max_attempts = 6", 'max_attempts = "six"'),
            "[dispatch] max_attempts: got 'six'; expected a whole number",
        ),
        (
            ("max_attempts = 6", "max_attempts = 0"),
            "max_attempts: got 0; expected a whole number from 1 to 100",
        ),
        (
            ("base_seconds = 30", "base_seconds = -1"),
            "base_seconds: got -1; expected a number from 0.001 to 86400",
        ),
        (
            ("base_seconds = 30", "base_seconds = 30\nretries = 2"),
            "[dispatch]: unknown key 'retries'; valid keys: max_attempts, base_seconds",
        ),
        (
            ("handoff_answer_days = 14", 'handoff_answer_days = 14\nseparate_days_1_2 = "yes"'),
            "separate_days_1_2: got 'yes'; expected true or false",
        ),
        ((CALENDAR, ""), "must be tables"),
        (('[store]\nadapter = "sqlite"', "[store]\nadapter = 3"), '[store] needs adapter = "<name>"'),
    ],
)
def test_a_bad_value_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: tuple[str, str], expected: str
) -> None:
    old, new = change
    assert old in DEFAULT_CONFIG
    text = DEFAULT_CONFIG.replace(old, new, 1)
    if old == CALENDAR:
        text = "calendar = 3\n" + text
    home = home_with(tmp_path, text)
    command = (
        "dispatch"
        if "[dispatch]" in expected or "max_attempts" in expected or "base_seconds" in expected
        else "due"
    )
    code = main(["--home", str(home), command])
    err = capsys.readouterr().err
    assert code == 1 and expected in err, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_file_that_is_not_utf8_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    assert main(["--home", str(home), "init"]) == 0
    (home / "careerconv.toml").write_bytes(b'[store]\nadapter = "\xff"\n')
    assert main(["--home", str(home), "status"]) == 1
    assert "not UTF-8 text" in capsys.readouterr().err


def test_the_defaults_read_back_as_the_method_s_numbers() -> None:
    settings = settings_from({})
    assert settings.lengths.total == 165 and settings.handoff_answer_days == 14
    assert retry_policy_from({}).max_attempts == 6
    with pytest.raises(InvalidInput, match=r"weekly_cap_hours: got '4h'; expected a number"):
        settings_from({"weekly_cap_hours": "4h"})
