"""What every command shares: the invocation, how arguments are read, how a step is shown.

Only ``argparse`` and the standard library are imported here at the top, so
that ``careerconv --help`` stays fast; the application is loaded by
:meth:`Invocation.app` when a command runs.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

if TYPE_CHECKING:
    from careerconv.app import App
    from careerconv.cli._output import Document
    from careerconv_core.domain.plan import CareerPlan
    from careerconv_core.services import Clock

PROGRESS_ENV = "CAREERCONV_PROGRESS"
"""Set to show progress of long runs even when standard error is not a terminal."""


class UsageError(Exception):
    """A command was called wrongly; the message says how to call it."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a command that has already told what it committed before it."""


def one_line(text: str) -> str:
    """``text`` as one line a terminal shows as it is: control characters (line breaks, escape
    sequences) written as escapes. Errors quote what was given, and it may be hostile."""
    return "".join(ascii(c)[1:-1] if (c < " " and c != "\t") or c == "\x7f" else c for c in text.rstrip("\n"))


# argparse quotes what it refuses whole: a choice that is none, arguments it did not expect.
_ECHOES = (
    (re.compile(r"(invalid choice: ')(.{40}).*?(' \(choose from)", re.DOTALL), r"\1\2...\3"),
    (re.compile(r"(unrecognized arguments: )(.{40}).+", re.DOTALL), r"\1\2..."),
    (re.compile(r"(invalid [\w ]+ value: ')(.{40}).*(')$", re.DOTALL), r"\1\2...\3"),
)


class Parser(argparse.ArgumentParser):
    """argparse, telling a wrongly called command in one line: the problem, then where help is."""

    json_errors: bool = False
    """Set by ``main`` when ``--json`` was given: the line is then a JSON error document."""

    def error(self, message: str) -> NoReturn:
        """Exit 2 with ``prog: problem; see 'prog --help'`` on standard error (no usage block)."""
        for echo, cut in _ECHOES:
            message = echo.sub(cut, message)
        line = f"{one_line(f'{self.prog}: {message}')}; see '{self.prog} --help'"
        if Parser.json_errors:
            from careerconv.cli._output import error_document

            command = self.prog.removeprefix("careerconv").strip()
            line = error_document(command, 2, [(line, UsageError(message))])
        self.exit(2, line + "\n")


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
        self.quiet = False  # set from -q: no progress either
        self.json = False  # set from --json: documents are held and printed as one JSON document
        self.shown: list[Document] = []
        self.refusals: list[tuple[str, BaseException]] = []  # told before the command's last error
        # Read at call time, so a test that swaps sys.stdout is honoured.
        self.stdin = sys.stdin if stdin is None else stdin
        self.stdout = sys.stdout if stdout is None else stdout
        self.stderr = sys.stderr if stderr is None else stderr
        self._opened: list[App] = []
        self.acting: Any = (
            None  # set by the command line when it may act in reports' names (acting.ActingFor)
        )

    def app(self) -> App:
        """The application configured in ``home``, on this invocation's clock.

        It is closed by ``close`` when the command ends, however it ends.
        """
        from careerconv.app import App

        app = App.load(self.home, clock=self.clock)
        app.acting = self.acting
        self._opened.append(app)
        return app

    def close(self) -> None:
        """Close every application this run opened (its store's connection with it).

        Left to the garbage collector, an in-process caller running many
        commands would hold a connection (and a PostgreSQL slot) per command.
        """
        while self._opened:
            self._opened.pop().close()

    def out(self, text: str = "") -> None:
        """One line on standard output."""
        self.stdout.write(text + "\n")

    def err(self, text: str) -> None:
        """One line on standard error, its control characters escaped (with ``--json``, as a
        ``log`` document, so that standard error is one JSON object a line)."""
        if self.json:
            from careerconv.cli._output import log_document

            self.stderr.write(log_document("warning", "careerconv", one_line(text)) + "\n")
            return
        self.stderr.write(one_line(text) + "\n")

    def show(self, document: Document, *, now: bool = False) -> None:
        """Tell a command's answer: its lines now, or with ``--json`` held for the one document
        (``now``: printed at once as a document of its own, one a line, for a run that goes on)."""
        if self.json and now:
            from careerconv.cli._output import as_json, json_text

            self.out(json_text(as_json(document)))
            self.stdout.flush()
            return
        if self.json:
            self.shown.append(document)
            return
        for line in document.lines():
            self.out(line)

    def refused(self, exc: BaseException) -> None:
        """Tell one refusal of several (one report's of many) on standard error; the command goes on."""
        line = f"error: {exc}"
        if self.json:
            self.refusals.append((one_line(line), exc))
        else:
            self.err(line)

    def ask(self, prompt: str) -> str:
        """One answer typed at the terminal, without its line end; EOFError at end of input.

        :raises UsageError: with ``--json``: the question would go where the document goes.
        """
        if self.json:
            raise UsageError("with --json nothing is asked: give the answer as an option (see --help)")
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
            if self.quiet or self.json:
                return
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


def add_verbosity(parser: argparse.ArgumentParser, *, after_command: bool = False) -> None:
    """``-v``/``--verbose`` (twice for every HTTP request) and ``-q``/``--quiet``.

    Taken before the command and after it alike; after it, an option left out
    does not reset what was given before (``SUPPRESS``).
    """
    default: Any = argparse.SUPPRESS if after_command else 0
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=default,
        help="say what is done: -v what each adapter does, -vv every HTTP request too (never a body)",
    )
    group.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS if after_command else False,
        help="only errors: no progress, no warnings",
    )


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
    mine = getattr(args, "report_step", False) if report_step is None else report_step
    # '--as ""' names nobody; it is refused, never taken as the default
    person = str(named) if named is not None else (plan.report_id if mine else plan.manager_id)
    if person == plan.report_id:
        _acting_for_the_report(args, plan)
    return person


ACTED_FOR = "_acted_for"
"""Where ``who`` leaves the plans a command acts on in the report's name, recorded after it ran."""


def _acting_for_the_report(args: argparse.Namespace, plan: CareerPlan) -> None:
    """The command line takes one of the report's steps: allowed without a web surface, refused
    with one unless ``[web] allow_acting_for_others``, and then recorded (``record_acted_for``)."""
    from careerconv.config import read_config
    from careerconv.web.settings import web_settings

    web = web_settings(read_config(Path(args.home)))
    if not web.configured:  # the command line is the only way in: as before
        return
    if not web.allow_acting_for_others:
        from careerconv_core.errors import RuleViolation

        raise RuleViolation(
            "who acts",
            f"this step is {plan.report_id}'s own, and with the web surface configured the report "
            "takes it on their own page (the link in their mail), not at the command line",
            f"let {plan.report_id} answer from their own link; to let the command line act for "
            "reports, set allow_acting_for_others = true in [web] (each such step is then "
            "recorded and told to the report)",
        )
    acted = getattr(args, ACTED_FOR, None)
    if acted is None:  # a caller that did not start the command through main: kept on args alone
        acted = []
        setattr(args, ACTED_FOR, acted)
    acted.append(plan.id)  # the list the command's store stamps on its commits (careerconv.acting)


def record_acted_for(args: argparse.Namespace, inv: Invocation) -> None:
    """Record each step the command took in a report's name (see ``who``), after it ran."""
    acted = getattr(args, ACTED_FOR, None)
    if not acted:
        return
    services = inv.app().services()
    for plan_id in dict.fromkeys(acted):
        services.record_acting_for_others(plan_id, str(args.command))
    inv.err(f"recorded: {len(set(acted))} step(s) taken in a report's name; the report is told")


def step_done(inv: Invocation, report: Any) -> None:
    """A step's report: its event, the plan's state, what was queued, stress-test findings."""
    from careerconv.cli._documents import Steps

    inv.show(Steps.of(report))


def each_report(args: argparse.Namespace, inv: Invocation, step: Callable[[App, CareerPlan], Any]) -> None:
    """Take ``step`` on the current plan of each report named, showing each report."""
    app = inv.app()
    for_each(inv, args.reports, lambda report_id: step_done(inv, step(app, plan_of(app, report_id))))


def for_each(inv: Invocation, report_ids: Sequence[str], step: Callable[[str], object]) -> None:
    """Run ``step`` for every report, also after one is refused; then raise the last refusal.

    One report's refusal (a rule, a typo) must not leave the others untouched
    without a word: every refusal is told, each on its own line, and the
    command exits 1.
    """
    from careerconv_core.errors import CareerconvError

    refusals: list[CareerconvError] = []
    for report_id in report_ids:
        try:
            step(report_id)
        except CareerconvError as exc:
            refusals.append(exc)
    for refusal in refusals[:-1]:
        inv.refused(refusal)
    if refusals:
        raise refusals[-1]
