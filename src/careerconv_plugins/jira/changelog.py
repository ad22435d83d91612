"""When Jira last changed each field of an issue, read from the issue's changelog.

Cloud gives the changelogs of many issues in one request, filtered by field
(``POST changelog/bulkfetch``, up to 1000 issues and 10 fields, paged by
token, oldest first); Data Center has no such resource and gives the whole
changelog with the issue (``GET issue/{id}?expand=changelog``), one issue a
request. A history item names its field by
``fieldId`` (Cloud) or, where that is missing (Data Center), by ``field``,
which for the system fields careerconv writes (summary, description, duedate,
status) is the same word and for a custom field its display name, told by the
site's field list (read when a custom field is configured).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

MAX_PAGES = 20
"""Pages of 100 histories read at most: a ticket with more is not one careerconv made."""


class Reads(Protocol):
    """What the changelog needs from the client."""

    def read(self, op: str, path: str, params: Mapping[str, Any], body: Any = None) -> dict[str, Any]:
        """A JSON object from ``GET path`` (or a reading ``POST`` with ``body``)."""
        ...


def bulk_last_changes(
    client: Reads, issue_ids: Sequence[str], names: Sequence[str]
) -> dict[str, dict[str, datetime]]:
    """Cloud: per issue id, when each of ``names`` last changed, in one request per page."""
    histories_of: dict[str, list[dict[str, Any]]] = {i: [] for i in issue_ids}
    body: dict[str, Any] = {"issueIdsOrKeys": list(issue_ids), "fieldIds": list(names)[:10],
                            "maxResults": 1000}  # fmt: skip
    for _ in range(MAX_PAGES):
        page = client.read(
            f"read the changelogs of {len(issue_ids)} issue(s)", "changelog/bulkfetch", {}, body
        )
        for log in page.get("issueChangeLogs") or []:
            if isinstance(log, Mapping) and str(log.get("issueId")) in histories_of:
                found = [h for h in log.get("changeHistories") or [] if isinstance(h, dict)]
                histories_of[str(log.get("issueId"))] += found
        token = page.get("nextPageToken")
        if not isinstance(token, str) or not token:
            break
        body["nextPageToken"] = token
    return {i: last_changes(found, names) for i, found in histories_of.items()}


def histories(client: Reads, issue_id: str) -> list[dict[str, Any]]:
    """Data Center: every history of the issue, oldest first (each: ``created``, ``items``)."""
    op = f"read the changelog of issue {issue_id}"
    answer = client.read(op, f"issue/{issue_id}", {"fields": "status", "expand": "changelog"})
    found = (answer.get("changelog") or {}).get("histories") or []
    return [h for h in found if isinstance(h, dict)]


def _moment(text: Any) -> datetime | None:
    """Jira's ``2026-12-03T17:41:28.123+0000``, or None when it is not a time with a zone."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def last_changes(
    found: Iterable[Mapping[str, Any]], names: Sequence[str], labels: Mapping[str, str] | None = None
) -> dict[str, datetime]:
    """The time of the last change of each of ``names`` (field ids) the histories record;
    ``labels`` (id -> display name, from the site's field list) tells a custom field that an
    item names by its display name only."""
    wanted = set(names)
    by_label = {labels[n]: n for n in names if labels and n.startswith("customfield_") and n in labels}
    out: dict[str, datetime] = {}
    for history in found:
        moment = _moment(history.get("created"))
        if moment is None:
            continue
        for item in history.get("items") or []:
            if not isinstance(item, Mapping):
                continue
            name = item.get("fieldId") or item.get("field")
            if not item.get("fieldId") and item.get("fieldtype") == "custom":
                name = by_label.get(str(name), name)
            if name in wanted and (name not in out or out[name] < moment):
                out[str(name)] = moment
    return out


def when(moment: datetime) -> str:
    """A time as a report line gives it: UTC, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
