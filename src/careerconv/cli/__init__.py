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

from careerconv.cli import _verbosity as verbosity
from careerconv.cli import (
    actions,
    cadence,
    catalog,
    conversations,
    export,
    feedback,
    handoff,
    optin,
    org,
    outbox,
    serve,
    setup,
)
from careerconv.cli._common import (
    Interrupted,
    Invocation,
    Parser,
    UsageError,
    add_verbosity,
    path_arg,
    record_acted_for,
)

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
    setup,
    org,
    optin,
    conversations,
    cadence,
    actions,
    handoff,
    feedback,
    export,
    catalog,
    outbox,
    serve,
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
    with contextlib.ExitStack() as streams:  # argparse's help and usage go to the given streams
        if stdout is not None:
            streams.enter_context(contextlib.redirect_stdout(stdout))
        if stderr is not None:
            streams.enter_context(contextlib.redirect_stderr(stderr))
        try:
            args = parser.parse_args(argv)
        except SystemExit:  # --help or a usage error, said; into a closed pipe it ends quietly too
            _flush(stdout or sys.stdout)
            raise
    inv = Invocation(Path(args.home), clock=clock, stdin=stdin, stdout=stdout, stderr=stderr)
    inv.quiet = bool(args.quiet)
    verbosity.configure(inv.stderr, -1 if args.quiet else args.verbose)
    if args.version:
        from careerconv import __version__

        inv.out(f"careerconv {__version__}")
        return 0
    if not getattr(args, "fn", None):
        parser.print_help(inv.stdout)
        return 2
    return _run(args, inv)


def _run(args: argparse.Namespace, inv: Invocation) -> int:
    """Run the parsed command; every way it can end becomes an exit code and at most one line."""
    from careerconv_core.errors import CareerconvError

    try:
        args.fn(args, inv)
        record_acted_for(args, inv)  # a step taken in a report's name is recorded (who acts)
        inv.stdout.flush()  # here, so that a reader gone away is noticed below
    except UsageError as exc:
        inv.err(f"careerconv {args.command}: {exc}")
        return 2
    except CareerconvError as exc:
        inv.err(f"error: {exc}")
        return 1
    except KeyboardInterrupt as exc:
        if not isinstance(exc, Interrupted):  # which has told what it committed itself
            # Each change is one transaction: what committed before the interrupt stays whole.
            inv.err("interrupted; every change committed before stays whole, none is half-done")
        return 130
    except EOFError:  # the answers typed at a prompt ran out
        inv.err(f"careerconv {args.command}: the input ended before every answer; nothing recorded")
        return 2
    except BrokenPipeError:  # the reader of standard output went away: stop without a word
        _flush(inv.stdout)
        return EXIT_CLOSED_PIPE
    except Exception as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        # A bug. The user gets one line, never a traceback; the type says where to look, and the
        # message is left out, since it may quote someone's notes.
        inv.err(
            f"careerconv {args.command}: internal error ({type(exc).__name__}); please report it with "
            f"the command line that caused it (set {DEBUG_ENV}=1 to see where it happened)"
        )
        return 1
    return 0


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
