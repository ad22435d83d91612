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
        self._loaded = False

    def _read(self) -> dict[str, tuple[str, str]]:
        if self.path is None:
            return {}
        text = files.read_text(self.path)
        try:
            raw = json.loads(text) if text else {}
        except ValueError:
            return {}  # a damaged file: what searches find is learnt again
        tickets = raw.get("tickets") if isinstance(raw, dict) else None
        if not isinstance(tickets, dict):
            return {}
        out: dict[str, tuple[str, str]] = {}
        for key, pair in tickets.items():
            if isinstance(pair, list) and len(pair) == 2 and str(pair[0]).isdigit():
                out[str(key)] = (str(pair[0]), str(pair[1]))
        return out

    def _load(self) -> None:
        if not self._loaded:
            self._tickets.update(self._read())
            self._loaded = True

    def get(self, key: str) -> tuple[str, str] | None:
        """The (issue id, issue key) of action ``key``, or None when none is known."""
        self._load()
        return self._tickets.get(key)

    def ids(self, keys: Iterable[str]) -> list[int]:
        """The issue ids known for ``keys``, as numbers (for ``reconcileIssues``)."""
        found = (self.get(k) for k in keys)
        return [int(pair[0]) for pair in found if pair is not None]

    def remember(self, tickets: Mapping[str, tuple[str, str]]) -> None:
        """Record issues (id, key) per action key; written through at once when kept in a file.

        :raises OSError: the file could not be written (the caller reports a retry).
        """
        self._load()
        new = {k: v for k, v in tickets.items() if self._tickets.get(k) != v}
        if not new:
            return
        self._tickets.update(new)
        if self.path is None or self.folder is None:
            return
        with files.folder_lock(self.folder):
            # Another process may have written meanwhile: merge, then write the union.
            merged = {**self._read(), **self._tickets}
            body = {"v": 1, "tickets": {k: list(v) for k, v in sorted(merged.items())}}
            files.write_atomic(self.path, json.dumps(body, indent=0, ensure_ascii=True))
        self._tickets = merged
