"""The issues the tracker knows are its own: per action key, the issue id and key.

Jira Cloud's search is eventually consistent: an issue created a moment ago
may be missing from it. So the id and key of every issue the tracker created
(or found carrying its property) are kept, and a missing one is read by id
before anything is concluded: a deletion only from a 404 on a known issue, a
creation only when no known issue exists. With ``state_directory`` the record
is a JSON file there, written right after each create, so a process that
crashed before the outbox saved its outcome still finds what it made.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from careerconv_plugins import files

FILE_PREFIX = "jira-known-"


class KnownTickets:
    """Issue (id, key) per action key, in memory and, with a folder, in a file there."""

    def __init__(self, folder: Path | None, site: str, project: str) -> None:
        self.folder = folder
        digest = hashlib.sha256(f"{site.rstrip('/')}\n{project}".encode()).hexdigest()[:12]
        self.path = folder / f"{FILE_PREFIX}{digest}.json" if folder is not None else None
        self._tickets: dict[str, tuple[str, str]] = {}
        self._reported: dict[str, str] = {}  # action key -> id of the issue reported deleted
        self._loaded = False

    def _read(self) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
        if self.path is None:
            return {}, {}
        text = files.read_text(self.path)
        try:
            raw = json.loads(text) if text else {}
        except ValueError:
            return {}, {}  # a damaged file: what searches find is learnt again
        tickets = raw.get("tickets") if isinstance(raw, dict) else None
        reported = raw.get("reported_deleted") if isinstance(raw, dict) else None
        out: dict[str, tuple[str, str]] = {}
        for key, pair in (tickets if isinstance(tickets, dict) else {}).items():
            if isinstance(pair, list) and len(pair) == 2 and str(pair[0]).isdigit():
                out[str(key)] = (str(pair[0]), str(pair[1]))
        gone = {str(k): str(v) for k, v in (reported if isinstance(reported, dict) else {}).items()}
        return out, gone

    def _load(self) -> None:
        if not self._loaded:
            tickets, reported = self._read()
            self._tickets.update(tickets)
            self._reported.update(reported)
            self._loaded = True

    def refresh(self) -> None:
        """Read the file again, adding what other processes recorded since (a long-running
        webhook receiver must know an issue a later ``dispatch`` made, to tell its deletion)."""
        if self.path is None:
            return
        tickets, reported = self._read()
        self._load()
        # The file wins: every record is written through to it at once, so it is the newest
        # (another process may have made the action's issue again after a resync).
        self._tickets = {**self._tickets, **tickets}
        self._reported = {**self._reported, **reported}

    def get(self, key: str) -> tuple[str, str] | None:
        """The (issue id, issue key) of action ``key``, or None when none is known."""
        self._load()
        return self._tickets.get(key)

    def ids(self, keys: Iterable[str]) -> list[int]:
        """The issue ids known for ``keys``, as numbers (for ``reconcileIssues``)."""
        found = (self.get(k) for k in keys)
        return [int(pair[0]) for pair in found if pair is not None]

    def reported_deleted(self, key: str) -> bool:
        """Whether the known issue of ``key`` was reported deleted (``pull_statuses``) already.

        From then on the plan holds the action's ticket as deleted until the report asks
        for it again (``action resync``): an open view after that is the resync.
        """
        known = self.get(key)
        return known is not None and self._reported.get(key) == known[0]

    def remember(
        self, tickets: Mapping[str, tuple[str, str]], reported: Mapping[str, str] | None = None
    ) -> None:
        """Record issues (id, key) per action key, and the ids reported deleted; written
        through at once when kept in a file.

        :raises OSError: the file could not be written (the caller reports a retry).
        """
        self._load()
        new = {k: v for k, v in tickets.items() if self._tickets.get(k) != v}
        gone = {k: v for k, v in (reported or {}).items() if self._reported.get(k) != v}
        if not new and not gone:
            return
        self._tickets.update(new)
        self._reported.update(gone)
        if self.path is None or self.folder is None:
            return
        with files.folder_lock(self.folder):
            # Another process may have written meanwhile: merge, then write the union.
            disk_tickets, disk_reported = self._read()
            merged = {**disk_tickets, **self._tickets}
            merged_reported = {**disk_reported, **self._reported}
            body = {
                "v": 1,
                "tickets": {k: list(v) for k, v in sorted(merged.items())},
                "reported_deleted": dict(sorted(merged_reported.items())),
            }
            files.write_atomic(self.path, json.dumps(body, indent=0, ensure_ascii=True))
        self._tickets = merged
        self._reported = merged_reported
