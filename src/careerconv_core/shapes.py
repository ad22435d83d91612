"""What a field of a document takes, said in words a person reads.

An error about a record file or a stored plan says what the field takes in
these words ("a list of tables, each with fields id, title, ...", "a whole
number from 1 (new to me) to 5 (exemplary)"), never as a Python type. The
words come from the attrs fields themselves: their types, and the validators
that ask more of a value than its type (``CHECKS``). The record files' JSON
Schemas are generated from the same fields and checks
(``careerconv.record_schema``), so the messages, the schemas and the classes
cannot drift apart.
"""

from __future__ import annotations

import difflib
import enum
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

import attrs
from attrs import frozen

from careerconv_core.domain.grow import HORIZON_WORDS, MAX_HORIZON_MONTHS, horizon_field, owner_field
from careerconv_core.domain.ids import ID_MAX_LENGTH, ID_PATTERN, ID_RULE, id_field, optional_id_field
from careerconv_core.domain.pinnacle import RATING_SCALE, RATING_WORDS, rating_field

__all__ = ["CHECKS", "Check", "check_of", "closest", "fields_of", "item_type", "optional_part", "words"]


@frozen
class Check:
    """What a field's validator asks of a value beyond its type, in words and as limits."""

    words: str
    pattern: str | None = None
    """A regular expression the whole text matches."""
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None


_ID = Check(f"an id in quotes: {ID_RULE}", pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)

CHECKS: Mapping[object, Check] = {
    id_field: _ID,
    optional_id_field: _ID,
    owner_field: Check(
        f"the id of the report or the manager who does it ({ID_RULE})",
        pattern=f"({ID_PATTERN})?",
        max_length=ID_MAX_LENGTH,
    ),
    rating_field: Check(RATING_WORDS, minimum=min(RATING_SCALE), maximum=max(RATING_SCALE)),
    horizon_field: Check(HORIZON_WORDS, minimum=1, maximum=MAX_HORIZON_MONTHS),
}
"""The validators of the domain's fields, and what each asks of a value."""


def check_of(attribute: attrs.Attribute[Any] | None) -> Check | None:
    """The check ``attribute``'s validator makes, or None for a field its type alone describes."""
    return None if attribute is None else CHECKS.get(attribute.validator)


def fields_of(cls: type) -> tuple[attrs.Attribute[Any], ...]:
    """The fields a document gives for the attrs class ``cls``, with their types resolved."""
    attrs.resolve_types(cls)
    return tuple(a for a in attrs.fields(cls) if a.init)


def closest(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest known name, or "" when none is close."""
    match = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def optional_part(tp: Any) -> Any:
    """``X`` for ``X | None``; ``tp`` itself otherwise."""
    if _is_union(tp):
        rest = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return tp


def words(tp: Any, attribute: attrs.Attribute[Any] | None = None) -> str:
    """What a field of type ``tp`` takes, in words; ``attribute`` adds what its validator asks."""
    check = check_of(attribute)
    if check is not None:
        return check.words
    tp = optional_part(tp)
    if _is_union(tp):
        return " or ".join(words(a) for a in typing.get_args(tp) if a is not type(None))
    if attrs.has(tp):
        return f"a table with fields {_names(tp)}"
    item = item_type(tp)
    if item is not None:
        return f"a list of {_plural(item)}"
    origin = typing.get_origin(tp)
    if origin is tuple:  # a fixed-size tuple: a short list of given things
        parts = ", ".join(words(a) for a in typing.get_args(tp))
        return f"a list of {len(typing.get_args(tp))} items: {parts}"
    if origin in (dict, Mapping) or tp is dict:
        args = typing.get_args(tp)
        return f"a table whose values are each {words(args[1])}" if len(args) == 2 else "a table"
    return _SIMPLE.get(tp) or _enum_words(tp) or "a value of another kind"


_SIMPLE: Mapping[Any, str] = {
    str: "a text in quotes",
    int: "a whole number",
    float: "a number",
    bool: "true or false (without quotes)",
    date: "a date (YYYY-MM-DD, such as 2027-03-31)",
    datetime: "a date and time with a UTC offset (such as 2027-01-20T15:00+01:00)",
    time: "a time (HH:MM)",
}
_PLURAL: Mapping[Any, str] = {
    str: "texts in quotes",
    int: "whole numbers",
    float: "numbers",
    date: "dates (YYYY-MM-DD)",
}


def _plural(item: Any) -> str:
    item = optional_part(item)
    if attrs.has(item):
        return f"tables, each with fields {_names(item)}"
    return _PLURAL.get(item) or f"items, each {words(item)}"


def _names(cls: type) -> str:
    return ", ".join(a.name for a in fields_of(cls))


def _enum_words(tp: Any) -> str:
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "one of " + ", ".join(repr(m.value) for m in tp)
    return ""


def item_type(tp: Any) -> Any:
    """The item type of a list-like type (``tuple[X, ...]``, ``list[X]``, ``frozenset[X]``), or None."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return args[0]
    if origin in (list, frozenset, set, Sequence) and len(args) == 1:
        return args[0]
    return None


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)
