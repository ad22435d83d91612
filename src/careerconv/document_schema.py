"""JSON Schemas (draft 2020-12) of the documents ``--json`` prints, generated from their classes.

Each document's schema is built from the attrs fields of its class in
``careerconv.cli._documents``, ``_run_documents``, ``_upkeep_documents`` and
``_rights_documents``: their types and their descriptions. Every field is
always present (null where the type allows it) and no other is: a host tool
may rely on both. The schemas are committed in
``docs/schemas/cli/``; a test regenerates them and fails when the committed
ones differ. Regenerate them with ``python -m careerconv.document_schema``.
"""

from __future__ import annotations

import inspect
import json
import sys
import types
import typing
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import attrs

from careerconv.cli import _documents, _rights_documents, _run_documents, _upkeep_documents
from careerconv.cli._output import JSON_COMMANDS, JSON_VERSION, Document
from careerconv.record_schema import DRAFT, SCHEMA_FOLDER

__all__ = ["DOCUMENTS", "FOLDER", "document_schema", "schema_text", "write_schemas"]

FOLDER = SCHEMA_FOLDER / "cli"
"""Where the committed schemas live in a clone of the repository."""

DOCUMENTS: dict[str, type[Document]] = {
    cls.NAME: cls
    for module in (_documents, _run_documents, _upkeep_documents, _rights_documents)
    for _, cls in inspect.getmembers(module, inspect.isclass)
    if issubclass(cls, Document) and cls is not Document
}
"""Every document by its name (the ``document`` key of its JSON)."""

_SIMPLE: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    date: {"type": "string", "format": "date"},
    # Always with an offset: 'date-time' of RFC 3339 requires one.
    datetime: {"type": "string", "format": "date-time", "pattern": "(Z|[+-][0-9]{2}:[0-9]{2})$"},
}


def document_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of the document ``name`` (``due``, ``steps``, ``error``, ...)."""
    cls = DOCUMENTS[name]
    defs: dict[str, Any] = {}
    body = _class_schema(cls, defs)
    commands = sorted(c for c, doc in JSON_COMMANDS.items() if doc == name)
    printed_by = f"Printed by 'careerconv {' / '.join(commands)} --json'." if commands else _STDERR[name]
    return {
        "$schema": DRAFT,
        "title": f"careerconv {name} document",
        "description": f"{_summary(cls)} {printed_by} See docs/cli.md.",
        "type": "object",
        "properties": {
            "document": {"const": name, "description": "which document this is"},
            "version": {"const": JSON_VERSION, "description": "the version of its shape"},
            **body["properties"],
        },
        "required": ["document", "version", *body["required"]],
        "additionalProperties": False,
        "$defs": dict(sorted(defs.items())),
    }


_STDERR = {
    "error": "Printed on standard error, its last line, by any command given --json that fails.",
    "log": "Printed on standard error, one a line, by any command given --json, for each line it "
    "says there besides its answer.",
}


def schema_file_name(name: str) -> str:
    """The file name of a document's schema, such as ``due.schema.json``."""
    return f"{name}.schema.json"


def schema_text(name: str) -> str:
    """The schema of ``name`` as the committed file holds it: indented JSON ending in a newline."""
    return json.dumps(document_schema(name), indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every document's schema into ``folder``; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in sorted(DOCUMENTS):
        path = folder / schema_file_name(name)
        path.write_text(schema_text(name), encoding="utf-8")
        written.append(path)
    return written


def _summary(cls: type) -> str:
    return " ".join((inspect.getdoc(cls) or "").split("\n\n")[0].split())


def _class_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties = {}
    for attribute in attrs.fields(cls):
        prop = _type_schema(hints[attribute.name], defs)
        prop["description"] = attribute.metadata["doc"]
        properties[attribute.name] = prop
    return {
        "type": "object",
        "description": _summary(cls),
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    args = typing.get_args(tp)
    if isinstance(tp, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) != 1 or len(args) != 2:
            raise ValueError(f"only X | None is written in a document, not {tp!r}")
        return {"anyOf": [_type_schema(inner[0], defs), {"type": "null"}]}
    origin = typing.get_origin(tp)
    if origin is list:
        return {"type": "array", "items": _type_schema(args[0], defs)}
    if origin is dict and args[0] is str:
        return {"type": "object", "additionalProperties": _type_schema(args[1], defs)}
    if attrs.has(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # taken before the fields, so a class that nests itself ends
            defs[name] = _class_schema(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    if tp in _SIMPLE:
        return dict(_SIMPLE[tp])
    raise ValueError(f"no schema for a document field of type {tp!r}; add it to careerconv.document_schema")


def main(argv: Sequence[str] | None = None) -> int:
    """Write the schemas into the folder given, or into docs/schemas/cli/ of this clone."""
    args = sys.argv[1:] if argv is None else list(argv)
    folder = Path(args[0]) if args else FOLDER
    for path in write_schemas(folder):
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
