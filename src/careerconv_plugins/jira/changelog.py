"""When Jira last changed each field of an issue, read from the issue's changelog.

Cloud pages it (``GET issue/{id}/changelog``, oldest first); Data Center has
no such resource and gives the whole changelog with the issue
(``GET issue/{id}?expand=changelog``). A history item names its field by
``fieldId`` (Cloud) or, where that is missing (Data Center), by ``field``,
which for the system fields careerconv writes (summary, description, duedate,
status) is the same word; a custom field named only by its display name is
not matched, and its time stays unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

MAX_PAGES = 20
"""Pages of 100 histories read at most: a ticket with more is not one careerconv made."""


class Reads(Protocol):
    """What the changelog needs from the client."""

    def read(self, op: str, path: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """A JSON object from ``GET path``."""
        ...


def histories(client: Reads, issue_id: str, deployment: str) -> list[dict[str, Any]]:
    """Every history of the issue, oldest first (each: ``created``, ``items``)."""
    op = f"read the changelog of issue {issue_id}"
    if deployment != "cloud":
        answer = client.read(op, f"issue/{issue_id}", {"fields": "status", "expand": "changelog"})
        found = (answer.get("changelog") or {}).get("histories") or []
        return [h for h in found if isinstance(h, dict)]
    out: list[dict[str, Any]] = []
    start = 0
    for _ in range(MAX_PAGES):
        page = client.read(op, f"issue/{issue_id}/changelog", {"startAt": start, "maxResults": 100})
        got = [h for h in page.get("values") or [] if isinstance(h, dict)]
        out += got
        start += len(got)
        if not got or page.get("isLast") is not False:
            break
    return out


def _moment(text: Any) -> datetime | None:
    """Jira's ``2026-12-03T17:41:28.123+0000``, or None when it is not a time with a zone."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def last_changes(found: Iterable[Mapping[str, Any]], names: Sequence[str]) -> dict[str, datetime]:
    """The time of the last change of each of ``names`` (field ids) the histories record."""
    wanted = set(names)
    out: dict[str, datetime] = {}
    for history in found:
        moment = _moment(history.get("created"))
        if moment is None:
            continue
        for item in history.get("items") or []:
            if not isinstance(item, Mapping):
                continue
            name = item.get("fieldId") or item.get("field")
            if name in wanted and (name not in out or out[name] < moment):
                out[str(name)] = moment
    return out


def when(moment: datetime) -> str:
    """A time as a report line gives it: UTC, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
