"""JSON Schemas (draft 2020-12) of the record files, generated from the domain classes.

Each outcome's schema is built from the attrs fields of the class its table
becomes (``careerconv.records.OUTCOME_TYPES``): their types, their defaults,
and what their validators ask (``careerconv_core.shapes.CHECKS``); the field
descriptions are the words error messages use. Unknown fields are refused, as
the reader refuses them. The schemas are committed in ``docs/schemas/`` for
editors; a test regenerates them and fails when the committed ones differ.
Regenerate them with ``python -m careerconv.record_schema`` (or give a folder).
"""

from __future__ import annotations

import enum
import inspect
import json
import sys
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import attrs

from careerconv.records import FILLED_IN, OUTCOME_TYPES, OUTCOMES, SCHEMA_KEY
from careerconv_core import serialization, shapes
from careerconv_core.domain.pinnacle import MAX_COMPETENCIES, MAX_ROLES, Pinnacle

__all__ = ["DRAFT", "record_schema", "schema_file_name", "schema_text", "write_schemas"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FOLDER = Path(__file__).resolve().parents[2] / "docs" / "schemas"
"""Where the committed schemas live in a clone of the repository."""

# Limits the method sets on whole lists (M5, M6): checked by the class, not by a field validator.
_LIST_LIMITS: Mapping[tuple[type, str], int] = {
    (Pinnacle, "roles"): MAX_ROLES,
    (Pinnacle, "competencies"): MAX_COMPETENCIES,
}
_SIMPLE: Mapping[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    # TOML dates are dates, JSON has none: editors check both as text in ISO form.
    date: {"type": "string", "format": "date"},
    datetime: {"type": "string", "format": "date-time"},
    time: {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
}


def schema_file_name(kind: str) -> str:
    """The file name of an outcome's schema, such as ``grow.schema.json``."""
    return f"{kind}.schema.json"


def record_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of a record file holding the outcome ``kind`` (``life_story``, ...)."""
    cls = OUTCOME_TYPES[kind]
    defs: dict[str, Any] = {}
    root = _type_schema(cls, None, defs)
    others = {
        name: {
            "type": "object",
            "description": f"read by 'careerconv record REPORT {name}', not with this outcome",
        }
        for name in OUTCOMES
        if name != kind
    }
    return {
        "$schema": DRAFT,
        "title": f"careerconv {kind} record",
        "description": (
            f"A record file for 'careerconv record REPORT {kind} --file FILE' (TOML or JSON): "
            f"one [{kind}] table. See docs/records.md."
        ),
        "type": "object",
        "properties": {
            SCHEMA_KEY: {"type": "string", "description": "where this schema is; ignored when reading"},
            kind: root,
            **others,
        },
        "required": [kind],
        "additionalProperties": False,
        "$defs": dict(sorted(defs.items())),
    }


def schema_text(kind: str) -> str:
    """The schema of ``kind`` as the committed file holds it: indented JSON ending in a newline."""
    return json.dumps(record_schema(kind), indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every outcome's schema into ``folder``; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in OUTCOMES:
        path = folder / schema_file_name(kind)
        path.write_text(schema_text(kind), encoding="utf-8")
        written.append(path)
    return written


def _class_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    filled = FILLED_IN.get(cls, {})
    properties: dict[str, Any] = {}
    required = []
    for attribute in shapes.fields_of(cls):
        prop = _type_schema(attribute.type, attribute, defs)
        description = shapes.words(attribute.type, attribute)
        if attribute.name in filled:
            description += f"; when left out: {filled[attribute.name]}"
        elif attribute.default is attrs.NOTHING:
            required.append(attribute.name)
        limit = _LIST_LIMITS.get((cls, attribute.name))
        if limit is not None:
            prop["maxItems"] = limit
            description += f", at most {limit}"
        prop["description"] = description
        # A Factory (it has takes_self) makes a new value each time: no one default to show.
        if attribute.default is not attrs.NOTHING and not hasattr(attribute.default, "takes_self"):
            default = serialization.unstructure(attribute.default)
            if default is not None:
                prop["default"] = default
        properties[attribute.name] = prop
    schema: dict[str, Any] = {
        "type": "object",
        "description": " ".join((inspect.getdoc(cls) or "").split("\n\n")[0].split()),
        "properties": properties,
    }
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema


def _type_schema(tp: Any, attribute: attrs.Attribute[Any] | None, defs: dict[str, Any]) -> dict[str, Any]:
    inner = shapes.optional_part(tp)
    schema = _plain_schema(inner, defs)
    check = shapes.check_of(attribute)
    if check is not None:
        limits = {
            "pattern": None if check.pattern is None else f"^{check.pattern}$",
            "maxLength": check.max_length,
            "minimum": check.minimum,
            "maximum": check.maximum,
        }
        schema.update({k: v for k, v in limits.items() if v is not None})
    if inner is not tp:  # X | None: JSON may say null; TOML leaves the key out
        return {"anyOf": [schema, {"type": "null"}]}
    return schema


def _plain_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    if attrs.has(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # taken before the fields, so a class that nests itself ends
            defs[name] = _class_schema(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    item = shapes.item_type(tp)
    if item is not None:
        return {"type": "array", "items": _type_schema(item, None, defs)}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"enum": [m.value for m in tp]}
    if tp in _SIMPLE:
        return dict(_SIMPLE[tp])
    raise ValueError(f"no schema for a field of type {tp!r}; add it to careerconv.record_schema")


def main(argv: Sequence[str] | None = None) -> int:
    """Write the schemas into the folder given, or into docs/schemas/ of this clone."""
    args = sys.argv[1:] if argv is None else list(argv)
    folder = Path(args[0]) if args else SCHEMA_FOLDER
    for path in write_schemas(folder):
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
