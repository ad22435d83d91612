"""One way a command's answer reaches its reader: as lines of text, or as one JSON document.

A command builds a :class:`Document` (an attrs class whose fields are what
it tells) and hands it to ``Invocation.show``; this module renders it. As
text, its ``lines()`` are printed at once. With ``--json`` the documents
shown are held and written at the end as one JSON object on standard
output (``combine`` joins several of one kind, such as the steps taken
for each report named); an error becomes one JSON error document, the last
line of standard error, with the same exit code. Every field of a
document is one the text shows too, so JSON never carries what the text
would not (no note ever). Each document has a published JSON Schema
(``careerconv.document_schema``).

Only the standard library is imported at the top: the parser names the
commands that take ``--json`` (``JSON_COMMANDS``) without loading attrs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from typing import Any, ClassVar

JSON_VERSION = 1
"""The version of every document's shape; it goes up when a field changes meaning or is removed."""

_STEP_COMMANDS = (
    *("propose", "accept", "decline", "pause", "resume", "opt-in", "ready", "reschedule", "record"),
    *("consent", "checkin", "followups", "action", "reciprocity", "meeting", "feedback"),
)

JSON_COMMANDS: dict[str, str] = {
    "adapters": "adapters",
    "config check": "config-check",
    "org import": "org",
    "org sync": "org",
    "schedule": "schedule",
    "due": "due",
    "actions": "actions",
    "handoff status": "handoff-status",
    "handoff consent": "steps",
    "handoff meeting": "steps",
    "handoff path": "steps",
    "feedback-report": "feedback-report",
    "catalog list": "catalog",
    "catalog show": "catalog-role",
    "dispatch": "dispatch",
    "status": "outbox-status",
    **dict.fromkeys(_STEP_COMMANDS, "steps"),
    "init": "init",
    "catalog import": "catalog-import",
    "store rotate-key": "store-rotate-key",
    "store new-key": "store-new-key",
    "store key-status": "store-key-status",
    "retry": "retry",
    "rebuild": "rebuild",
    "sync-tickets": "sync-tickets",
    "sync-answers": "sync-answers",
    "team-story": "team-story",
    "handoff expire": "handoff-expire",
    "audit": "audit",
    "maintain": "maintain",
    "person erase": "person-erase",
}
"""The commands that take ``--json`` (by their words after ``careerconv``) and the document each prints.

A failure of any of them prints the ``error`` document on standard error, and what they say
there besides (a warning, a log record) is a ``log`` document a line. Left without ``--json``,
as docs/cli.md says why: ``demo`` (a walk-through to read), ``export`` and ``person export``
(their output is the file itself; ``person export`` is JSON already), ``completion`` (a script),
and ``serve`` and ``jira-webhook`` (they run until stopped, and answer over HTTP)."""

STDERR_DOCUMENTS = ("error", "log")
"""The documents a ``--json`` run may write on standard error, one a line."""


def add_json(parser: argparse.ArgumentParser) -> None:
    """``--json``: the answer as one JSON document (and errors as one on standard error)."""
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON document (see docs/cli.md); an error is a JSON document on standard error",
    )


def json_everywhere(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> None:
    """Add ``--json`` to every command of ``JSON_COMMANDS``, found by walking ``parser``."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                path = (*words, name)
                if " ".join(path) in JSON_COMMANDS:
                    add_json(child)
                json_everywhere(child, path)


class Document:
    """What a command tells, one attrs class per kind; ``NAME`` is its ``document`` key.

    Subclasses are frozen attrs classes whose fields are plain values: text,
    numbers, booleans, dates, time-zone-aware date-times, lists, mappings of
    text, other attrs classes, or None.
    """

    NAME: ClassVar[str]

    def lines(self) -> Iterator[str]:
        """The answer as the text output prints it, line by line."""
        raise NotImplementedError

    @classmethod
    def combine(cls, shown: Sequence[Document]) -> Document:
        """One document from several shown by one command (by default there is only ever one)."""
        if len(shown) != 1:
            raise ValueError(f"a {cls.NAME} document is shown once per command, not {len(shown)} times")
        return shown[0]


def as_json(document: Document) -> dict[str, Any]:
    """The JSON object of ``document``: its name, the version, then its fields."""
    body = _tree(document)
    return {"document": document.NAME, "version": JSON_VERSION, **body}


def json_text(value: dict[str, Any]) -> str:
    """One JSON object on one line (a host reads it with one ``json.loads``)."""
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _tree(document: Document) -> Any:
    """``document`` as plain JSON values, by a converter made once per class from its field types
    (``attrs.asdict`` takes several times as long over the 40,000 entries a large ``due`` lists)."""
    return _converter(type(document))(document)


_Convert = Callable[[Any], Any]
_MADE: dict[Any, _Convert | None] = {}


def _converter(tp: Any) -> _Convert:
    made = _convert(tp)
    return made if made is not None else _same


def _same(value: Any) -> Any:
    return value


def _convert(tp: Any) -> _Convert | None:
    """How a value of type ``tp`` becomes JSON; None when it already is JSON."""
    if tp in _MADE:
        return _MADE[tp]
    made = _make(tp)
    _MADE[tp] = made
    return made


def _make(tp: Any) -> _Convert | None:
    import types
    import typing
    from datetime import date, datetime

    if tp in (str, int, float, bool):
        return None
    if tp is datetime:
        return _moment
    if tp is date:
        return date.isoformat
    args = typing.get_args(tp)
    if isinstance(tp, types.UnionType):  # X | None
        inner = _convert(next(a for a in args if a is not type(None)))
        return None if inner is None else (lambda v: None if v is None else inner(v))
    origin = typing.get_origin(tp)
    if origin is list:
        item = _convert(args[0])
        return None if item is None else (lambda v: [item(x) for x in v])
    if origin is dict:
        each = _convert(args[1])
        return None if each is None else (lambda v: {k: each(x) for k, x in v.items()})
    return _record(tp)


def _record(cls: type) -> _Convert:
    """The converter of an attrs class: its fields by name, each converted as its type says."""
    import operator
    import typing

    import attrs

    hints = typing.get_type_hints(cls)
    names = tuple(a.name for a in attrs.fields(cls))
    values = operator.attrgetter(*names)
    converts = [_convert(hints[n]) for n in names]
    if len(names) == 1:
        return lambda v: {names[0]: _converter(hints[names[0]])(getattr(v, names[0]))}
    if not any(converts):
        return lambda v: dict(zip(names, values(v), strict=True))
    pairs = tuple(zip(names, [c or _same for c in converts], strict=True))
    return lambda v: {n: c(x) for (n, c), x in zip(pairs, values(v), strict=True)}


def _moment(value: Any) -> str:
    if value.utcoffset() is None:  # a bug to be found in tests, never a time without its offset
        raise ValueError("a document's date-time has no UTC offset")
    text: str = value.isoformat()
    return text


def combined(shown: Sequence[Document]) -> Document | None:
    """The one document a ``--json`` run prints: those shown, joined by their kind's ``combine``."""
    if not shown:
        return None
    kind = type(shown[0])
    return kind.combine(shown)


def log_document(level: str, source: str, message: str) -> str:
    """A ``log`` document, as text: a line the text output writes on standard error besides its
    answer (a warning, or a log record of careerconv or an adapter with ``-v``)."""
    from careerconv.cli._documents import LogLine

    return json_text(as_json(LogLine(level, source, message)))


def error_document(command: str, exit_code: int, errors: Sequence[tuple[str, BaseException]]) -> str:
    """The JSON error document, as text: each error (its line as the text output says it, and
    what was raised) with its rule, field and fix apart."""
    from careerconv.cli._documents import ErrorDocument

    entries = [_error_entry(message, exc) for message, exc in errors]
    return json_text(as_json(ErrorDocument(command, exit_code, entries)))


def _error_entry(message: str, exc: BaseException) -> Any:
    """``message`` is the one line the text output prints: an internal error's leaves out what
    the exception says, as it may quote someone's notes."""
    from careerconv.cli._common import UsageError
    from careerconv.cli._documents import ErrorEntry
    from careerconv_core.errors import CareerconvError

    known = isinstance(exc, CareerconvError | UsageError)
    kind = type(exc).__name__ if known else "InternalError"
    fix = getattr(exc, "fix", None) if known else None
    if fix is None and ". Fix: " in message:
        fix = message.split(". Fix: ", 1)[1]
    if not known:
        exc = Exception()  # no rule, field or expectation to read from a bug
    return ErrorEntry(
        type=kind,
        message=message,
        rule=getattr(exc, "rule", None),
        field=getattr(exc, "field", None),
        expected=getattr(exc, "expected", None),
        fix=fix,
    )
