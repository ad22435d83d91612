"""``careerconv completion bash|zsh|fish``: the script that makes Tab complete careerconv."""

from __future__ import annotations

import argparse

from careerconv.cli._common import Invocation, add_command


def cmd_completion(args: argparse.Namespace, inv: Invocation) -> None:
    """Print the completion script for the shell named."""
    from careerconv.cli._completion import SCRIPTS

    inv.stdout.write(SCRIPTS[args.shell])


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``completion``."""
    p = add_command(
        sub,
        "completion",
        cmd_completion,
        "print a shell completion script: commands, options, choices and the stored people's ids",
    )
    p.add_argument(
        "shell",
        choices=("bash", "zsh", "fish"),
        help='the shell; for bash add eval "$(careerconv completion bash)" to ~/.bashrc',
    )
