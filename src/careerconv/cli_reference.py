"""The command reference (``docs/cli-reference.md``), generated from the parser itself.

Every command and subcommand, its arguments and options with their help, as
``careerconv COMMAND --help`` shows them, so the docs cannot drift from what
the command line takes (a test regenerates the page and compares).
Regenerate it with ``python -m careerconv.cli_reference > docs/cli-reference.md``.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["cli_reference"]

_HEAD = """\
# Command reference

Every command `careerconv` takes, with its arguments and options, generated from the
parser (so it matches `careerconv COMMAND --help`). {doc}`cli` explains the commands in the
order of the method, who acts (`--as`), times and record files.

Options every command takes come before the command: `--home HOME` (the folder holding
`careerconv.toml`; default `$CAREERCONV_HOME`, else `./careerconv-data`) and `--version`.
`-v`/`--verbose` (what each adapter does; `-vv` every HTTP request too, never a body) and
`-q`/`--quiet` (errors only, no progress) go before or after any command.
"""


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse keeps its subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _summaries(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Each subcommand's one-line help, as the parent's listing shows it."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {c.dest: c.help or "" for c in action._choices_actions}
    return {}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _usage(parser: argparse.ArgumentParser) -> str:
    usage = parser.format_usage().removeprefix("usage: ").strip()
    return " ".join(usage.split())


def _options(parser: argparse.ArgumentParser) -> list[str]:
    rows: list[str] = []
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        if action.dest in ("verbose", "quiet"):
            continue  # every command takes them: said once, at the top
        if action.option_strings:
            metavar = "" if action.nargs == 0 else f" {action.metavar or action.dest.upper()}"
            name = ", ".join(f"`{o}{metavar}`" for o in action.option_strings)
        else:
            name = f"`{action.metavar or action.dest}`"
        choices = f" (one of: {', '.join(map(str, action.choices))})" if action.choices else ""
        help_text = (action.help or "") % {"default": action.default, "prog": parser.prog}
        default = ""
        given = action.default not in (None, False, argparse.SUPPRESS, [], "")
        if action.option_strings and given and "default" not in help_text:
            default = f" (default {action.default})"
        rows.append(f"| {name} | {_cell(help_text)}{choices}{default} |")
    if not rows:
        return []
    return ["| argument | meaning |", "|---|---|", *rows, ""]


def _section(name: str, parser: argparse.ArgumentParser, summary: str, level: int) -> list[str]:
    lines = [f"{'#' * level} `{name}`", ""]
    if summary:
        lines += [_cell(summary), ""]
    lines += ["```text", _usage(parser), "```", ""]
    lines += _options(parser)
    summaries = _summaries(parser)
    for sub, child in _subcommands(parser).items():
        lines += _section(f"{name} {sub}", child, summaries.get(sub, ""), level + 1)
    return lines


def cli_reference(parser: argparse.ArgumentParser | None = None) -> str:
    """The reference page for ``parser`` (default: careerconv's own), in Markdown."""
    if parser is None:
        from careerconv.cli import build_parser  # noqa: PLC0415 - the cli imports nothing of this

        parser = build_parser()
    lines = [_HEAD]
    summaries = _summaries(parser)
    for name, child in _subcommands(parser).items():
        lines += _section(name, child, summaries.get(name, ""), 2)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(cli_reference())
