"""The ``careerconv`` command: Career Conversations for a whole team, on embedded defaults.

One module per group of the method's steps; each registers its commands
(``register(sub)``) next to their handlers. The commands only parse
arguments and print; the work is in the use cases. Modules import only
``argparse`` and the standard library at the top, everything else inside
the commands, so that ``careerconv --help`` stays fast.

Who acts: commands that one side of a plan takes (accept, rate, choose
focus, consent) take ``--as PERSON``; it defaults to the report's current
manager. Without a web surface, checking who is really at the keyboard is
the embedding tool's job. Once ``[web]`` is configured the report takes
their own steps on their own page, and the command line is refused them
unless ``[web] allow_acting_for_others = true``, when each is recorded and
told to the report (``_common.who``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from careerconv.cli import _output as output
from careerconv.cli import _verbosity as verbosity
from careerconv.cli import (
    actions,
    answers,
    audit,
    cadence,
    catalog,
    completion,
    conversations,
    export,
    feedback,
    handoff,
    maintain,
    optin,
    org,
    outbox,
    person,
    serve,
    setup,
)
from careerconv.cli._args import path_arg
from careerconv.cli._common import (
    ACTED_FOR,
    Interrupted,
    Invocation,
    Parser,
    UsageError,
    add_verbosity,
    record_acted_for,
)
from careerconv.cli._completion import COMPLETE

if TYPE_CHECKING:
    from careerconv_core.services import Clock

__all__ = ["DEBUG_ENV", "EXIT_CLOSED_PIPE", "HOME_ENV", "UsageError", "build_parser", "main"]

HOME_ENV = "CAREERCONV_HOME"
DEBUG_ENV = "CAREERCONV_DEBUG"
"""Set to let an unexpected error (a bug) raise with its traceback instead of one line."""
EXIT_CLOSED_PIPE = 141
"""The exit code when standard output was closed early (``careerconv status | head -1``), as a
shell gives a program a pipe's reader left: 128 + SIGPIPE."""

_GROUPS = (
    *(setup, org, optin, conversations, cadence, actions, answers, handoff, feedback, export, catalog),
    outbox,
    *(audit, person, maintain),  # the people's rights over their data
    serve,
    completion,
)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: the global options, then each group's commands."""
    parser = Parser(
        prog="careerconv",
        description="Career Conversations: three structured conversations with each report, a GROW "
        "plan they own, kept alive with check-ins, and kept private.",
    )
    parser.add_argument(
        "--home",
        type=path_arg,
        default=os.environ.get(HOME_ENV, "careerconv-data"),
        help=f"folder with careerconv.toml and the data (default ${HOME_ENV} or ./careerconv-data)",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    add_verbosity(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in _GROUPS:  # --help lists the commands group by group, the way through the method
        group.register(sub)
    _verbosity_everywhere(parser)
    output.json_everywhere(parser)
    return parser


def _verbosity_everywhere(parser: argparse.ArgumentParser) -> None:
    """``-v`` and ``-q`` after every command and subcommand too (``careerconv org import -v F``)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                add_verbosity(child, after_command=True)
                _verbosity_everywhere(child)


def main(
    argv: Sequence[str] | None = None,
    *,
    clock: Clock | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run one command; errors are one line on stderr and a non-zero exit.

    ``clock`` is what the use cases take as now (default: the system clock,
    or ``$CAREERCONV_NOW``); the streams default to the process's own.
    """
    parser = build_parser()
    words = sys.argv[1:] if argv is None else list(argv)
    if words[:1] == [COMPLETE]:  # a shell asking what Tab may offer (see 'careerconv completion')
        from careerconv.cli._completion import complete

        return complete(words[1:], parser, stdout or sys.stdout)
    # Known before parsing, so that a usage error is a JSON document too.
    Parser.json_errors = "--json" in words[: words.index("--")] if "--" in words else "--json" in words
    with contextlib.ExitStack() as streams:  # argparse's help and usage go to the given streams
        if stdout is not None:
            streams.enter_context(contextlib.redirect_stdout(stdout))
        if stderr is not None:
            streams.enter_context(contextlib.redirect_stderr(stderr))
        try:
            args = parser.parse_args(words)
        except SystemExit:  # --help or a usage error, said; into a closed pipe it ends quietly too
            _flush(stdout or sys.stdout)
            raise
    inv = Invocation(Path(args.home), clock=clock, stdin=stdin, stdout=stdout, stderr=stderr)
    inv.quiet = bool(args.quiet)
    inv.json = bool(getattr(args, "json", False))
    verbosity.configure(inv.stderr, -1 if args.quiet else args.verbose, as_json=inv.json)
    if args.version:
        from careerconv import __version__

        inv.out(f"careerconv {__version__}")
        return 0
    if not getattr(args, "fn", None):
        parser.print_help(inv.stdout)
        return 2
    return _run(args, inv)


def _run(args: argparse.Namespace, inv: Invocation) -> int:
    """Run the parsed command, then tell how it ended: its documents, and an exit code with at
    most one line (with ``--json``, one JSON document on each stream)."""
    code, failure = _ran(args, inv)
    if not inv.json or code == EXIT_CLOSED_PIPE:
        if failure is not None:
            inv.err(failure[0])
        return code
    try:
        document = output.combined(inv.shown)
        if document is not None:
            inv.out(output.json_text(output.as_json(document)))
            inv.stdout.flush()
    except BrokenPipeError:
        _flush(inv.stdout)
        return EXIT_CLOSED_PIPE
    if failure is not None:
        inv.stderr.write(output.error_document(_command(args), code, [*inv.refusals, failure]) + "\n")
    return code


def _command(args: argparse.Namespace) -> str:
    """The command's words, such as ``org import``."""
    words = [args.command]
    dests = ("org_command", "handoff_command", "catalog_command", "config_command", "store_command")
    for dest in (*dests, "person_command"):
        if getattr(args, dest, None):
            words.append(getattr(args, dest))
    return " ".join(words)


def _ran(args: argparse.Namespace, inv: Invocation) -> tuple[int, tuple[str, BaseException] | None]:
    """Run the command: its exit code, and the line telling why it failed (with what was raised)."""
    from careerconv_core.errors import CareerconvError

    try:
        try:
            from careerconv.acting import ActingFor

            inv.acting = ActingFor(_command(args))  # filled only if a step is taken in a report's name
            setattr(args, ACTED_FOR, inv.acting.plan_ids)
            args.fn(args, inv)
            record_acted_for(args, inv)  # a step taken in a report's name is recorded (who acts)
        finally:
            inv.close()
        inv.stdout.flush()  # here, so that a reader gone away is noticed below
    except UsageError as exc:
        return 2, (f"careerconv {args.command}: {exc}", exc)
    except CareerconvError as exc:
        return 1, (f"error: {exc}", exc)
    except KeyboardInterrupt as exc:
        # Each change is one transaction: what committed before the interrupt stays whole.
        said = "interrupted; every change committed before stays whole, none is half-done"
        if isinstance(exc, Interrupted):  # which has told what it committed itself
            return 130, None if not inv.json else (said, exc)
        return 130, (said, exc)
    except EOFError as exc:  # the answers typed at a prompt ran out
        return 2, (f"careerconv {args.command}: the input ended before every answer; nothing recorded", exc)
    except BrokenPipeError:  # the reader of standard output went away: stop without a word
        _flush(inv.stdout)
        return EXIT_CLOSED_PIPE, None
    except Exception as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        # A bug. The user gets one line, never a traceback; the type says where to look, and the
        # message is left out, since it may quote someone's notes.
        return 1, (
            f"careerconv {args.command}: internal error ({type(exc).__name__}); please report it with "
            f"the command line that caused it (set {DEBUG_ENV}=1 to see where it happened)",
            exc,
        )
    return 0, None


def _flush(stream: TextIO) -> None:
    """Flush ``stream``; if its reader went away, point it at the null device, so that
    Python's own flush at exit does not complain about the closed pipe either."""
    try:
        stream.flush()
    except BrokenPipeError:
        try:
            fd = stream.fileno()
        except (OSError, ValueError):  # not a file (a test's StringIO): nothing left to flush
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
