"""``PostgresStore``: the ``PlanStore`` port on PostgreSQL (psycopg 3).

The store's semantics are ``careerconv_plugins.sql.store.SqlStore``'s; this
file only opens the PostgreSQL dialect (``client.PostgresClient``) under it.
"""

from __future__ import annotations

from careerconv_plugins.postgres_store.client import PostgresClient
from careerconv_plugins.sql.sealing import MasterKey
from careerconv_plugins.sql.store import SqlStore


class PostgresStore(SqlStore):
    """A ``PlanStore`` in the PostgreSQL database at ``dsn`` (migrated on open).

    One connection, guarded by a lock, so one store may be shared by threads;
    each dispatcher process opens its own store. A write that waits longer
    than ``lock_timeout`` seconds for another's row lock fails with a
    retryable ``AdapterError``. With ``key``, plans and outbox payloads are
    encrypted at rest (``SqlStore``).
    """

    def __init__(
        self,
        dsn: str,
        *,
        connect_timeout: int = 10,
        lock_timeout: float = 10.0,
        key: MasterKey | None = None,
        rotating_to: MasterKey | None = None,
    ) -> None:
        client = PostgresClient(dsn, connect_timeout=connect_timeout, lock_timeout=lock_timeout)
        self.where = client.where
        super().__init__(client, key, rotating_to=rotating_to)
