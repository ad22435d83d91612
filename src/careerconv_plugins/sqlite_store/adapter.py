"""``SqliteStore``: the ``PlanStore`` port on one SQLite file.

The store's semantics are ``careerconv_plugins.sql.store.SqlStore``'s; this
file only opens the SQLite dialect (``client.SqliteClient``) under it.
"""

from __future__ import annotations

from pathlib import Path

from careerconv_plugins.sql.sealing import MasterKey
from careerconv_plugins.sql.store import SqlStore
from careerconv_plugins.sqlite_store.client import SqliteClient


class SqliteStore(SqlStore):
    """A ``PlanStore`` in the SQLite file at ``path`` (created and migrated on open).

    One connection, guarded by a lock, so one store may be shared by threads;
    separate processes open their own store on the same file. A writer waits
    up to ``busy_timeout`` seconds for another, then fails retryably. With
    ``key``, plans and outbox payloads are encrypted at rest (``SqlStore``).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        busy_timeout: float = 5.0,
        key: MasterKey | None = None,
        rotating_to: MasterKey | None = None,
    ) -> None:
        self.path = Path(path)
        super().__init__(SqliteClient(self.path, busy_timeout=busy_timeout), key, rotating_to=rotating_to)
