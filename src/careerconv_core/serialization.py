"""JSON at the edges: one cattrs converter for every domain object and view.

Bad input is reported with the path of the bad field and what it takes, in
words (``plan.pinnacle.roles[3].title: required field missing; expected a
text in quotes``; see ``careerconv_core.shapes``), never as a traceback or a
Python type. Unknown fields are refused with the valid ones listed, so a typo
in a plan or record file is caught instead of silently dropped. Values are
never echoed into messages: they may be someone's notes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

from careerconv_core import shapes
from careerconv_core.domain.clock import require_aware
from careerconv_core.domain.people import Person, WorkingHours
from careerconv_core.errors import CareerconvError, InvalidInput, shown

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


def _is_list_of(t: Any) -> bool:
    origin = getattr(t, "__origin__", None)
    return origin is tuple and shapes.item_type(t) is not None


def _lists_only(t: Any, conv: cattrs.Converter) -> Any:
    """The tuple hook, refusing a text or a table where a list belongs.

    Left to itself a tuple hook iterates whatever it is given: ``drives =
    "craft"`` would read as five one-letter drives, a table as its keys.
    """
    base = homogenous_tuple_structure_factory(t, conv)

    def structure_list(value: Any, _type: Any) -> Any:
        if not isinstance(value, (list, tuple)):
            raise TypeError("expected a list")
        return base(value, _type)

    return structure_list


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
    conv.register_structure_hook_factory(_is_list_of, _lists_only)
    _register_people(conv)  # last: it falls back to the hook the rules above generate
    return conv


# People come by the hundred thousand (a store's list of people, each person an org
# import writes and reads back), nearly always in the shape dumps writes. The generated
# hook calls a hook per field and builds each person's working hours anew; this one
# takes that shape directly and leaves anything else (a missing or extra key, another
# type, a value the domain refuses) to the generated hook, so every error is reported
# exactly as before. The domain's validators run either way.

# Named here, not read from the classes: a field added later makes its documents take the
# generated hook (extra key) or be built with its default (missing key), as the generated
# hook does; a field with no default makes Person() refuse, and the generated hook report it.
_PERSON_KEYS = frozenset({"id", "name", "email", "time_zone", "working_hours", "manager_id"})
_HOURS_KEYS = frozenset({"start", "end", "weekdays"})
# Hours stored since they could hold holidays and a week of intervals; a week of
# intervals (rare) takes the generated hook.
_HOURS_KEYS_NOW = _HOURS_KEYS | {"week", "holidays"}


@lru_cache(maxsize=256)
def _working_hours(start: str, end: str, weekdays: tuple[int, ...], holidays: str | None) -> WorkingHours:
    """The (frozen, so shareable) working hours stored as ``start``, ``end``, ``weekdays``."""
    # The converter=frozenset of weekdays types as an unsolved generic under mypy.
    return WorkingHours(
        start=time.fromisoformat(start),
        end=time.fromisoformat(end),
        weekdays=weekdays,  # type: ignore[arg-type]
        holidays=holidays,
    )


def _person_from_stored(data: Any) -> Person | None:
    """The person ``data`` holds when it has exactly the stored shape; None otherwise."""
    if type(data) is not dict or data.keys() != _PERSON_KEYS:
        return None
    hours = data["working_hours"]
    if type(hours) is not dict:
        return None
    holidays = None
    if hours.keys() == _HOURS_KEYS_NOW:
        holidays = hours["holidays"]
        if hours["week"] != [] or (holidays is not None and type(holidays) is not str):
            return None
    elif hours.keys() != _HOURS_KEYS:
        return None
    start, end, weekdays = hours["start"], hours["end"], hours["weekdays"]
    if type(start) is not str or type(end) is not str or type(weekdays) is not list:
        return None
    if not all(type(day) is int for day in weekdays):  # not bool, which the generated hook refuses
        return None
    try:
        working_hours = _working_hours(start, end, tuple(weekdays), holidays)
        # Person's validators check the other values' types as well as their rules.
        return Person(
            id=data["id"],
            name=data["name"],
            email=data["email"],
            time_zone=data["time_zone"],
            working_hours=working_hours,
            manager_id=data["manager_id"],
        )
    except (ValueError, TypeError, CareerconvError):
        return None  # the generated hook says what is wrong, and where


def _register_people(conv: cattrs.Converter) -> None:
    """A structure hook for ``Person`` (that class only, not subclasses): the stored shape fast."""
    generated = conv.get_structure_hook(Person)  # the converter's own, taken before ours replaces it

    def structure_person(data: Any, _type: type) -> Person:
        person = _person_from_stored(data)
        return generated(data, Person) if person is None else person

    conv.register_structure_hook_func(_is_person, structure_person)


def _is_person(cls: Any) -> bool:
    return cls is Person


converter = make_converter()


def _describe(exc: BaseException, tp: Any, attribute: attrs.Attribute[Any] | None = None) -> str:
    """What went wrong with one value of type ``tp`` (the field ``attribute``), in words."""
    if isinstance(exc, InvalidInput) and not isinstance(exc, InvalidDocument):
        return f"{exc.problem}; expected {exc.expected}"  # the path is told by the caller
    if isinstance(exc, CareerconvError):
        return str(exc)
    missing = "required field missing; " if isinstance(exc, KeyError) else ""
    if tp is None and attribute is None:
        # No type to describe: keep our own hooks' wording, never cattrs' or Python's,
        # which may quote the bad value.
        text = exc.args[0] if exc.args and isinstance(exc.args[0], str) else ""
        return missing + (text if text.startswith("expected") else "invalid value")
    return f"{missing}expected {shapes.words(tp, attribute)}"


def _in_class(exc: BaseException, path: str, cls: type) -> list[str]:
    """A problem of the table at ``path`` as a whole: unknown fields, or a check of ``cls``."""
    known = [a.name for a in shapes.fields_of(cls)] if attrs.has(cls) else []
    if isinstance(exc, ForbiddenExtraKeysError):
        return [
            f"{path}: unknown field {shown(str(key))}; valid fields: {', '.join(known)}"
            f"{shapes.closest(str(key), known)}"
            for key in sorted(exc.extra_fields, key=str)
        ]
    if isinstance(exc, InvalidInput) and not isinstance(exc, InvalidDocument):
        # A validator or a check of the class names its field last ("competencies[x].self_rating").
        name = exc.field.rpartition(".")[2]
        if name in known:
            return [f"{path}.{name}: {exc.problem}; expected {exc.expected}"]
    if isinstance(exc, CareerconvError):
        return [f"{path}: {exc}"]
    return [f"{path}: {_describe(exc, cls if attrs.has(cls) else None)}"]


def _problems(
    exc: BaseException, path: str, tp: Any = None, attribute: attrs.Attribute[Any] | None = None
) -> list[str]:
    """Every problem in ``exc`` as ``path: what is wrong; expected what``."""
    found: list[str] = []
    if isinstance(exc, ClassValidationError):
        fields = {a.name: a for a in shapes.fields_of(exc.cl)} if attrs.has(exc.cl) else {}
        noted, plain = exc.group_exceptions()
        for sub, note in noted:
            found += _problems(sub, f"{path}.{note.name}", note.type, fields.get(note.name))
        for sub in plain:
            found += _in_class(sub, path, exc.cl)
        return found
    if isinstance(exc, IterableValidationError):
        items, plain = exc.group_exceptions()
        for sub, item in items:
            found += _problems(sub, f"{path}[{item.index!r}]", item.type)
        return found + [f"{path}: {_describe(sub, tp, attribute)}" for sub in plain]
    return [f"{path}: {_describe(exc, tp, attribute)}"]


def structure(data: Any, cls: type[T], root: str) -> T:
    """Build ``cls`` from plain data; raise ``InvalidDocument`` naming each bad field."""
    if attrs.has(cls) and not isinstance(data, Mapping):
        raise InvalidDocument([f"{root}: expected {shapes.words(cls)}"])
    try:
        return converter.structure(data, cls)
    except (ClassValidationError, IterableValidationError) as exc:
        raise InvalidDocument(_problems(exc, root, cls)) from None
    except CareerconvError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise InvalidDocument([f"{root}: {_describe(exc, cls)}"]) from None


def unstructure(obj: Any) -> Any:
    """Plain data (dicts, lists, strings, numbers) for ``obj``."""
    return converter.unstructure(obj)


# What json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False) builds on every
# call; made once, as a store commits thousands of objects at a time.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def dumps(obj: Any) -> str:
    """Compact, key-sorted JSON for ``obj``: the same object always gives the same text."""
    return _ENCODER.encode(unstructure(obj))


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
