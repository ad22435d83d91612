"""careerconv processes side by side on one home: nothing lost, nothing doubled.

Each test starts real processes (``python -m careerconv.cli``) at once, so
their steps interleave the way two terminals or two cron jobs would.
"""

from __future__ import annotations

import collections
import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from careerconv.app import App
from careerconv_core.domain.conversations import ConversationKind
from careerconv_plugins.ics import mapping
from support.cli import NOW, Cli, ready_home
from support.home_check import bookings
from tests_support_paths import EXAMPLES

TEAM = ("jonas", "aylin", "lukas", "sofia", "emil", "priya", "marcus", "hannah")


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    runner = ready_home(Cli(tmp_path / "home", capsys, monkeypatch), TEAM)
    yield runner


def at_once(home: Path, *commands: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Start every command before waiting for any; their output, in order."""
    env = {**os.environ, "CAREERCONV_NOW": NOW, "PYTHONPATH": os.pathsep.join(sys.path)}
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "careerconv.cli", "--home", str(home), *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for argv in commands
    ]
    done = []
    for process, argv in zip(started, commands, strict=True):
        out, err = process.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(argv, process.returncode, out, err))
    return done


def uids_in(path: Path) -> set[str]:
    """The UIDs of the events in one calendar file."""
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(event["UID"]) for event in cal.walk("VEVENT")}


def participants(path: Path) -> set[str]:
    """The person ids one invite file names."""
    event = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")[0]
    return set(mapping.participant_ids(event))


def test_dispatchers_side_by_side_leave_every_persons_file_complete(cli: Cli) -> None:
    cli("schedule", "--team", "maya", "--start", "2027-01-05")
    for _ in range(12):  # rounds of three one-entry dispatchers, until nothing is left
        runs = at_once(cli.home, *[["dispatch", "--limit", "1"]] * 3)
        assert all(r.returncode == 0 and "Traceback" not in r.stderr for r in runs), runs
        if "0 pending, 0 failed" in cli("status"):
            break
    assert "0 pending, 0 failed" in cli("status")
    ics = cli.home / "invites"
    invites = {path: uids_in(path) for path in (ics / "invites").glob("*.ics")}
    every = set().union(*invites.values())
    assert len(every) >= 3 * 3  # three conversations for each report the weekly cap let in
    assert uids_in(ics / "people" / "maya.ics") == every  # the manager's file has each one
    for report in TEAM:
        mine = {uid for path, uids in invites.items() if report in participants(path) for uid in uids}
        person = ics / "people" / f"{report}.ics"
        if mine:
            assert uids_in(person) == mine, f"{report}'s file lost {sorted(mine - uids_in(person))}"
        else:
            assert not person.exists()


def test_schedules_side_by_side_never_double_book_the_manager_or_break_the_weekly_cap(cli: Cli) -> None:
    runs = at_once(cli.home, *[["schedule", report, "--start", "2027-01-05"] for report in TEAM])
    for run in runs:
        assert run.returncode in (0, 1) and "Traceback" not in run.stdout + run.stderr, run
    booked = sorted(bookings(cli.home, "maya").values())
    assert len(booked) >= 3 * 3  # most reports got their three conversations
    for (_, end), (start, _) in itertools.pairwise(booked):
        assert end <= start, f"maya is booked twice at {start:%Y-%m-%d %H:%M}Z"
    berlin = ZoneInfo("Europe/Berlin")
    minutes: collections.Counter[tuple[int, int]] = collections.Counter()
    for start, end in booked:
        week = start.astimezone(berlin).isocalendar()
        minutes[week.year, week.week] += int((end - start).total_seconds() // 60)
    assert max(minutes.values()) <= 4 * 60, minutes  # weekly_cap_hours = 4.0
    placed = {r for r in TEAM if f"{r}:" in "".join(run.stdout for run in runs)}
    assert placed, runs


def test_steps_on_one_plan_at_once_all_take_effect_instead_of_conflicting(cli: Cli) -> None:
    cli("schedule", "jonas", "--start", "2027-01-05")
    story = str(EXAMPLES / "records" / "jonas-life-story.toml")
    record = ["record", "jonas", "life_story", "--file", story, "--as", "maya"]
    opt_in = ["opt-in", "jonas", "--as", "jonas"]
    runs = at_once(cli.home, *[record] * 6, opt_in, opt_in)
    for run in runs:
        assert run.returncode == 0, run  # each is read again and applied to the plan as it is then
    app = App.load(cli.home)
    try:
        (plan,) = app.store.find_plans(report_id="jonas")
    finally:
        app.close()
    assert plan.life_story is not None and plan.held(ConversationKind.LIFE_STORY)
