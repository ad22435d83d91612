"""Checks exchanges against Google's own Calendar v3 discovery document.

The document is the one google-api-python-client ships
(``googleapiclient/discovery_cache/documents/calendar.v3.json``). Every
request the fake receives is matched to a method (HTTP method and path
template); its query parameters must be the method's, of their declared type
and enum; its body must fit the method's request schema (no unknown field,
each of its declared type and format, required fields present); and every
answer body must fit the response schema. Anything else is a violation.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import googleapiclient


@cache
def document() -> dict[str, Any]:
    """The Calendar v3 discovery document, as the installed package ships it."""
    path = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "calendar.v3.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


@cache
def _methods() -> list[tuple[str, re.Pattern[str], dict[str, Any]]]:
    out = []
    doc = document()
    for resource in doc["resources"].values():
        for method in resource.get("methods", {}).values():
            template = re.escape(method["path"]).replace(r"\{", "{").replace(r"\}", "}")
            pattern = re.sub(r"{([A-Za-z]+)}", r"(?P<\1>[^/]+)", template)
            out.append((method["httpMethod"], re.compile(f"^{pattern}$"), method))
    return out


def method_for(http_method: str, path: str) -> dict[str, Any] | None:
    """The discovery method for ``METHOD path`` (path after ``/calendar/v3/``), or None."""
    # Fixed paths first, so events/import is never taken for events/{eventId}.
    matches = [m for verb, rx, m in _methods() if verb == http_method and rx.match(path)]
    matches.sort(key=lambda m: m["path"].count("{"))
    return matches[0] if matches else None


def _type_problem(value: Any, schema: dict[str, Any], where: str) -> list[str]:  # noqa: PLR0912 - a type each
    doc = document()
    if "$ref" in schema:
        return _type_problem(value, doc["schemas"][schema["$ref"]], where)
    kind = schema.get("type")
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__} where the document says object"]
        problems = []
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if key in props:
                problems += _type_problem(item, props[key], f"{where}.{key}")
            elif extra is not None:
                problems += _type_problem(item, extra, f"{where}.{key}")
            else:
                problems.append(f"{where}.{key}: not a field of {schema.get('id', 'this object')}")
        return problems
    if kind == "array":
        if not isinstance(value, list):
            return [f"{where}: {type(value).__name__} where the document says array"]
        return [
            p for n, item in enumerate(value) for p in _type_problem(item, schema["items"], f"{where}[{n}]")
        ]
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where}: {type(value).__name__} where the document says string"]
        if schema.get("format") == "date-time":
            try:
                datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return [f"{where}: {value!r} is not an RFC 3339 date-time"]
        if schema.get("format") == "int64" and not re.fullmatch(r"-?\d+", value):
            return [f"{where}: {value!r} is not an int64 string"]
        return []
    if kind == "integer":
        return [] if isinstance(value, int) and not isinstance(value, bool) else [f"{where}: not an integer"]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{where}: not a boolean"]
    if kind == "any":
        return []
    return [f"{where}: the document gives no type {kind!r}"]


def _query_problem(name: str, values: list[str], param: dict[str, Any]) -> list[str]:
    problems = []
    if len(values) > 1 and not param.get("repeated"):
        problems.append(f"query {name}: given {len(values)} times, not repeatable")
    for value in values:
        kind = param.get("type")
        if kind == "integer" and not re.fullmatch(r"-?\d+", value):
            problems.append(f"query {name}={value!r}: not an integer")
        elif kind == "integer":
            low, high = param.get("minimum"), param.get("maximum")
            if (low is not None and int(value) < int(low)) or (high is not None and int(value) > int(high)):
                problems.append(f"query {name}={value!r}: out of range")
        if kind == "boolean" and value not in ("true", "false"):
            problems.append(f"query {name}={value!r}: not true or false")
        if "enum" in param and value not in param["enum"]:
            problems.append(f"query {name}={value!r}: not one of {param['enum']}")
    return problems


def request_problems(
    http_method: str, path: str, query: dict[str, list[str]], body: Any
) -> tuple[dict[str, Any] | None, list[str]]:
    """The method matched and everything about the request the document does not allow."""
    method = method_for(http_method, path)
    if method is None:
        return None, [f"{http_method} {path}: no such method in calendar v3"]
    params = method.get("parameters", {})
    problems = []
    for name, values in query.items():
        param = params.get(name) or document()["parameters"].get(name)
        if param is None or param.get("location") == "path":
            problems.append(f"{method['id']}: unknown query parameter {name!r}")
            continue
        problems += _query_problem(name, values, param)
    request = method.get("request")
    if request is None and body not in (None, b"", ""):
        problems.append(f"{method['id']}: takes no body")
    if request is not None:
        if not isinstance(body, dict):
            problems.append(f"{method['id']}: needs a JSON object body")
        else:
            problems += _type_problem(body, request, method["id"])
            schema = document()["schemas"][request["$ref"]]
            for field, spec in schema.get("properties", {}).items():
                required = spec.get("annotations", {}).get("required", [])
                if method["id"] in required and field not in body:
                    problems.append(f"{method['id']}: required field {field!r} missing")
    return method, problems


def response_problems(method: dict[str, Any], body: Any) -> list[str]:
    """What about an answer body the method's response schema does not allow."""
    response = method.get("response")
    if response is None:
        return [] if body in (None, b"", "") else [f"{method['id']}: answers with no body"]
    return _type_problem(body, response, f"{method['id']} response")


def scopes_of(method: dict[str, Any]) -> set[str]:
    """The OAuth scopes any one of which lets a token call ``method``."""
    return set(method.get("scopes", []))
