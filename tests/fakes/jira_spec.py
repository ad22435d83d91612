"""Checks recorded Jira exchanges against Atlassian's OpenAPI description.

The description is read from ``../shared/specs/`` beside the project (never
copied into it). v2 paths are checked against their v3 twins: Atlassian
documents the same shapes, except rich text, which the v3 schemas leave
free-form inside ``fields``.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from fakes.fake_jira import Exchange

SPEC_NAME = "jira-cloud-platform-v3.openapi.json"
SPEC_URI = "urn:jira-openapi"


def spec_path() -> Path:
    """Where the spec is: $CAREERCONV_SPECS, else ../shared/specs from the project root."""
    root = Path(__file__).resolve().parents[2]
    base = Path(os.environ.get("CAREERCONV_SPECS", root.parent / "shared" / "specs"))
    return base / SPEC_NAME


#: Set by ``.ci/run``: in CI a missing description fails the run instead of skipping.
REQUIRE_ENV = "CAREERCONV_REQUIRE_SPECS"


def require_spec() -> None:
    """Skip the calling test when the description is absent (a user's clone has no ``../shared``).

    The description stays out of the repository; where it is missing, the tests that check
    traffic against it cannot run, and say which file they need. With ``$CAREERCONV_REQUIRE_SPECS``
    set (``.ci/run`` sets it) a missing file fails instead, so CI always runs them.
    """
    path = spec_path()
    if path.is_file():
        return
    message = f"Atlassian's Jira OpenAPI description is missing: {path} (set $CAREERCONV_SPECS to its folder)"
    if os.environ.get(REQUIRE_ENV):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@cache
def spec() -> dict[str, Any]:
    """The parsed OpenAPI document."""
    return json.loads(spec_path().read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@cache
def _registry() -> Registry:
    return Registry().with_resource(SPEC_URI, Resource(contents=spec(), specification=DRAFT7))


@cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    out = []
    for template in spec()["paths"]:
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        out.append((re.compile(f"^{pattern}$"), template))
    # Literal segments win over parameters (issue/bulk before issue/{issueIdOrKey}).
    out.sort(key=lambda pair: pair[1].count("{"))
    return out


def operation(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    """The spec's (template, operation) for a request, v2 mapped to v3."""
    v3 = re.sub(r"^/rest/api/2/", "/rest/api/3/", path)
    for pattern, template in _templates():
        if pattern.match(v3):
            op = spec()["paths"][template].get(method.lower())
            if op is not None:
                return template, op
    return None


def _pointer(ref: str) -> dict[str, Any]:
    return {"$ref": SPEC_URI + ref}


def _errors(schema: dict[str, Any], instance: Any) -> list[str]:
    if "$ref" in schema:
        schema = _pointer(schema["$ref"])
    elif "items" in schema and "$ref" in schema["items"]:
        schema = {**schema, "items": _pointer(schema["items"]["$ref"])}
    validator = Draft7Validator(schema, registry=_registry())
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:200]}"
        for e in validator.iter_errors(instance)
    ]


def check_request(method: str, path: str, query: dict[str, list[str]], body: Any) -> list[str]:
    """Violations of the spec by one request."""
    found = operation(method, path)
    if found is None:
        return [f"{method} {path}: not in the spec"]
    template, op = found
    problems = []
    params = {p["name"]: p for p in op.get("parameters", []) if p.get("in") == "query"}
    for name in query:
        if name not in params:
            problems.append(f"{method} {template}: unknown query parameter {name!r}")
    for name, p in params.items():
        if p.get("required") and name not in query:
            problems.append(f"{method} {template}: missing query parameter {name!r}")
    content = (op.get("requestBody") or {}).get("content", {})
    schema = (content.get("application/json") or {}).get("schema")
    if body is not None and not content:
        problems.append(f"{method} {template}: sends a body the operation does not take")
    if schema and body is not None:
        problems += [f"{method} {template} request {e}" for e in _errors(schema, body)]
    if (op.get("requestBody") or {}).get("required") and body is None:
        problems.append(f"{method} {template}: missing request body")
    return problems


def check_response(method: str, path: str, status: int, body: Any) -> list[str]:
    """Violations of the spec by one answer (status documented, JSON shape)."""
    found = operation(method, path)
    if found is None:
        return [f"{method} {path}: not in the spec"]
    template, op = found
    responses = op.get("responses", {})
    answer = responses.get(str(status)) or responses.get("default")
    if answer is None:
        return [f"{method} {template}: status {status} is not documented"]
    schema = ((answer.get("content") or {}).get("application/json") or {}).get("schema")
    if schema is None or body is None:
        return []
    return [f"{method} {template} {status} response {e}" for e in _errors(schema, body)]


def violations(exchanges: list[Exchange], *, faults_ok: bool = True, requests: bool = True) -> list[str]:
    """Every spec violation in ``exchanges`` (requests, unless ``requests=False``, and answers).

    Injected faults (429/5xx with the fake's marker) are checked for the request only.
    """
    problems: list[str] = []
    for ex in exchanges:
        if requests:
            problems += check_request(ex.method, ex.path, ex.query, ex.body)
        injected = isinstance(ex.response, dict) and ex.response.get("errorMessages") == ["injected fault"]
        if not (faults_ok and injected):
            problems += check_response(ex.method, ex.path, ex.status, ex.response)
    return problems
