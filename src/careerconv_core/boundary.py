"""The library's boundary: each argument a host passes to a use case is checked against its annotation.

A host calls the use cases from Python, where nothing stops ``due(None)``,
``dispatch("5")`` or ``schedule_team(report_ids="jonas")`` (a text is a
sequence too, and would be read letter by letter). Such a call is refused
with ``InvalidInput`` naming the argument before anything is read or
committed, rather than failing later with a ``TypeError`` from deep inside.
``checked`` does this from the annotations a use case already has, so a new
use case needs no checks of its own:

- ``str``, ``int``, ``float``, ``bool``: that type exactly (a bool is no
  whole number, a number no text); a float is finite.
- ``date``: a day, not a datetime; ``datetime``: one with a time zone; both
  in the years careerconv plans in (``domain.clock``).
- an enum: a member, or the text of one (passed on as the member).
- ``Sequence[X]`` and ``tuple[...]``: a list or a tuple (never a text), each
  item checked; ``Mapping[K, V]``: each key and value; ``Iterable[X]``:
  anything iterable but a text or a mapping (its items are the use case's,
  as it may be a generator).
- ``X | None``: None or an X; ``A | B``: either.
- any other class: an instance of it (a Protocol is not checked);
  ``Callable``: something callable; ``Any`` and ``object``: anything.

Ranges (a score from 0 to 10, a meeting's minutes) are the domain's rules,
checked where the rule lives.
"""

from __future__ import annotations

import collections.abc
import enum
import functools
import inspect
import math
import types
import typing
import weakref
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, ParamSpec, TypeVar

from careerconv_core.domain.clock import require_day, require_moment
from careerconv_core.errors import InvalidInput, shown

P = ParamSpec("P")
R = TypeVar("R")

Check = Callable[[Any, str], Any]
"""Takes a value and the name of the argument; returns the value to pass on, or raises."""

_checked: weakref.WeakSet[Callable[..., Any]] = weakref.WeakSet()


def checked(method: Callable[P, R]) -> Callable[P, R]:
    """``method`` with every argument given checked against its annotation first.

    The annotations are read on the first call (they may name classes defined
    after the method). Defaults are not checked: they are the method's own.
    """
    signature = inspect.signature(method)
    checks: dict[str, Check] | None = None

    @functools.wraps(method)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        nonlocal checks
        if checks is None:
            checks = _checks_of(method, signature)
        bound = signature.bind(*args, **kwargs)
        for name, value in bound.arguments.items():
            check = checks.get(name)
            if check is not None:
                bound.arguments[name] = check(value, name)
        return method(*bound.args, **bound.kwargs)

    _checked.add(call)
    return call


def is_checked(function: object) -> bool:
    """Whether ``function`` checks its arguments with ``checked``."""
    return callable(function) and function in _checked


def _checks_of(method: Callable[..., Any], signature: inspect.Signature) -> dict[str, Check]:
    hints = typing.get_type_hints(method)
    checks: dict[str, Check] = {}
    for name in signature.parameters:
        if name in hints:
            check = _check_for(hints[name])
            if check is not None:
                checks[name] = check
    return checks


def _refuse(field: str, expected: str, value: object) -> InvalidInput:
    return InvalidInput(field, expected, f"got {type(value).__name__}")


def _exactly(kind: type, expected: str) -> Check:
    def check(value: Any, field: str) -> Any:
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise _refuse(field, expected, value)
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidInput(field, expected, f"got {value}")
        return value

    return check


def _number(value: Any, field: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _refuse(field, "a number", value)
    if not math.isfinite(value):
        raise InvalidInput(field, "a finite number", f"got {value}")
    return value


def _member(kind: type[enum.Enum]) -> Check:
    names = ", ".join(str(m.value) for m in kind)

    def check(value: Any, field: str) -> Any:
        if isinstance(value, kind):
            return value
        if isinstance(value, str):
            try:
                return kind(value)
            except ValueError:
                raise InvalidInput(field, f"one of {names}", f"got {shown(value)}") from None
        raise _refuse(field, f"one of {names}", value)

    return check


def _items(item: Check | None, description: str) -> Check:
    def check(value: Any, field: str) -> Any:
        if not isinstance(value, list | tuple):
            problem = "one text, which would be read letter by letter" if isinstance(value, str) else None
            if problem:
                raise InvalidInput(field, f"a list of {description}", f"got {problem}")
            raise _refuse(field, f"a list of {description}", value)
        if item is None:
            return value
        return type(value)(item(v, f"{field}[{n}]") for n, v in enumerate(value))

    return check


def _fixed(items: tuple[Check | None, ...], description: str) -> Check:
    def check(value: Any, field: str) -> Any:
        if not isinstance(value, list | tuple) or len(value) != len(items):
            raise _refuse(field, description, value)
        return tuple(
            c(v, f"{field}[{n}]") if c else v for n, (c, v) in enumerate(zip(items, value, strict=True))
        )

    return check


def _mapping(key: Check | None, item: Check | None) -> Check:
    def check(value: Any, field: str) -> Any:
        if not isinstance(value, collections.abc.Mapping):
            raise _refuse(field, "a mapping (such as a dict)", value)
        return {
            (key(k, f"{field} key") if key else k): (item(v, f"{field}[{k!a}]") if item else v)
            for k, v in value.items()
        }

    return check


def _iterable(value: Any, field: str) -> Any:
    if isinstance(value, str | bytes | collections.abc.Mapping) or not isinstance(
        value, collections.abc.Iterable
    ):
        raise _refuse(field, "a list", value)
    return value


def _callable(value: Any, field: str) -> Any:
    if not callable(value):
        raise _refuse(field, "a function", value)
    return value


def _optional(inner: Check) -> Check:
    def check(value: Any, field: str) -> Any:
        return None if value is None else inner(value, field)

    return check


def _either(alternatives: list[Check], description: str) -> Check:
    def check(value: Any, field: str) -> Any:
        for alternative in alternatives:
            try:
                return alternative(value, field)
            except InvalidInput:
                continue
        raise _refuse(field, description, value)

    return check


def _instance(kind: type) -> Check | None:
    if getattr(kind, "_is_protocol", False) and not getattr(kind, "_is_runtime_protocol", False):
        return None  # a Protocol says what an object can do; isinstance cannot tell

    def check(value: Any, field: str) -> Any:
        if not isinstance(value, kind):
            article = "an" if kind.__name__[:1] in "AEIOU" else "a"
            raise _refuse(field, f"{article} {kind.__name__}", value)
        return value

    return check


_SIMPLE: dict[object, tuple[Check, str]] = {
    str: (_exactly(str, "text"), "text"),
    bool: (_exactly(bool, "true or false"), "true or false"),
    int: (_exactly(int, "a whole number"), "whole numbers"),
    float: (_number, "numbers"),
    datetime: (require_moment, "date-times with a time zone"),
    date: (require_day, "dates"),
}


def _describe(hint: Any) -> str:
    if hint in _SIMPLE:
        return _SIMPLE[hint][1]
    return getattr(hint, "__name__", str(hint))


def _check_for(hint: Any) -> Check | None:
    """How a value of ``hint`` is checked; None for anything."""
    if hint is Any or hint is object:
        return None
    if hint in _SIMPLE:
        return _SIMPLE[hint][0]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:  # X | None: X's own, precise message
            inner = _check_for(rest[0])
            return None if inner is None else _optional(inner)
        alternatives = [_only_none if a is type(None) else _check_for(a) for a in args]
        if any(c is None for c in alternatives):
            return None  # one alternative takes anything
        described = " or ".join("None" if a is type(None) else _describe(a) for a in args)
        return _either([c for c in alternatives if c is not None], described)
    if origin in (collections.abc.Sequence, list) or (origin is tuple and args[-1:] == (Ellipsis,)):
        item = args[0] if args else Any
        return _items(_check_for(item), _describe(item))
    if origin is tuple:
        return _fixed(tuple(_check_for(a) for a in args), f"{len(args)} values")
    if origin in (collections.abc.Mapping, dict):
        return _mapping(*(_check_for(a) for a in args)) if args else _mapping(None, None)
    if origin in (collections.abc.Iterable, collections.abc.Collection):
        return _iterable
    if origin is collections.abc.Callable or hint is collections.abc.Callable:
        return _callable
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _member(hint)
    if isinstance(hint, type):
        return _instance(hint)
    return None  # a TypeVar, a Literal, ...: the use case's own


def _only_none(value: Any, field: str) -> Any:
    if value is not None:
        raise _refuse(field, "None", value)
    return value
