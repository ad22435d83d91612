"""What every command shares: the invocation, how arguments are read, how a step is shown.

Only ``argparse`` and the standard library are imported here at the top, so
that ``careerconv --help`` stays fast; the application is loaded by
:meth:`Invocation.app` when a command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from careerconv.app import App
    from careerconv_core.domain.plan import CareerPlan
    from careerconv_core.services import Clock

PROGRESS_ENV = "CAREERCONV_PROGRESS"
"""Set to show progress of long runs even when standard error is not a terminal."""


class UsageError(Exception):
    """A command was called wrongly; the message says how to call it."""


class Invocation:
    """One run of ``careerconv``: where the data lives, the clock, the terminal's streams.

    ``clock`` None means the composition root's own clock (the system clock,
    or ``$CAREERCONV_NOW``).
    """

    def __init__(
        self,
        home: Path,
        *,
        clock: Clock | None = None,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
    ) -> None:
        self.home = home
        self.clock = clock
        # Read at call time, so a test that swaps sys.stdout is honoured.
        self.stdin = sys.stdin if stdin is None else stdin
        self.stdout = sys.stdout if stdout is None else stdout
        self.stderr = sys.stderr if stderr is None else stderr

    def app(self) -> App:
        """The application configured in ``home``, on this invocation's clock."""
        from careerconv.app import App

        return App.load(self.home, clock=self.clock)

    def out(self, text: str = "") -> None:
        """One line on standard output."""
        self.stdout.write(text + "\n")

    def err(self, text: str) -> None:
        """One line on standard error."""
        self.stderr.write(text + "\n")

    def ask(self, prompt: str) -> str:
        """One answer typed at the terminal, without its line end; EOFError at end of input."""
        if self.stdin is sys.stdin and self.stdout is sys.stdout:
            return input(prompt)  # the terminal's own line reading
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")

    def progress(self, label: str) -> Callable[[int, int], None]:
        """A progress callback for long runs, shown on a terminal (or with ``$CAREERCONV_PROGRESS``)."""

        def show(done: int, total: int) -> None:
            if self.stderr.isatty() or os.environ.get(PROGRESS_ENV):
                end = "\n" if done == total else "\r"
                self.stderr.write(f"{label} {done}/{total}{end}")
                self.stderr.flush()

        return show


Handler = Callable[[argparse.Namespace, Invocation], None]
"""What runs a command: the parsed arguments and the invocation."""


def add_command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    handler: Handler | None,
    help_: str,
) -> argparse.ArgumentParser:
    """A top-level command whose help line is also its description."""
    parser = sub.add_parser(name, help=help_, description=help_)
    parser.set_defaults(fn=handler)
    return parser


def add_reports(parser: argparse.ArgumentParser, many: bool = True) -> None:
    """The ``REPORT`` positional: one or more report ids."""
    parser.add_argument(
        "reports", nargs="+" if many else 1, metavar="REPORT", help="report id(s) from the org"
    )


def add_as(parser: argparse.ArgumentParser, *, report_step: bool = False) -> None:
    """``--as PERSON``: who takes the step; by default the one the method gives it to.

    ``report_step``: only the report takes this step (accept, consent, ...), so
    without ``--as`` it is the report; otherwise the report's manager.
    """
    default = "the report" if report_step else "the report's manager"
    parser.add_argument("--as", dest="as_", metavar="PERSON", help=f"who takes the step (default: {default})")
    parser.set_defaults(report_step=report_step)


def positive(kind: type[int] | type[float], *, zero: bool = False) -> Callable[[str], float]:
    """An argparse type: a number above zero (or zero too), refused in one line otherwise."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a {kind.__name__}, got {text!r}") from None
        if value < 0 or (value == 0 and not zero):
            raise argparse.ArgumentTypeError(
                f"expected a number {'of 0 or more' if zero else 'above 0'}, got {text!r}"
            )
        return value

    return parse


def parse_date(text: str) -> date:
    """An argument ``YYYY-MM-DD``."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def parse_datetime(text: str) -> datetime:
    """An argument date-time: with a UTC offset, or local (naive) to be placed by ``local_time``."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date-time like 2026-12-03T10:00 (your local time) or 2026-12-03T10:00+01:00, "
            f"got {text!r}"
        ) from None


def local_time(app: App, value: datetime, person_id: str) -> datetime:
    """``value`` as given, or, without an offset, the wall-clock time in ``person_id``'s zone.

    :raises UsageError: that wall-clock time does not exist there (skipped by a
        daylight-saving change).
    """
    if value.tzinfo is not None:
        return value
    zone = app.store.load_person(person_id).zone
    placed = value.replace(tzinfo=zone)
    if placed.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value:
        raise UsageError(
            f"{value:%Y-%m-%dT%H:%M} does not exist in {zone.key} (the clocks jump forward); "
            "give a time an hour later, or one with a UTC offset"
        )
    return placed


def output_file(text: str) -> Path:
    """A file to write that a command was given: its folder must exist, and it must not be one.

    :raises UsageError: the name is a folder, a device or a pipe, or its folder is missing or is a
        file.
    """
    import stat

    path = Path(text).expanduser()
    try:
        mode: int | None = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None
    except OSError as exc:  # a folder we may not enter, a loop of links
        raise UsageError(f"cannot write {text}: {_why(exc)}; give another file name") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise UsageError(f"{text} is a folder; give a file name, such as {path / 'plan.md'}")
    if mode is not None and not stat.S_ISREG(mode):
        # The write renames a new file over the old one: over /dev/null or a pipe it would
        # put a plain file in the device's place.
        raise UsageError(f"{text} is not a plain file (a device or a pipe); give a file name to write")
    folder = path.parent
    if not folder.is_dir():
        problem = "is a file" if folder.exists() else "does not exist"
        raise UsageError(
            f"cannot write {text}: its folder {folder} {problem}; give a file in a folder that exists"
        )
    return path


def _why(exc: OSError) -> str:
    """An OS error's reason in a few words (never its repr)."""
    return (exc.strerror or type(exc).__name__).lower()


def plan_of(app: App, report_id: str) -> CareerPlan:
    """The report's current plan: the open one, else the latest."""
    from careerconv_core.errors import NotFound

    app.store.load_person(report_id)
    plans = list(app.store.find_plans(report_id=report_id))
    if not plans:
        raise NotFound("plan for report", report_id)
    open_ = [p for p in plans if p.status.is_open]
    chosen: CareerPlan = (open_ or sorted(plans, key=lambda p: p.proposed_at))[-1]
    return chosen


def who(args: argparse.Namespace, plan: CareerPlan, *, report_step: bool | None = None) -> str:
    """The person named by ``--as``, else whom the step belongs to: the report or the manager.

    ``report_step`` overrides the command's own default (``record grow`` is the report's).
    """
    named = getattr(args, "as_", None)
    if named:
        return str(named)
    mine = getattr(args, "report_step", False) if report_step is None else report_step
    return plan.report_id if mine else plan.manager_id


def step_done(inv: Invocation, report: Any) -> None:
    """A step's report: its event, the plan's state, what was queued, stress-test findings."""
    plan = report.plan
    inv.out(
        f"{report.events[0]}: plan {plan.id} of {plan.report_id} ({plan.status.value}), "
        f"{len(report.queued)} effect(s) queued"
    )
    for finding in report.findings:
        inv.out(f"  stress test: {finding}")


def each_report(args: argparse.Namespace, inv: Invocation, step: Callable[[App, CareerPlan], Any]) -> None:
    """Take ``step`` on the current plan of each report named, showing each report."""
    app = inv.app()
    for report_id in args.reports:
        step_done(inv, step(app, plan_of(app, report_id)))
