"""Running careerconv with hostile input, and judging what it did (``tests/security/test_hostile_sweep``).

A run passes when it exits 0, 1 or 2, prints no "Traceback" and no internal error, and on
failure says why in at most two short lines on standard error with no raw control
characters, within a few seconds.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

import attrs
import pytest

from careerconv import app as app_module
from careerconv import cli, facade
from careerconv.cli import _args as args_types
from careerconv.cli import main
from tests_support_paths import ROOT

NOW = "2027-01-04T08:00:00+00:00"
LONG = "x" * 100_000
MAX_ERROR_LINES = 2
MAX_ERROR_CHARS = 1000  # a hostile value is shown cut short, never whole
SLOW = 5.0  # seconds; a run slower than this is reported as a hang

TEXT = ["", LONG, "a\x00b", "a\nb", "\x1b[2J\x07\x7f", "nobody", "../../etc/passwd", "-"]
NUMBERS = ["", "x", "0", "-1", "1.5", "99999999999999", "9" * 5000, "1e309", "nan", "inf", "-inf", "²"]
DATES = ["", "0001-01-01", "9999-12-31", "2027-02-30", "2027-01-05T10:00", "nan", LONG]
DATETIMES = [
    "",
    "0001-01-01T00:00",
    "0001-01-01T00:00+14:00",
    "9999-12-31T23:59",
    "9999-12-31T23:59-12:00",
    "2027-02-30T10:00",
    "2027-01-20T15:00",  # no offset: the person's own time
    "2027-03-28T02:30",  # skipped in Berlin
    "2027-01-20",
    "nan",
    LONG,
]

# Valid values by argument name, so that each hostile value meets valid neighbours.


PATH_NAMES = ("file", "out", "example", "competencies", "roles")


@attrs.frozen
class Argument:
    """One argument of a command as the sweep sees it."""

    dest: str
    flag: str | None  # None for a positional
    kind: str  # text, number, date, datetime, path, choice
    required: bool
    choices: tuple[str, ...] = ()


@attrs.frozen
class Command:
    """A leaf command: the words that name it and its arguments."""

    words: tuple[str, ...]
    arguments: tuple[Argument, ...]


def _kind(action: argparse.Action) -> str:
    if action.choices is not None:
        return "choice"
    if action.dest in PATH_NAMES or action.type is args_types.path_arg:
        return "path"
    parse: Callable[[str], object] | None = action.type  # type: ignore[assignment]
    if parse is None or parse is str:
        return "text"
    for sample, kind in (("2027-01-20T15:00", "datetime"), ("2027-01-20", "date"), ("5", "number")):
        try:
            value = parse(sample)
        except (argparse.ArgumentTypeError, ValueError, TypeError):
            continue
        if kind == "number" or isinstance(value, {"datetime": datetime, "date": date}[kind]):
            return kind
    return "text"


def commands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> Iterator[Command]:
    """Every leaf command under ``parser``, with its arguments (flags that take no value left out)."""
    arguments = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from commands(child, (*words, name))
            return
        if action.nargs == 0 or not words:  # --help, --force, ...; --home is swept on its own
            continue
        positional = not action.option_strings
        arguments.append(
            Argument(
                action.dest,
                None if positional else action.option_strings[0],
                _kind(action),
                bool(action.required) or (positional and action.nargs not in ("*", "?")),
                tuple(str(c) for c in action.choices or ()),
            )
        )
    if words:
        yield Command(words, tuple(arguments))


@attrs.frozen
class Case:
    """One run: a label, the command line after ``--home``, and what it runs in."""

    label: str
    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()
    answers: str | None = None  # typed at a terminal, line by line
    home: str | None = None  # None: a fresh copy of the prepared home
    config: Callable[[Path], None] | None = None  # breaks the copy's careerconv.toml


class Files:
    """Hostile files and file names, made once under ``root``."""

    def __init__(self, root: Path) -> None:
        root.mkdir()
        self.root = root
        self.folder = root / "folder.toml"
        self.folder.mkdir()
        self.missing = root / "missing.toml"
        self.paths: list[str] = [str(self.folder), "/dev/null", str(self.missing), "", LONG, "x/" * 3000]
        self.paths += ["a\x00b.toml", "../../etc/passwd", "a\nb.toml", "\x1b[2J\x07.toml"]
        self.content: dict[Path, bytes] = {}
        self._made: dict[Path, tuple[int, int, int] | None] = {}
        for name, data in (
            ("nested.toml", b"x = " + b"[" * 100_000),
            ("nested-table.toml", b"[life_story]\nnotes = " + b"{a = " * 100_000),
            ("nested.json", b"[" * 100_000),
            ("nested-object.json", b'{"life_story": ' + b'{"a": ' * 100_000),
            ("bigint.json", b'{"life_story": {"notes": "x", "drives": ' + b"9" * 5000 + b"}}"),
            ("bigint.toml", b"[life_story]\nnotes = " + b"9" * 5000 + b"\n"),
            ("latin1.toml", b'[life_story]\nnotes = "caf\xe9"\n'),
            ("latin1.json", b'{"life_story": {"notes": "caf\xe9"}}'),
            ("latin1.csv", b"id,name,email,time_zone\nm\xe9,M,m@example.com,UTC\n"),
            ("nul.toml", b'[life_story]\nnotes = "a\x00b"\n'),
            ("nul.csv", b"id,name,email,time_zone\nm\x00,M,m@example.com,UTC\n"),
            ("long-header.csv", b"id,name,email,time_zone," + b"x" * 100_000 + b"\nm,M,m@x.com,UTC,1\n"),
            ("extra-cells.csv", b"id,name,group,description,x\nm,M,g,d,1,2,3\n"),
            ("huge-field.csv", b"id,name,email,time_zone\nm," + b"x" * 200_000 + b",m@example.com,UTC\n"),
            ("empty.toml", b""),
            ("empty.csv", b""),
            ("list.json", b"[1, 2]"),
            ("wrong-types.toml", b'[life_story]\nnotes = 5\ndrives = "x"\n'),
            ("nan.json", b'{"pinnacle": {"competencies": [{"competency_id": "x", "self_rating": NaN}]}}'),
            ("far.toml", b'[grow]\nstarts = 9999-12-31\n[grow.goal]\nrole_id = "vp-eng"\n'),
            ("long-ago.toml", b'[grow]\nstarts = 0001-01-01\n[grow.goal]\nrole_id = "vp-eng"\n'),
            ("org-hours.toml", b'[[person]]\nid = "a"\nname = "A"\nemail = "a@x.com"\ntime_zone = "UTC"\n'
             b'working_hours = "99:99-00:00"\n'),
        ):  # fmt: skip
            self.paths.append(str(root / name))
            self.content[root / name] = data
        self.reset()

    def reset(self) -> None:
        """Each file as it was made: a command given one as the file to write (``export --out``)
        wrote it, and a later run must read the hostile file, not that."""
        for path, data in self.content.items():
            if path not in self._made or self._made[path] != _signature(path):
                path.write_bytes(data)
                self._made[path] = _signature(path)
        self.missing.unlink(missing_ok=True)


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_ino, found.st_mtime_ns, found.st_size


class Tty(io.StringIO):
    """What a person types, at what looks like a terminal."""

    def isatty(self) -> bool:
        return True


def run_case(case: Case, prepared: Path, work: Path, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """Run one case in a working folder of its own; what was wrong with it, or None."""
    here = work / "a" / "b" / "c" / "d"  # deep, so that '../../x' stays inside the test's folder
    shutil.rmtree(work / "a", ignore_errors=True)
    here.mkdir(parents=True)
    os.chdir(here)  # the sweep put the test's own folder back when it ends
    home = case.home
    if home is None:
        copy = work / "home"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(prepared, copy)
        if case.config is not None:
            case.config(copy / "careerconv.toml")
        home = str(copy)
    out, err = io.StringIO(), io.StringIO()
    stdin = io.StringIO() if case.answers is None else Tty(case.answers)
    with monkeypatch.context() as m:
        m.setenv("CAREERCONV_NOW", NOW)
        for key, value in case.env:
            m.setenv(key, value)
        started = time.perf_counter()
        try:
            code = main(["--home", home, *case.argv], stdin=stdin, stdout=out, stderr=err)
        except SystemExit as exc:  # argparse: --help and usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        took = time.perf_counter() - started
    said = err.getvalue().strip()
    return judge(code, said, out.getvalue(), took)


def judge(code: int, said: str, out: str, took: float) -> str | None:
    """What is wrong with a run that exited ``code`` and said ``said`` on standard error."""
    if "Traceback" in said + out or "internal error" in said:
        return f"a bug: {said[-300:]!r}"
    if code not in (0, 1, 2):
        return f"exit {code}"
    if code and not said:
        return f"exit {code} with nothing on stderr"
    if code and len(said.splitlines()) > MAX_ERROR_LINES:
        return f"{len(said.splitlines())} lines on stderr: {said[:200]!r}"
    if len(said) > MAX_ERROR_CHARS:
        return f"{len(said)} characters on stderr: {said[:120]!r}"
    if any((c < " " and c not in "\n\t") or c == "\x7f" for c in said):
        return f"a control character on stderr: {said[:200]!r}"
    if took > SLOW:
        return f"took {took:.1f}s"
    return None


def sweep(
    cases: Sequence[Case],
    prepared: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: Files | None = None,
) -> None:
    """Run every case, each on its own copy of the home and hostile files; list each bad one."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    # One parser and one plugin host for every run: building them is most of a run's time
    # (argparse looks up translations of every help text), and they are the same each time.
    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    host = facade.plugin_host()
    monkeypatch.setattr(app_module, "plugin_host", lambda blocked=None: host)
    monkeypatch.setattr(facade, "plugin_host", lambda blocked=None: host)
    bad = []
    for case in cases:
        if files is not None:
            files.reset()
        problem = run_case(case, prepared, work, monkeypatch)
        if problem:
            bad.append(f"{case.label}: {problem}")
    assert not bad, f"{len(bad)} of {len(cases)} runs went wrong:\n" + "\n".join(bad)


def process(
    argv: Sequence[str | bytes], home: Path, *, env: dict[str, str] | None = None, close_stdout: bool = False
) -> tuple[int, str]:
    """``careerconv --home HOME ARGV`` as a real process: its exit code and standard error."""
    environ = {**os.environ, "CAREERCONV_NOW": NOW, **(env or {})}
    environ["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), environ.get("PYTHONPATH", "")])
    command = [sys.executable, "-m", "careerconv.cli", "--home", str(home), *argv]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        if close_stdout:  # the reader goes away at once, as 'head -1' does after its line
            proc.stdout.close()
            err = proc.stderr.read()
        else:
            _, err = proc.communicate(timeout=30)
        code = proc.wait(timeout=30)
    return code, err.decode("utf-8", "replace")
