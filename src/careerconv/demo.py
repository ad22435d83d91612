"""The main job, end to end on embedded defaults: one manager, eight reports, one handoff.

It drives the real ``careerconv`` commands in order on a simulated calendar:
each step runs the command line it is given with the clock standing at that
step's moment, so what it shows is exactly what a manager would get by
typing them, and the records carry the simulated times.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from careerconv.app import App
from careerconv.config import CONFIG_NAME, KEY_NAME
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.errors import ConfigurationError
from careerconv_core.services import Clock

RunCli = Callable[[Sequence[str], Clock], int]
"""Runs one ``careerconv`` command line (without the program name) on a clock; returns its exit code."""

START = datetime.fromisoformat("2027-01-04T08:00:00+00:00")  # a Monday
MANAGER, NEW_MANAGER = "maya", "daniel"
DECLINING = ("lukas", "hannah")
ACCEPTING = ("jonas", "aylin", "sofia", "emil", "priya", "marcus")
RECORDED, MOVING = "jonas", "priya"


DEMO_FILES = frozenset(
    {CONFIG_NAME, "careerconv.db", "careerconv.db-wal", "careerconv.db-shm", "careerconv.db-journal"}
    | {KEY_NAME, f"{KEY_NAME}.next"}
    | {f"jonas-plan.{fmt}" for fmt in ("md", "html")}
)
"""The files the demo writes at the top of its home: the embedded defaults (the store and its
key) and the two exports."""

DEMO_FOLDERS = {
    "invites": frozenset({".ics"}),
    "mail": frozenset({".eml", ".sent"}),
    "tickets": frozenset({".json"}),
    "hris": frozenset({".json"}),
}
"""The folders the embedded defaults write into, and the kinds of file each holds."""


def _stray(home: Path) -> list[Path]:
    """What in ``home`` the demo did not write: a file or folder careerconv never makes."""
    stray = []
    for entry in sorted(home.iterdir()):
        if entry.name in DEMO_FILES and (entry.is_file() and not entry.is_symlink()):
            continue
        kinds = DEMO_FOLDERS.get(entry.name)
        if kinds is None or entry.is_symlink() or not entry.is_dir():
            stray.append(entry)
            continue
        for inner in sorted(entry.rglob("*")):
            if inner.is_symlink() or not (inner.is_dir() or _written(inner, kinds)):
                stray.append(inner)
    return stray


def _written(path: Path, kinds: frozenset[str]) -> bool:
    """A file of a kind the adapter writes, the temporary file of an interrupted write, or a lock."""
    from careerconv_plugins.files import LOCK_NAME  # noqa: PLC0415 (the demo's only use of it)

    if not path.is_file():
        return False
    hidden = path.name.startswith(".")
    return path.suffix in kinds or (hidden and path.suffix == ".tmp") or path.name == LOCK_NAME


def clear_demo_home(home: Path) -> None:
    """Delete what an earlier demo wrote in ``home``, and nothing else.

    :raises ConfigurationError: ``home`` holds anything careerconv does not
        write there (``--home .`` in a project folder, a file of your own): then
        nothing is deleted.
    """
    stray = _stray(home)
    if stray:
        shown = ", ".join(str(p) for p in stray[:3]) + (
            f" and {len(stray) - 3} more" if len(stray) > 3 else ""
        )
        raise ConfigurationError(
            f"demo: {home} holds files careerconv did not write ({shown}); nothing was deleted. "
            "Give --home a folder of its own for the demo"
        )
    for entry in home.iterdir():
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def run_demo(  # noqa: PLR0915 - the demo is one script of steps, in order
    example: Path,
    home: Path,
    *,
    run_cli: RunCli,
    force: bool = False,
    say: Callable[[str], None] = print,
) -> None:
    """Run the example team in ``home`` from the files in ``example``.

    Each step is ``run_cli(["--home", home, ...], clock)`` with a clock that
    stands at the step's moment, from ``START`` on (the example records'
    dates belong to that calendar); a step that exits non-zero stops the demo.
    With ``force``, what an earlier demo wrote in ``home`` is deleted first
    (:func:`clear_demo_home`), and a home that holds anything else is refused.
    """
    org, later, records = example / "org.toml", example / "org-later.toml", example / "records"
    for needed in (org, later, records):
        if not needed.exists():
            raise ConfigurationError(f"demo: {needed} is missing; pass the examples folder of the repository")
    if home.exists() and not home.is_dir():
        raise ConfigurationError(f"demo: {home} is a file; give --home a folder")
    if (home / CONFIG_NAME).exists():
        if not force:
            raise ConfigurationError(
                f"demo: {home} already holds a careerconv setup; use --force to start over"
            )
        clear_demo_home(home)
    elif home.is_dir() and any(home.iterdir()):
        raise ConfigurationError(
            f"demo: {home} is not empty and holds no careerconv setup; give --home a new or empty folder"
        )

    def run(when: datetime, *argv: str) -> None:
        say(f"\n$ careerconv {' '.join(argv)}")
        code = run_cli(["--home", str(home), *argv], lambda: when)
        if code != 0:
            raise ConfigurationError(f"demo step failed (exit {code}): careerconv {' '.join(argv)}")

    now = START
    run(now, "init")
    run(now, "org", "import", str(org))
    run(now, "propose", "--team", MANAGER)
    for report in ACCEPTING:
        run(now + timedelta(hours=2), "accept", report, "--as", report)
    for report in DECLINING:
        run(now + timedelta(hours=2), "decline", report, "--as", report)
    run(now + timedelta(hours=3), "ready", *ACCEPTING, "--as", MANAGER)
    run(now + timedelta(hours=3), "schedule", "--team", MANAGER, "--start", "2027-01-05")

    app = App.load(home)
    plan = next(p for p in app.store.find_plans(report_id=RECORDED))
    ends = {k: plan.conversation(k).end for k in ConversationKind}
    app.close()
    e1, e2, e3 = (ends[k] for k in ConversationKind)
    if e1 is None or e2 is None or e3 is None:
        raise ConfigurationError(f"demo: {RECORDED}'s conversations were not all placed")
    t1, t2, t3 = (e + timedelta(hours=1) for e in (e1, e2, e3))

    def record(when: datetime, outcome: str, file: str, actor: str) -> None:
        run(when, "record", RECORDED, outcome, "--file", str(records / file), "--as", actor)

    record(t1, "life_story", "jonas-life-story.toml", MANAGER)
    record(t2, "pinnacle", "jonas-pinnacle-manager.toml", MANAGER)
    record(t2, "pinnacle", "jonas-pinnacle-report.toml", RECORDED)
    record(t2 + timedelta(days=1), "grow", "jonas-grow.toml", RECORDED)
    run(t2 + timedelta(days=1), "consent", RECORDED, "--summary-to-hris", "--as", RECORDED)
    run(t3, "record", RECORDED, "grow_review", "--as", MANAGER)
    run(t3, "actions", "--report", RECORDED)
    run(t3 + timedelta(days=7), "org", "import", str(later))
    run(t3 + timedelta(days=8), "handoff", "consent", MOVING, "yes", "--as", MOVING)
    meeting = (t3 + timedelta(days=10)).replace(hour=15, minute=0, second=0, microsecond=0)
    while meeting.weekday() >= 5:  # the schedule decides t3: keep the meeting on a working day
        meeting += timedelta(days=1)
    run(
        t3 + timedelta(days=8), "handoff", "meeting", MOVING, "--at", meeting.isoformat(), "--as", NEW_MANAGER
    )
    # Priya had not held any conversation yet: the full series, now with Daniel (M13).
    run(t3 + timedelta(days=11), "handoff", "path", MOVING, "full", "--as", NEW_MANAGER)
    run(t3 + timedelta(days=11), "opt-in", MOVING, "--as", MOVING)
    run(t3 + timedelta(days=11), "ready", MOVING, "--as", NEW_MANAGER)
    run(t3 + timedelta(days=11), "schedule", MOVING, "--start", (t3 + timedelta(days=14)).date().isoformat())
    months_on = t3 + timedelta(days=120)
    run(months_on, "due", "--manager", MANAGER, "--on", months_on.date().isoformat(), "--nudge")
    for fmt in ("md", "html"):
        run(months_on, "export", RECORDED, "--format", fmt, "--out", str(home / f"jonas-plan.{fmt}"))
    run(months_on, "dispatch")
    run(months_on, "status")
    say(
        f"\nDone. Invites: {home / 'invites'}, mail: {home / 'mail'}, tickets: {home / 'tickets'}, "
        f"HR summaries: {home / 'hris'}, plan: {home / 'jonas-plan.html'}"
    )
