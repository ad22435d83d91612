"""The main job, end to end on embedded defaults: one manager, eight reports, one handoff.

It drives the real ``careerconv`` commands in order on a simulated calendar
(the clock is moved forward between steps through ``$CAREERCONV_NOW``), so
what it shows is exactly what a manager would get by typing them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from careerconv.app import CONFIG_NAME, NOW_ENV, App
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.errors import ConfigurationError

START = datetime.fromisoformat("2027-01-04T08:00:00+00:00")  # a Monday
MANAGER, NEW_MANAGER = "maya", "daniel"
DECLINING = ("lukas", "hannah")
ACCEPTING = ("jonas", "aylin", "sofia", "emil", "priya", "marcus")
RECORDED, MOVING = "jonas", "priya"


def run_demo(  # noqa: PLR0915 - the demo is one script of steps, in order
    example: Path, home: Path, *, force: bool = False, say: Callable[[str], None] = print
) -> None:
    """Run the example team in ``home`` from the files in ``example``."""
    from careerconv.cli import main

    org, later, records = example / "org.toml", example / "org-later.toml", example / "records"
    for needed in (org, later, records):
        if not needed.exists():
            raise ConfigurationError(
                f"demo: {needed} is missing; pass the examples folder of the repository"
            )
    if (home / CONFIG_NAME).exists():
        if not force:
            raise ConfigurationError(
                f"demo: {home} already holds a careerconv setup; use --force to start over"
            )
        shutil.rmtree(home)
    saved = os.environ.get(NOW_ENV)

    def run(when: datetime, *argv: str) -> None:
        os.environ[NOW_ENV] = when.isoformat()
        say(f"\n$ careerconv {' '.join(argv)}")
        code = main(["--home", str(home), *argv])
        if code != 0:
            raise ConfigurationError(f"demo step failed (exit {code}): careerconv {' '.join(argv)}")

    try:
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
        run(
            t1,
            "record",
            RECORDED,
            "life_story",
            "--file",
            str(records / "jonas-life-story.toml"),
            "--as",
            MANAGER,
        )
        run(
            t2,
            "record",
            RECORDED,
            "pinnacle",
            "--file",
            str(records / "jonas-pinnacle-manager.toml"),
            "--as",
            MANAGER,
        )
        run(
            t2,
            "record",
            RECORDED,
            "pinnacle",
            "--file",
            str(records / "jonas-pinnacle-report.toml"),
            "--as",
            RECORDED,
        )
        run(
            t2 + timedelta(days=1),
            "record",
            RECORDED,
            "grow",
            "--file",
            str(records / "jonas-grow.toml"),
            "--as",
            RECORDED,
        )
        run(t2 + timedelta(days=1), "consent", RECORDED, "--summary-to-hris", "--as", RECORDED)
        run(t3, "record", RECORDED, "grow_review", "--as", MANAGER)
        run(t3, "actions", "--report", RECORDED)
        run(t3 + timedelta(days=7), "org", "import", str(later))
        run(t3 + timedelta(days=8), "handoff", "consent", MOVING, "yes", "--as", MOVING)
        meeting = (t3 + timedelta(days=10)).replace(hour=15, minute=0, second=0, microsecond=0)
        run(
            t3 + timedelta(days=8),
            "handoff",
            "meeting",
            MOVING,
            "--at",
            meeting.isoformat(),
            "--as",
            NEW_MANAGER,
        )
        # Priya had not held any conversation yet: the full series, now with Daniel (M13).
        run(t3 + timedelta(days=11), "handoff", "path", MOVING, "full", "--as", NEW_MANAGER)
        run(t3 + timedelta(days=11), "opt-in", MOVING, "--as", MOVING)
        run(t3 + timedelta(days=11), "ready", MOVING, "--as", NEW_MANAGER)
        run(
            t3 + timedelta(days=11),
            "schedule",
            MOVING,
            "--start",
            (t3 + timedelta(days=14)).date().isoformat(),
        )
        later_day = (t3 + timedelta(days=120)).date().isoformat()
        run(t3 + timedelta(days=120), "due", "--manager", MANAGER, "--on", later_day, "--nudge")
        run(
            t3 + timedelta(days=120),
            "export",
            RECORDED,
            "--format",
            "md",
            "--out",
            str(home / "jonas-plan.md"),
        )
        run(
            t3 + timedelta(days=120),
            "export",
            RECORDED,
            "--format",
            "html",
            "--out",
            str(home / "jonas-plan.html"),
        )
        run(t3 + timedelta(days=120), "dispatch")
        run(t3 + timedelta(days=120), "status")
    finally:
        if saved is None:
            os.environ.pop(NOW_ENV, None)
        else:
            os.environ[NOW_ENV] = saved
    say(
        f"\nDone. Invites: {home / 'invites'}, mail: {home / 'mail'}, tickets: {home / 'tickets'}, "
        f"HR summaries: {home / 'hris'}, plan: {home / 'jonas-plan.html'}"
    )
