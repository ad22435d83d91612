"""The fake Jira's state and the pieces its resources share (``fake_jira`` serves them)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

STATUS_CATEGORIES = {
    "new": {"id": 2, "key": "new", "name": "To Do", "colorName": "blue-gray"},
    "indeterminate": {
        "id": 4,
        "key": "indeterminate",
        "name": "In Progress",
        "colorName": "yellow",
    },
    "done": {"id": 3, "key": "done", "name": "Done", "colorName": "green"},
}


@dataclass
class Exchange:
    """One request and the answer the fake gave."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int
    response: Any
    headers: dict[str, str]


@dataclass
class Fault:
    """An injected answer: ``status`` (0 = answer normally after ``delay``)."""

    status: int = 0
    retry_after: str | None = None
    delay: float = 0.0
    match: str = ""
    times: int = 1


@dataclass
class FakeJiraState:
    """Everything the fake knows. Tests may read and change it directly."""

    deployment: str = "Cloud"
    email: str = "bot@example.com"
    token: str = "test-token-not-secret"
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: list[dict[str, Any]] = field(default_factory=list)
    custom_fields: dict[str, str] = field(default_factory=dict)
    security_levels: dict[str, str] = field(default_factory=lambda: {"10001": "Manager and report"})
    statuses: dict[str, tuple[str, str]] = field(
        default_factory=lambda: {
            "10000": ("To Do", "new"),
            "3": ("In Progress", "indeterminate"),
            "10001": ("Done", "done"),
        }
    )
    # (id, name, to status id[, from status ids]): without "from" a global transition.
    transitions: list[tuple[Any, ...]] = field(
        default_factory=lambda: [
            ("11", "To Do", "10000"),
            ("21", "In Progress", "3"),
            ("31", "Done", "10001"),
        ]
    )
    search_lag: float = 0.0
    """Seconds after a create before a search sees the issue (Cloud: unless reconciled)."""
    bulk_limit: int = 50
    """Issues one bulk create takes; Data Center's jira.bulk.create.max.issues.per.request."""
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    next_id: int = 10000
    key_numbers: dict[str, int] = field(default_factory=dict)
    page_size: int = 100
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    """When a change happens, as Jira's changelog records it (tests set it to order changes)."""
    changelog_page: int = 100
    """Histories one page of ``GET issue/{id}/changelog`` holds (Cloud's default is 100)."""
    log: list[Exchange] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)


def jira_time(moment: datetime) -> str:
    """A time as Jira writes it: ``2026-12-03T17:41:28.123+0000`` (milliseconds, no colon)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}" + moment.strftime("%z")


def _status_obj(base: str, status_id: str, state: FakeJiraState) -> dict[str, Any]:
    name, cat = state.statuses[status_id]
    category = dict(STATUS_CATEGORIES[cat], self=f"{base}/statuscategory/{STATUS_CATEGORIES[cat]['id']}")
    return {
        "self": f"{base}/status/{status_id}",
        "id": status_id,
        "name": name,
        "description": "",
        "iconUrl": f"{base}/images/status.png",
        "statusCategory": category,
    }


_JQL = re.compile(
    r'^\s*labels\s+(?:in\s*\((?P<list>.*)\)|=\s*(?P<one>"[^"\\]*"))\s*'
    r"(?:ORDER\s+BY\s+key\s+(?:ASC|DESC))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_QUOTED = re.compile(r'\s*"([^"\\]*)"\s*(?:,|$)')


def parse_label_jql(jql: str) -> set[str] | None:
    """The labels of ``labels in ("a", ...)`` / ``labels = "a"``; None if not that shape."""
    match = _JQL.match(jql)
    if not match:
        return None
    if match.group("one"):
        return {match.group("one")[1:-1]}
    raw = match.group("list")
    labels: set[str] = set()
    pos = 0
    while pos < len(raw):
        m = _QUOTED.match(raw, pos)
        if not m:
            return None
        labels.add(m.group(1))
        pos = m.end()
    return labels
