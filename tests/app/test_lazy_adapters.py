"""A calendar is built only by the commands that use it: a missing token holds back only those."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.cli import Cli
from support.example_team import example_home, ready_team

UNSET = "CAREERCONV_TEST_UNSET_CALDAV_PASSWORD"


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    runner = example_home(tmp_path, capsys, monkeypatch)
    ready_team(runner)
    monkeypatch.delenv(UNSET, raising=False)
    config = runner.home / "careerconv.toml"
    # The CalDAV calendar comes first, so it is the one free/busy is read from.
    config.write_text(
        config.read_text().replace(
            '[[calendar]]\nadapter = "ics"',
            "[[calendar]]\n"
            'adapter = "caldav"\n'
            'settings = { url = "https://dav.example.com/maya/career/", user = "maya", '
            f'password_env = "{UNSET}" }}\n\n'
            '[[calendar]]\nadapter = "ics"',
            1,
        )
    )
    return runner


def test_commands_that_read_no_free_busy_work_without_the_calendars_secret(cli: Cli) -> None:
    cli("schedule", "jonas", "--start", "2027-01-05")  # placed by working hours; see below
    assert "jonas" in cli("due", "--manager", "maya", "--on", "2027-03-01")
    assert "pending" in cli("status")
    cli("decline", "priya", "--as", "priya")


def test_placing_says_free_busy_is_unavailable_and_why_then_places_by_working_hours(cli: Cli) -> None:
    out = cli("schedule", "jonas", "--start", "2027-01-05")
    assert "free/busy unavailable" in out
    assert UNSET in out  # the variable to set, named
    assert "placed by working hours alone" in out


def test_delivering_through_that_calendar_names_the_variable_to_set(cli: Cli) -> None:
    cli("schedule", "jonas", "--start", "2027-01-05")
    out = cli("dispatch", code=1)
    assert UNSET in out
