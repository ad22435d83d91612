"""JSON at the edges: one cattrs converter for every domain object and view.

Bad input is reported with the path of the bad field and what was expected
(``plan.pinnacle.roles[3]: ...``), never as a traceback. Unknown fields are
refused, so a typo in a plan file is caught instead of silently dropped.
Values are never echoed into messages: they may be someone's notes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

from careerconv_core.domain.clock import require_aware
from careerconv_core.errors import CareerconvError, InvalidInput

T = TypeVar("T")


class InvalidDocument(InvalidInput):
    """A document (plan JSON, a record file) had one or more bad fields; ``problems`` lists them all."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        first = problems[0] if problems else "invalid document"
        field, _, rest = first.partition(": ")
        super().__init__(field, "see the problems listed", rest or first)
        self.args = ("; ".join(problems),)

    def __str__(self) -> str:
        return "; ".join(self.problems)


def _structure_datetime(value: Any, _type: type) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("expected an ISO 8601 date-time with offset") from None
    else:
        raise TypeError("expected an ISO 8601 date-time string")
    return require_aware(parsed, "datetime")


def _structure_date(value: Any, _type: type) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise TypeError("expected an ISO 8601 date string (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("expected an ISO 8601 date (YYYY-MM-DD)") from None


def _structure_time(value: Any, _type: type) -> time:
    if isinstance(value, time):
        return value
    if not isinstance(value, str):
        raise TypeError("expected a time string HH:MM")
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise ValueError("expected a time HH:MM") from None


def _strict_int(value: Any, _type: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("expected a whole number")
    return value


def _strict_str(value: Any, _type: type) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a text string")
    return value


def _strict_bool(value: Any, _type: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected true or false")
    return value


def make_converter() -> cattrs.Converter:
    """A converter that refuses unknown keys and wrong types, and writes ISO dates."""
    conv = cattrs.Converter(forbid_extra_keys=True)
    conv.register_unstructure_hook(datetime, lambda v: v.isoformat())
    conv.register_unstructure_hook(date, lambda v: v.isoformat())
    conv.register_unstructure_hook(time, lambda v: v.strftime("%H:%M"))
    # Sets become sorted lists, so the same value always gives the same JSON.
    conv.register_unstructure_hook_func(
        lambda t: t is frozenset or getattr(t, "__origin__", None) is frozenset, sorted
    )
    conv.register_structure_hook(datetime, _structure_datetime)
    conv.register_structure_hook(date, _structure_date)
    conv.register_structure_hook(time, _structure_time)
    conv.register_structure_hook(int, _strict_int)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(bool, _strict_bool)
    return conv


converter = make_converter()


def _describe(exc: BaseException, _type: Any) -> str:
    if isinstance(exc, CareerconvError):
        return str(exc)
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown field(s) {sorted(exc.extra_fields)}; remove them or check the spelling"
    if isinstance(exc, (ValueError, TypeError)) and exc.args and isinstance(exc.args[0], str):
        text = exc.args[0]
        # cattrs and enum messages may quote the bad value; keep only our own wording.
        if text.startswith("expected"):
            return text
        if "is not a valid" in text:
            return f"not one of the allowed values for {getattr(_type, '__name__', 'this field')}"
    name = getattr(_type, "__name__", str(_type))
    return f"invalid value; expected {name}"


def structure(data: Any, cls: type[T], root: str) -> T:
    """Build ``cls`` from plain data; raise ``InvalidDocument`` naming each bad field."""
    if attrs.has(cls) and not isinstance(data, Mapping):
        raise InvalidDocument([f"{root}: expected an object with the fields of {cls.__name__}"])
    try:
        return converter.structure(data, cls)
    except (ClassValidationError, IterableValidationError) as exc:
        problems = cattrs.transform_error(exc, path=root, format_exception=_describe)
        # "msg @ path" reads better as "path: msg".
        raise InvalidDocument(
            [f"{p.rpartition(' @ ')[2]}: {p.rpartition(' @ ')[0]}" for p in problems]
        ) from None
    except CareerconvError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise InvalidDocument([f"{root}: {_describe(exc, cls)}"]) from None


def unstructure(obj: Any) -> Any:
    """Plain data (dicts, lists, strings, numbers) for ``obj``."""
    return converter.unstructure(obj)


def dumps(obj: Any) -> str:
    """Compact, key-sorted JSON for ``obj``: the same object always gives the same text."""
    return json.dumps(unstructure(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _first_difference(ours: Any, back: Any, path: str) -> str | None:
    """The path of the first value that reads back differently, or None."""
    if isinstance(ours, Mapping) and isinstance(back, Mapping):
        for key in sorted(set(ours) | set(back), key=str):
            found = _first_difference(ours.get(key), back.get(key), f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(ours, list) and isinstance(back, list) and len(ours) == len(back):
        for n, (a, b) in enumerate(zip(ours, back, strict=True)):
            found = _first_difference(a, b, f"{path}[{n}]")
            if found:
                return found
        return None
    return None if ours == back and type(ours) is type(back) else path


def dumps_readable(obj: T, cls: type[T], root: str) -> str:
    """``dumps(obj)``, checked to read back as ``obj``: what a store may commit.

    A value of the wrong type given to a library call (``"yes"`` for a bool, an
    int for an id) would be written and then break every later read of that
    plan; refusing it here names the field before anything is stored.

    :raises InvalidDocument: the text would not read back, or would read back as
        something else; each problem names the field.
    """
    text = dumps(obj)
    back = loads(text, cls, root)
    if back != obj:
        where = _first_difference(unstructure(obj), unstructure(back), root) or root
        raise InvalidDocument([f"{where}: a value of the wrong type, which would not read back as it is"])
    return text


def loads(text: str | bytes, cls: type[T], root: str | None = None) -> T:
    """Parse JSON ``text`` into ``cls``; every error names the field and what was expected."""
    where = root or cls.__name__.lower()
    return structure(read_json(text, where), cls, where)


# Python reads a document nested a thousand levels deep by recursing (RecursionError), and
# refuses to turn more than 4300 digits into a number (ValueError): both are a bad document.
TOO_DEEP = "nested more deeply than careerconv reads; flatten it"
"""What is wrong with a document nested too deeply to read (JSON here, TOML at the edges)."""
TOO_LONG = "a number of more than 4300 digits; write it shorter"
"""What is wrong with a document holding a number too long to read."""


def read_json(text: str | bytes, where: str) -> Any:
    """JSON ``text`` as plain data; ``InvalidDocument`` naming ``where`` when it is not JSON,
    is nested too deeply or holds a number too long to read."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidDocument([f"{where}: not valid JSON (line {exc.lineno}, column {exc.colno})"]) from None
    except RecursionError:
        raise InvalidDocument([f"{where}: {TOO_DEEP}"]) from None
    except ValueError:
        raise InvalidDocument([f"{where}: {TOO_LONG}"]) from None
