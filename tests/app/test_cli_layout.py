"""The command line keeps every command and option it had; each group registers its own; --help is light."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import re
import subprocess
import sys

import careerconv.cli
from careerconv.cli import build_parser

# The command line users have: command -> its option strings and positionals. A change here is
# a change for every script that calls careerconv, so it is made here on purpose or not at all.
COMMANDS = {
    "": ["--home", "--version"],
    "accept": ["--as", "--no-life-story", "reports"],
    "action": ["--as", "action_id", "state"],
    "actions": ["--as", "--report"],
    "adapters": [],
    "catalog": [],
    "completion": ["shell"],
    "catalog import": ["--competencies", "--roles"],
    "catalog list": ["--competencies", "--roles"],
    "catalog show": ["role"],
    "checkin": ["--as", "--decline-more", "--notes", "--on-track", "--review", "reports"],
    "config": [],
    "config check": [],
    "consent": ["--as", "--goal-in-summary", "--goal-on-tickets", "--summary-to-hris", "reports"],
    "decline": ["--as", "reports"],
    "demo": ["--force", "example"],
    "dispatch": ["--interval", "--limit", "--loop", "--runs"],
    "due": ["--manager", "--nudge", "--on"],
    "export": ["--as", "--format", "--out", "report"],
    "feedback": ["--as", "reports", "score"],
    "feedback-report": ["--manager"],
    "followups": ["--as", "reports"],
    "handoff": [],
    "handoff consent": ["--as", "answer", "report"],
    "handoff expire": [],
    "handoff meeting": ["--as", "--at", "report"],
    "handoff path": ["--as", "--at", "path", "report"],
    "handoff status": ["--as", "report"],
    "init": ["--force"],
    "meeting": ["--as", "--at", "--minutes", "kind", "report"],
    "opt-in": ["--as", "--no", "reports"],
    "org": [],
    "org import": ["--dry-run", "--remove-missing", "file"],
    "org sync": ["--dry-run", "--full", "--remove-missing"],
    "pause": ["--as", "reports"],
    "propose": ["--manager", "--team", "reports"],
    "ready": ["--as", "--no-trust", "--not-equipped", "reports"],
    "rebuild": ["--adapter"],
    "reciprocity": ["--as", "reports"],
    "record": ["--as", "--file", "conversation", "report"],
    "reschedule": ["--as", "--shift-later", "--to", "conversation", "report"],
    "resume": ["--as", "reports"],
    "retry": ["entries"],
    "schedule": ["--exact", "--start", "--team", "--time-limit", "reports"],
    "serve": ["--host", "--port"],
    "status": [],
    "store": [],
    "store key-status": [],
    "store new-key": ["--file"],
    "store rotate-key": ["--new-key-env", "--new-key-file"],
    "sync-answers": [],
    "sync-tickets": [],
    "jira-webhook": ["--host", "--port", "--secret-env"],
    "team-story": ["--at", "--minutes", "manager"],
    "audit": ["--verify", "report"],
    "person": [],
    "person export": ["--out", "person"],
    "person erase": ["--dry-run", "--yes", "person"],
    "maintain": ["--dry-run", "--months"],
}

# The order `careerconv --help` lists the commands in: group by group, the way through the
# method (the flat parser had `demo` last and `due` after `sync-tickets`).
HELP_ORDER = [
    "init", "config", "adapters", "demo", "store", "org", "propose", "accept", "decline", "pause", "resume",
    "opt-in", "ready", "schedule", "reschedule", "record", "consent", "checkin", "followups",
    "due", "actions", "action", "sync-tickets", "jira-webhook", "sync-answers", "handoff", "reciprocity",
    "meeting",
    "team-story", "feedback", "feedback-report", "export", "catalog", "dispatch", "status",
    "retry", "rebuild", "audit", "person", "maintain", "serve", "completion",
]  # fmt: skip


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
    return dict(action.choices) if action else {}


def commands(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    options: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction | argparse._HelpAction):
            continue
        if action.dest in VERBOSITY:
            continue  # every command takes them: checked on their own below
        if action.dest == "json":
            continue  # the commands that take it are checked in test_json_output.py
        options.extend(action.option_strings or [action.dest])
    found[prefix] = sorted(options)
    for name, sub in subcommands(parser).items():
        found.update(commands(sub, f"{prefix} {name}".strip()))
    return found


VERBOSITY = ("verbose", "quiet")


def test_every_command_and_option_of_the_old_parser_is_still_there() -> None:
    assert commands(build_parser()) == COMMANDS


def test_every_command_takes_verbose_and_quiet_before_and_after_it() -> None:
    parser = build_parser()
    leaves = [parser]
    todo = list(subcommands(parser).values())
    while todo:
        sub = todo.pop()
        children = subcommands(sub)
        todo += children.values()
        if not children:
            leaves.append(sub)
    for leaf in leaves:
        taken = {o for a in leaf._actions for o in a.option_strings}
        assert {"-v", "--verbose", "-q", "--quiet"} <= taken, leaf.prog


def test_help_lists_the_commands_group_by_group() -> None:
    assert list(subcommands(build_parser())) == HELP_ORDER
    listed = build_parser().format_help()
    positions = [re.search(rf"\n    {name}\s", listed).start() for name in HELP_ORDER]  # type: ignore[union-attr]
    assert positions == sorted(positions)


def test_each_command_runs_a_handler_of_its_own_group_module() -> None:
    groups = {
        m.name
        for m in pkgutil.iter_modules(careerconv.cli.__path__)
        if not m.name.startswith("_") and m.name != "recording_prompts"
    }
    for name in groups:
        assert callable(importlib.import_module(f"careerconv.cli.{name}").register), name
    used: set[str] = set()
    for name, parser in subcommands(build_parser()).items():
        handlers = [parser.get_default("fn")] + [s.get_default("fn") for s in subcommands(parser).values()]
        for handler in filter(None, handlers):
            module = handler.__module__.removeprefix("careerconv.cli.")
            assert module in groups, (name, handler.__module__)
            used.add(module)
    assert used == groups  # no group module without commands


def test_building_the_parser_loads_neither_the_application_nor_the_core() -> None:
    code = (
        "import sys\n"
        "from careerconv.cli import build_parser\n"
        "build_parser().format_help()\n"
        "heavy = ('careerconv.app', 'careerconv.demo', 'careerconv.records', 'careerconv_core',\n"
        "         'careerconv_plugins', 'pluggy', 'attrs', 'cattrs', 'icalendar')\n"
        "print(sorted(n for n in sys.modules if n.startswith(heavy)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
