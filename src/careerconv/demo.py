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
from careerconv.config import CONFIG_NAME
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
    """
    org, later, records = example / "org.toml", example / "org-later.toml", example / "records"
    for needed in (org, later, records):
        if not needed.exists():
            raise ConfigurationError(f"demo: {needed} is missing; pass the examples folder of the repository")
    if (home / CONFIG_NAME).exists():
        if not force:
            raise ConfigurationError(
                f"demo: {home} already holds a careerconv setup; use --force to start over"
            )
        shutil.rmtree(home)

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
