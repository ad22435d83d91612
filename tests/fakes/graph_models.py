"""Graph's published shapes, read from the models msgraph-sdk generates from Microsoft's OpenAPI.

msgraph-sdk (PyPI, Microsoft's own package) holds one generated Python model
per Graph type and per action body; each model's ``get_field_deserializers``
names every JSON property with its kind (string, boolean, enum, object of a
type, collection...). This module reads those files as text (the SDK is never
imported, nor run) and checks a JSON body against a type: every property must
be declared by the type or a base type, with a value of the declared kind; an
enum value must be one of the enum's members. ``@odata.*`` annotations pass.

Limits: the models say nothing of which properties are required, of formats
inside strings (``dateTime`` is a plain string in ``dateTimeTimeZone``), or of
query options; action parameters (``getSchedule``, ``cancel``) are compared
without regard to case, because the models spell them as the CSDL does
(``Schedules``, ``Comment``) while Graph's reference pages and the service
take ``schedules`` and ``Comment`` alike.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from datetime import datetime
from pathlib import Path
from typing import Any

_FIELD = re.compile(
    r'"(?P<name>[^"]+)": lambda n : setattr\(self, \'\w+\', n\.(?P<get>\w+)\((?P<arg>\w*)\)\)'
)
_CLASS = re.compile(r"^class (?P<name>\w+)\((?P<bases>[^)]*)\):", re.MULTILINE)
_IMPORT = re.compile(r"from (?P<mod>\.+[\w.]*) import (?P<name>\w+)")
_ENUM_MEMBER = re.compile(r'^\s+\w+ = "(?P<value>[^"]+)",?$', re.MULTILINE)


def sdk_root() -> Path | None:
    """The ``msgraph/generated`` folder of the installed msgraph-sdk, or None."""
    spec = importlib.util.find_spec("msgraph")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations))) / "generated"
    return root if root.is_dir() else None


def _resolve(module_file: Path, relative: str) -> Path:
    dots = len(relative) - len(relative.lstrip("."))
    folder = module_file.parent
    for _ in range(dots - 1):
        folder = folder.parent
    return folder.joinpath(*relative.lstrip(".").split(".")).with_suffix(".py")


@functools.cache
def _model(path: Path) -> tuple[str, dict[str, tuple[str, Path | None]], Path | None, bool]:
    """(class name, fields, base model file, is enum) of the model in ``path``."""
    text = path.read_text()
    imports = {m["name"]: _resolve(path, m["mod"]) for m in _IMPORT.finditer(text)}
    cls = _CLASS.search(text)
    assert cls is not None, path
    bases = [b.strip() for b in cls["bases"].split(",")]
    if "Enum" in bases:
        return cls["name"], {m["value"]: ("enum", None) for m in _ENUM_MEMBER.finditer(text)}, None, True
    fields = {m["name"]: (m["get"], imports.get(m["arg"])) for m in _FIELD.finditer(text)}
    base = next((imports[b] for b in bases if b in imports), None)
    return cls["name"], fields, base, False


def _all_fields(path: Path) -> dict[str, tuple[str, Path | None]]:
    _name, fields, base, _enum = _model(path)
    return {**(_all_fields(base) if base else {}), **fields}


def _enum_values(path: Path) -> set[str]:
    return set(_model(path)[1])


def check(value: Any, model: Path, where: str = "$", *, loose_case: bool = False) -> list[str]:
    """Every way ``value`` departs from ``model`` (empty when it fits)."""
    if not isinstance(value, dict):
        return [f"{where}: expected an object of {_model(model)[0]}, got {type(value).__name__}"]
    fields = _all_fields(model)
    by_lower = {k.lower(): k for k in fields}
    problems: list[str] = []
    for name, item in value.items():
        if name.startswith("@odata."):
            continue
        declared = name if name in fields else (by_lower.get(name.lower()) if loose_case else None)
        if declared is None:
            problems.append(f"{where}.{name}: not a property of {_model(model)[0]}")
            continue
        problems += _check_kind(item, *fields[declared], f"{where}.{name}")
    return problems


def _check_kind(item: Any, get: str, target: Path | None, where: str) -> list[str]:  # noqa: PLR0912
    if item is None:
        return []  # every Graph property is nullable in the models
    simple = {
        "get_str_value": str,
        "get_bool_value": bool,
        "get_uuid_value": str,
        "get_time_value": str,
        "get_date_value": str,
    }
    if get in simple:
        ok = isinstance(item, simple[get])
        return [] if ok else [f"{where}: expected {simple[get].__name__}, got {item!r}"]
    if get == "get_int_value":
        ok = isinstance(item, int) and not isinstance(item, bool)
        return [] if ok else [f"{where}: expected an integer, got {item!r}"]
    if get == "get_float_value":
        return [] if isinstance(item, (int, float)) else [f"{where}: expected a number, got {item!r}"]
    if get == "get_datetime_value":
        try:
            # Graph writes seven fractional digits; Python reads six.
            datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", str(item)).replace("Z", "+00:00"))
        except ValueError:
            return [f"{where}: expected an ISO 8601 date-time, got {item!r}"]
        return []
    if get == "get_enum_value" and target is not None:
        return (
            [] if item in _enum_values(target) else [f"{where}: {item!r} is not one of {_model(target)[0]}"]
        )
    if get == "get_object_value" and target is not None:
        return check(item, target, where)
    if get.startswith("get_collection_of") and isinstance(item, list):
        out: list[str] = []
        for n, element in enumerate(item):
            if get == "get_collection_of_object_values" and target is not None:
                out += check(element, target, f"{where}[{n}]")
            elif get == "get_collection_of_enum_values" and target is not None:
                out += [] if element in _enum_values(target) else [f"{where}[{n}]: {element!r} not in enum"]
            elif not isinstance(element, str):
                out.append(f"{where}[{n}]: expected a string")
        return out
    return [f"{where}: expected {get.removeprefix('get_')}, got {type(item).__name__}"]


def models(root: Path) -> dict[str, Path]:
    """The model files the calendar exchanges are checked against, by short name."""
    m = root / "models"
    users = root / "users" / "item"
    return {
        "event": m / "event.py",
        "events": m / "event_collection_response.py",
        "error": m / "o_data_errors" / "o_data_error.py",
        "getSchedule": users / "calendar" / "get_schedule" / "get_schedule_post_request_body.py",
        "schedules": users / "calendar" / "get_schedule" / "get_schedule_post_response.py",
        "cancel": users / "events" / "item" / "cancel" / "cancel_post_request_body.py",
    }


def check_exchange(exchange: Any, root: Path) -> list[str]:
    """Every departure of one logged Graph exchange (request and answer) from the models."""
    known = models(root)
    path, method, status = exchange.path, exchange.method, exchange.status
    problems: list[str] = []
    label = f"{method} {path} -> {status}"
    if path.endswith("/$batch"):
        return [f"{label}: {p}" for p in _check_batch(exchange.body, exchange.response, status)]
    if path.endswith("/getSchedule"):
        request, answer = "getSchedule", "schedules"
    elif path.endswith("/cancel"):
        request, answer = "cancel", ""
    elif re.search(r"/events/[^/]+$", path):
        request, answer = "event", "event"
    elif path.endswith("/events"):
        request, answer = "event", ("event" if method == "POST" else "events")
    else:
        return [f"{label}: no model for this path"]
    if exchange.body is not None and method in {"POST", "PATCH"}:
        problems += check(exchange.body, known[request], "request", loose_case=request != "event")
    if status >= 400:
        problems += check(exchange.response, known["error"], "answer")
    elif exchange.response is not None and answer:
        problems += check(exchange.response, known[answer], "answer")
    return [f"{label}: {p}" for p in problems]


def _check_batch(body: Any, answer: Any, status: int) -> list[str]:
    """The JSON batch envelope as Graph's JSON batching page describes it (no model ships it).

    Each part is logged, and checked, as its own exchange.
    """
    problems = []
    parts = body.get("requests") if isinstance(body, dict) else None
    if not isinstance(parts, list) or set(body) != {"requests"}:
        problems.append("request: a batch is {'requests': [...]}")
    for part in parts or []:
        if (
            not {"id", "method", "url"}
            <= set(part)
            <= {"id", "method", "url", "headers", "body", "dependsOn"}
        ):
            problems.append(f"request part {part.get('id')}: id, method, url (headers, body, dependsOn)")
        if str(part.get("url", "")).startswith(("http", "/v1.0")):
            problems.append(f"request part {part.get('id')}: url is relative to the version")
    if status == 200:
        for part in answer.get("responses") or []:
            if not {"id", "status"} <= set(part) <= {"id", "status", "headers", "body"}:
                problems.append(f"answer part {part.get('id')}: id, status (headers, body)")
    return problems
