"""Every command with hostile input: one line naming the problem, never a traceback or a hang.

The commands are found in ``build_parser()``, so a new command or argument is
swept without a change here. Each argument gets the hostile values of its
kind (text, number, date, date-time, file, choice), one argument at a time
with the others valid, so that the bad value reaches as deep as it can. Then
every command runs on a hostile home and a hostile ``$CAREERCONV_NOW``; a few
on broken ``careerconv.toml`` files and with hostile answers at the prompts;
and a few as real processes (a closed pipe, a loop that must not start).

Each run must exit 0, 1 or 2, print no "Traceback", and on failure say why in
at most two short lines on standard error with no raw control characters.
"""

from __future__ import annotations

import io
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from careerconv.cli import build_parser, main
from support.hostile import (
    DATES,
    DATETIMES,
    LONG,
    NOW,
    NUMBERS,
    TEXT,
    Argument,
    Case,
    Command,
    Files,
    commands,
    judge,
    process,
    sweep,
)
from tests_support_paths import EXAMPLES

RECORDS = EXAMPLES / "records"
ALL = list(commands(build_parser()))
"""Every command of the command line, with its arguments."""

VALID = {
    "reports": "jonas",
    "report": "jonas",
    "manager": "maya",
    "team": "maya",
    "role": "chief-data-officer",
    "action_id": "jonas:a1",
    "score": "8",
    "minutes": "30",
}
VALID_FILES = {
    ("org", "import", "file"): EXAMPLES / "org.toml",
    ("demo", "example"): EXAMPLES,
}
RECORD_FILES = {
    "life_story": RECORDS / "jonas-life-story.toml",
    "pinnacle": RECORDS / "jonas-pinnacle-report.toml",
    "grow": RECORDS / "jonas-grow.toml",
}


def _valid(command: Command, arg: Argument, files: Files) -> str:
    """A valid value for ``arg``."""
    if arg.kind == "path":
        known = VALID_FILES.get((*command.words, arg.dest))
        if known is not None:
            return str(known)
        return str(files.root / "out.md") if arg.dest == "out" else str(EXAMPLES / "org.toml")
    return {
        "choice": arg.choices[0] if arg.choices else "",
        "date": "2027-01-05",
        "datetime": "2027-01-20T15:00+00:00",
        "number": VALID.get(arg.dest, "5"),
    }.get(arg.kind, VALID.get(arg.dest, "jonas"))


def _hostile(arg: Argument, files: Files) -> list[str]:
    if arg.kind == "choice":
        return ["", LONG, "nope"]
    return {"number": NUMBERS, "date": DATES, "datetime": DATETIMES, "path": files.paths}.get(arg.kind, TEXT)


def _line(command: Command, values: dict[str, str]) -> tuple[str, ...]:
    words, options = list(command.words), []
    for arg in command.arguments:
        if arg.dest in values:
            if arg.flag:
                options.append(f"{arg.flag}={values[arg.dest]}")  # '=' so that '-x' stays a value
            else:
                words.append(values[arg.dest])
    return (*words, *options)


def base(command: Command, files: Files, choices: dict[str, str] | None = None) -> dict[str, str]:
    """Valid values for every argument the command needs (a record file fitting the outcome)."""
    values = {a.dest: _valid(command, a, files) for a in command.arguments if a.required}
    values.update(choices or {})
    if command.words == ("record",):
        values["file"] = str(RECORD_FILES.get(values["conversation"], RECORD_FILES["life_story"]))
    return values


def argument_cases(files: Files) -> list[Case]:
    """Each argument of each command with each hostile value of its kind, the rest valid.

    A positional with choices (``record REPORT life_story|pinnacle|...``) runs different
    code per choice, so files, numbers and times are swept once per choice.
    """
    cases: list[Case] = []
    for command in ALL:
        bases: list[dict[str, str]] = [{}]
        for arg in command.arguments:
            if arg.kind == "choice" and not arg.flag:
                bases = [{**b, arg.dest: choice} for b in bases for choice in arg.choices]
        for n, choices in enumerate(bases):
            valid = base(command, files, choices)
            cases.append(Case(" ".join(_line(command, valid)), _line(command, valid)))
            for arg in command.arguments:
                if arg.dest in choices or (n and arg.kind in ("text", "choice")):
                    continue  # text is read before the choice matters: once is enough
                for value in _hostile(arg, files):
                    line = _line(command, {**valid, arg.dest: value})
                    cases.append(
                        Case(
                            f"{' '.join([*command.words, *choices.values()])} {arg.dest}={value[:40]!r}", line
                        )
                    )
    return cases


def home_cases(files: Files) -> list[Case]:
    """Every command on a home that cannot be one."""
    homes = ["/dev/null", str(files.root / "bigint.toml"), str(files.root / "no-home"), "", LONG, "a\x00b"]
    return [
        Case(f"--home {home[:30]!r} {' '.join(c.words)}", _line(c, base(c, files)), home=home)
        for c in ALL
        for home in homes
    ]


def clock_cases(files: Files) -> list[Case]:
    """Every command on a clock at the ends of time, or on no clock at all."""
    clocks = ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00", "nan", "garbage", "2027-01-04"]
    return [
        Case(
            f"CAREERCONV_NOW={now} {' '.join(c.words)}", _line(c, base(c, files)), (("CAREERCONV_NOW", now),)
        )
        for c in ALL
        for now in clocks
    ]


def _replace(old: str, new: str) -> Callable[[Path], None]:
    def edit(config: Path) -> None:
        text = config.read_text(encoding="utf-8")
        assert old in text, old
        config.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _top(line: str, table: str) -> Callable[[Path], None]:
    """A top-level ``line`` (before every table) in place of the text ``table``."""

    def edit(config: Path) -> None:
        text = config.read_text(encoding="utf-8")
        assert table in text, table
        config.write_text(line + "\n" + text.replace(table, "", 1), encoding="utf-8")

    return edit


def _write(data: bytes) -> Callable[[Path], None]:
    return lambda config: config.write_bytes(data)


def _folder(config: Path) -> None:
    config.unlink()
    config.mkdir()  # chmod 000 stops no one as root; a folder in its place does


BROKEN_CONFIGS: dict[str, Callable[[Path], None]] = {
    "a folder": _folder,
    "not UTF-8": _write(b'[store]\nadapter = "sql\xffite"\n'),
    "not TOML": _write(b"[store\n"),
    "nested": _write(b"x = " + b"[" * 100_000),
    "a long number": _write(b"x = " + b"9" * 5000),
    "max_attempts six": _replace("max_attempts = 6", 'max_attempts = "six"'),
    "dispatch = 5": _top("dispatch = 5", "[dispatch]\nmax_attempts = 6\nbase_seconds = 30"),
    "weekly cap nan": _replace("weekly_cap_hours = 4.0", "weekly_cap_hours = nan"),
    "weekly cap inf": _replace("weekly_cap_hours = 4.0", "weekly_cap_hours = inf"),
    "minutes huge": _replace("life_story_minutes = 60", "life_story_minutes = 99999999999999"),
    "settings text": _replace('adapter = "orgfile"', 'adapter = "orgfile"\nsettings = "x"'),
    "adapter number": _replace('[store]\nadapter = "sqlite"', "[store]\nadapter = 5"),
    "calendar text": _top(
        'calendar = "x"', '[[calendar]]\nadapter = "ics"\nsettings = { directory = "invites" }\n'
    ),
    "catalog devnull": _replace(
        '[catalog]\nadapter = "builtin"',
        '[catalog]\nadapter = "csv"\nsettings = { competencies_path = "/dev/null", roles_path = "/dev/null" }'
        "\n",
    ),
}
CONFIG_COMMANDS = [
    ("status",),
    ("due",),
    ("schedule", "--team", "maya"),
    ("dispatch",),
    ("config", "check"),
    ("catalog", "list"),
    ("org", "import", str(EXAMPLES / "org.toml")),
    ("record", "jonas", "pinnacle", "--file", str(RECORD_FILES["pinnacle"]), "--as", "jonas"),
]


def config_cases() -> list[Case]:
    """A few commands, each reading another part of careerconv.toml, on broken ones."""
    return [
        Case(f"careerconv.toml {name}: {' '.join(argv[:2])}", argv, config=edit)
        for name, edit in BROKEN_CONFIGS.items()
        for argv in CONFIG_COMMANDS
    ]


# Typed at the prompts of 'record', one answer a line, to the end of the questions (see
# cli/recording_prompts.py): numbers and dates that are no numbers and dates where they are asked.
ANSWERS = {
    "life_story": ("life_story", ["", LONG, "a\x00b\x1b[2J"]),
    "pinnacle": (
        "pinnacle",
        [
            "VP",
            "acme",
            "",
            "²",
            "clear-writing",
            "²",
            "",
            "9" * 5000,
            "",
            "-5",
            "a dream",
            "",
            "clear-writing",
        ],
    ),
    "grow, a far date": ("grow", ["vp-eng", "learn", "jonas", "9999-12-31", "x", "project", "x", "", "goal"]),
    "grow, no date": ("grow", ["role1", "learn", LONG, "nan", "x", "nope", "x", "", "goal"]),
}


def answer_cases() -> list[Case]:
    """``record`` at a terminal: each script of answers to the end, and cut off after each
    answer (the input ends at a prompt)."""
    cases = []
    for name, (outcome, answers) in ANSWERS.items():
        argv = ("record", "jonas", outcome, *(("--as", "jonas") if outcome == "pinnacle" else ()))
        for n in range(len(answers) + 1):
            typed = "".join(a + "\n" for a in answers[:n])
            cases.append(Case(f"record {name}, {n} of {len(answers)} answers", argv, answers=typed))
    return cases


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the example org: plans proposed and accepted, three scheduled, jonas's first
    two conversations recorded (so his GROW plan is next)."""
    home = tmp_path_factory.mktemp("prepared") / "home"
    steps = [
        ["init"],
        ["org", "import", str(EXAMPLES / "org.toml")],
        ["propose", "--team", "maya"],
        *(["accept", r, "--as", r] for r in ("jonas", "aylin", "priya")),
        ["ready", "jonas", "aylin", "priya"],
        ["schedule", "--team", "maya", "--start", "2027-01-05"],
        ["record", "jonas", "life_story", "--file", str(RECORD_FILES["life_story"])],
        ["record", "jonas", "pinnacle", "--file", str(RECORD_FILES["pinnacle"]), "--as", "jonas"],
    ]
    with pytest.MonkeyPatch.context() as m:
        m.setenv("CAREERCONV_NOW", NOW)
        for argv in steps:
            err = io.StringIO()
            assert main(["--home", str(home), *argv], stdout=io.StringIO(), stderr=err) == 0, err.getvalue()
    return home


def test_every_argument_of_every_command_with_hostile_values(
    prepared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = Files(tmp_path / "files")
    cases = argument_cases(files)
    assert {c.argv[0] for c in cases} == {c.words[0] for c in ALL}
    sweep(cases, prepared, tmp_path, monkeypatch, files)


def test_every_command_on_a_hostile_home_and_clock(
    prepared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = Files(tmp_path / "files")
    sweep(home_cases(files) + clock_cases(files), prepared, tmp_path, monkeypatch, files)


def test_broken_config_files_and_hostile_answers_at_the_prompts(
    prepared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sweep(config_cases() + answer_cases(), prepared, tmp_path, monkeypatch)


def test_as_real_processes_a_closed_pipe_ends_quietly_and_bad_values_never_hang(
    prepared: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(prepared, home)
    for argv in (["status"], ["export", "jonas"], ["--help"]):
        code, err = process(argv, home, close_stdout=True)
        assert code in (0, 141) and err == "", (argv, code, err)  # 141: a shell's code for a closed pipe
    bad = []
    runs: list[tuple[list[str | bytes], dict[str, str]]] = [
        *((["dispatch", "--loop", "--runs", "2", f"--interval={v}"], {}) for v in NUMBERS[2:] if v != "1.5"),
        (
            [
                "meeting",
                "jonas",
                "manager_life_story",
                "--at",
                "2027-01-20T15:00",
                "--minutes",
                "99999999999999",
            ],
            {},
        ),
        (["due"], {"CAREERCONV_NOW": "9999-12-31T23:59:59+00:00"}),
        (
            ["org", "import", os.fsencode(str(tmp_path)) + b"/caf\xe9.toml"],
            {},
        ),  # not UTF-8, as a shell passes it
        (["record", "jonas", "grow", "--file", str(tmp_path)], {}),
    ]
    for argv, env in runs:
        started = time.perf_counter()
        code, err = process(argv, home, env=env)
        problem = judge(code, err.strip(), "", time.perf_counter() - started - 2)  # start-up is not a hang
        if problem or code == 0:
            bad.append(f"{argv!r}: exit {code}, {problem}")
    (home / "careerconv.toml").write_text("[store\n", encoding="utf-8")
    code, err = process(["status"], home)
    assert code == 1 and "not valid TOML" in err and "Traceback" not in err
    assert not bad, "\n".join(bad)
