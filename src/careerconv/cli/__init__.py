"""The ``careerconv`` command: Career Conversations for a whole team, on embedded defaults.

One module per group of the method's steps; each registers its commands
(``register(sub)``) next to their handlers. The commands only parse
arguments and print; the work is in the use cases. Modules import only
``argparse`` and the standard library at the top, everything else inside
the commands, so that ``careerconv --help`` stays fast.

Who acts: commands that one side of a plan takes (accept, rate, choose
focus, consent) take ``--as PERSON``; it defaults to the report's current
manager. Checking who is really at the keyboard is the embedding tool's job;
careerconv checks that the person named may take the step.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

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
    setup,
)
from careerconv.cli._common import Invocation, Parser, UsageError, path_arg

if TYPE_CHECKING:
    from careerconv_core.services import Clock

__all__ = ["HOME_ENV", "UsageError", "build_parser", "main"]

HOME_ENV = "CAREERCONV_HOME"

_GROUPS = (setup, org, optin, conversations, cadence, actions, handoff, feedback, export, catalog, outbox)


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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in _GROUPS:  # --help lists the commands group by group, the way through the method
        group.register(sub)
    return parser


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
        args = parser.parse_args(argv)
    inv = Invocation(Path(args.home), clock=clock, stdin=stdin, stdout=stdout, stderr=stderr)
    if args.version:
        from careerconv import __version__

        inv.out(f"careerconv {__version__}")
        return 0
    if not getattr(args, "fn", None):
        parser.print_help(inv.stdout)
        return 2
    from careerconv_core.errors import CareerconvError

    try:
        args.fn(args, inv)
    except UsageError as exc:
        inv.err(f"careerconv {args.command}: {exc}")
        return 2
    except CareerconvError as exc:
        inv.err(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        inv.err("interrupted; nothing half-done was committed")
        return 130
    except EOFError:  # the answers typed at a prompt ran out
        inv.err(f"careerconv {args.command}: the input ended before every answer; nothing recorded")
        return 2
    return 0
