"""What an id may hold: one rule for every id a person or a system supplies.

People, plans, actions, roles, competencies and handoffs are named by ids that
end up in file names, calendar UIDs and parameters, mail headers, URL paths,
tracker labels and command lines. An id is therefore plain and short: 1 to
128 ASCII letters, digits and ``. _ - @ + : / = ~``, starting with a letter or
a digit (so it never reads as a command-line option). Every way in (the org
file, SCIM, BambooHR, record files, the library's domain classes) checks ids
with ``check_id``; names derived from an id still encode it (see
``careerconv_plugins.localfiles``), so the rule is a guard, not the only one.
"""

from __future__ import annotations

import re
from typing import Any

from careerconv_core.errors import InvalidInput, shown

ID_MAX_LENGTH = 128
ID_CHARACTERS = "ASCII letters, digits and . _ - @ + : / = ~"
ID_RULE = f"1 to {ID_MAX_LENGTH} {ID_CHARACTERS}, starting with a letter or digit"

ID_PATTERN = rf"[A-Za-z0-9][A-Za-z0-9._@+:/=~-]{{0,{ID_MAX_LENGTH - 1}}}"
"""The rule as a regular expression a whole id matches (the record schemas use it too)."""
_ID = re.compile(ID_PATTERN, re.ASCII)


def is_id(value: object) -> bool:
    """Whether ``value`` is a text id that keeps the rule."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def check_id(field: str, value: object) -> str:
    """``value`` when it is an id; ``InvalidInput`` naming ``field``, the id and the rule otherwise."""
    if isinstance(value, str) and _ID.fullmatch(value) is not None:
        return value
    if not isinstance(value, str):
        raise InvalidInput(field, f"a text id ({ID_RULE})", f"got {type(value).__name__}, not text")
    if not value:
        raise InvalidInput(field, ID_RULE, "the id is empty")
    if len(value) > ID_MAX_LENGTH:
        raise InvalidInput(field, ID_RULE, f"the id {shown(value)} has {len(value)} characters")
    return _refuse(field, value)


def _refuse(field: str, value: str) -> str:
    bad = sorted({c for c in value if not _ID.fullmatch("a" + c)})
    if bad:
        listed = " ".join(ascii(c) for c in bad[:5])
        problem = f"the id {shown(value)} holds {listed}"
    else:
        problem = f"the id {shown(value)} starts with {value[0]!a}"
    raise InvalidInput(field, f"an id of {ID_RULE}", problem)


def id_field(_instance: object, attribute: Any, value: Any) -> None:
    """An attrs validator: the attribute is an id."""
    check_id(attribute.name, value)


def optional_id_field(_instance: object, attribute: Any, value: Any) -> None:
    """An attrs validator: the attribute is an id or None."""
    if value is not None:
        check_id(attribute.name, value)
