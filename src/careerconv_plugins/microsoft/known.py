"""The events the backend knows are its own: per invite uid, the mailbox, the event id, the sequence.

Graph has no way to find an event from its key alone without knowing whose
calendar to look in, and no way to tell "deleted by a person" from "never
made". So each event written is recorded: ``answers`` then knows which mailbox
to read, and a missing event that was made is known to be deleted. With
``state_directory`` the record is a JSON file there, written right after each
write (merged under a folder lock with other processes' writes), so a new
process, or one after a crash, knows it too; without it, only this process.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from attrs import frozen

from careerconv_plugins import files

FILE_PREFIX = "microsoft-known-"


@frozen
class KnownEvent:
    """Where careerconv wrote one invite's event, and the sequence it wrote."""

    mailbox: str
    event_id: str
    sequence: int


class KnownEvents:
    """``KnownEvent`` per uid, in memory and, with a folder, in a file there."""

    def __init__(self, folder: Path | None, tenant: str) -> None:
        self.folder = folder
        digest = hashlib.sha256(tenant.encode()).hexdigest()[:12]
        self.path = folder / f"{FILE_PREFIX}{digest}.json" if folder is not None else None
        self._events: dict[str, KnownEvent] = {}
        self._loaded = False

    def _read(self) -> dict[str, KnownEvent]:
        if self.path is None:
            return {}
        text = files.read_text(self.path)
        try:
            raw = json.loads(text) if text else {}
        except ValueError:
            return {}  # a damaged file: lookups by key still find every event
        events = raw.get("events") if isinstance(raw, dict) else None
        out: dict[str, KnownEvent] = {}
        for uid, row in (events if isinstance(events, dict) else {}).items():
            if isinstance(row, list) and len(row) == 3 and isinstance(row[2], int):
                out[str(uid)] = KnownEvent(str(row[0]), str(row[1]), row[2])
        return out

    def get(self, uid: str) -> KnownEvent | None:
        """What is known of ``uid``'s event, or None."""
        if not self._loaded:
            self._events = {**self._read(), **self._events}
            self._loaded = True
        return self._events.get(uid)

    def remember(self, uid: str, event: KnownEvent | None) -> None:
        """Record ``uid``'s event (None: forget it, it was cancelled); written through at once.

        :raises OSError: the file could not be written.
        """
        if self.get(uid) == event:
            return
        self._set(self._events, uid, event)
        if self.path is None or self.folder is None:
            return
        with files.folder_lock(self.folder):
            merged = self._read()  # another process may have written meanwhile
            self._set(merged, uid, event)
            body = {
                "v": 1,
                "events": {k: [v.mailbox, v.event_id, v.sequence] for k, v in sorted(merged.items())},
            }
            files.write_atomic(self.path, json.dumps(body, indent=0, ensure_ascii=True))
        self._events = merged

    @staticmethod
    def _set(into: dict[str, KnownEvent], uid: str, event: KnownEvent | None) -> None:
        if event is None:
            into.pop(uid, None)
        else:
            into[uid] = event
