"""The command line's argument types: numbers, dates, names and paths, each refused in one line.

argparse calls these on the text typed; a refusal is an ``ArgumentTypeError`` that
``Parser`` turns into one usage line naming the option and what it takes.
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from careerconv.cli._common import UsageError

MOST = 1_000_000
"""The largest number a count given on the command line may be (entries per run, runs, minutes)."""


def positive(
    kind: type[int] | type[float], *, zero: bool = False, most: float = MOST
) -> Callable[[str], float]:
    """An argparse type: a finite number above zero (or zero too) and at most ``most``.

    ``nan``, ``inf`` and numbers too big to sleep, count or store are refused
    in one line, as are words.
    """
    noun = "whole number" if kind is int else "number"

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:  # a word, or more than 4300 digits
            raise argparse.ArgumentTypeError(f"expected a {noun}, got {shown(text)}") from None
        if not (math.isfinite(value) and (value > 0 or (zero and value == 0)) and value <= most):
            top = int(most) if float(most).is_integer() else most
            span = (
                f"from {0 if zero else 1} to {top}" if zero or kind is int else f"above 0 and at most {top}"
            )
            raise argparse.ArgumentTypeError(f"expected a {noun} {span}, got {shown(text)}")
        return value

    return parse


def shown(value: object) -> str:
    """``value`` quoted, escaped and cut short for a message (``careerconv_core.errors.shown``)."""
    from careerconv_core import errors

    return errors.shown(value)


def _years(value: date, text: str) -> None:
    from careerconv_core.domain.clock import FIRST_YEAR, LAST_YEAR, YEARS

    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"expected a date {YEARS}, got {shown(text)}")


def parse_date(text: str) -> date:
    """An argument ``YYYY-MM-DD``, in the years careerconv plans in."""
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {shown(text)}") from None
    _years(value, text)
    return value


def parse_datetime(text: str) -> datetime:
    """An argument date-time: with a UTC offset, or local (naive) to be placed by ``local_time``."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date-time like 2026-12-03T10:00 (your local time) or 2026-12-03T10:00+01:00, "
            f"got {shown(text)}"
        ) from None
    _years(value, text)
    return value


def named(text: str) -> str:
    """An argparse type for an id or a name given with an option: an empty one is refused, so
    that ``--manager ""`` never quietly means "no manager given"."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected an id or a name, got an empty value")
    return text


NAME_MAX = 255  # bytes in one file or folder name, on the file systems careerconv runs on
PATH_MAX = 4095


def path_arg(text: str) -> str:
    """An argparse type: a file or folder name the system can look up.

    Empty names, a NUL character and names longer than file systems hold are
    refused here, in one line, instead of as an OS error later.
    """
    if not text:
        raise argparse.ArgumentTypeError("expected a file or folder name, got an empty one")
    try:
        raw = os.fsencode(text)
    except UnicodeError:
        raw = b"\0"
    if b"\0" in raw:
        raise argparse.ArgumentTypeError(f"{shown(text)} holds a character no file name may hold")
    if len(raw) > PATH_MAX or any(len(part) > NAME_MAX for part in raw.split(b"/")):
        raise argparse.ArgumentTypeError(
            f"{shown(text)} is too long for a file name ({NAME_MAX} bytes a name, {PATH_MAX} in all)"
        )
    return text


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
