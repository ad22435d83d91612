"""The PostgreSQL dialect of ``SqlStore`` (psycopg 3): connection, locks, errors translated here.

Of two writers of one plan, the second waits on the row lock of the
conditional ``UPDATE``, then finds the version moved. Claiming picks outbox
rows with ``FOR UPDATE ... SKIP LOCKED``, so dispatchers in several
processes never take the same entry and never wait for each other.

psycopg exceptions never leave this module. A lost connection, a lock or
statement timeout, a serialization failure or a deadlock become a retryable
``AdapterError`` (the next call reconnects); anything else a non-retryable
one. Messages name the server and database, never the DSN (it may hold a
password) and never row contents.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import conninfo, errors
from psycopg.rows import TupleRow

from careerconv_core.errors import AdapterError, CareerconvError, ConfigurationError
from careerconv_plugins.postgres_store import mapping
from careerconv_plugins.postgres_store.schema import migrate
from careerconv_plugins.sql.dialect import Dialect, Rows

ADAPTER = "postgres"
Connection = psycopg.Connection[TupleRow]


def describe_dsn(dsn: str) -> str:
    """``host:port/dbname`` for messages: never the password or the whole DSN."""
    try:
        parts = conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "(an unparsable dsn)"
    host = str(parts.get("host") or parts.get("hostaddr") or "localhost")
    port = str(parts.get("port") or "5432")
    return f"{host}:{port}/{parts.get('dbname') or parts.get('user') or '?'}"


@functools.lru_cache(maxsize=256)
def _query(sql: str) -> bytes:
    """``sql`` with psycopg's ``%s`` placeholders for ``?`` (our statements hold no other ``?`` or ``%``)."""
    return sql.replace("?", "%s").encode()


class PostgresClient(Dialect):
    """The PostgreSQL database at ``dsn``, migrated on open; connects again after a loss."""

    adapter = ADAPTER
    # OF c: only the outbox rows being claimed are locked, not those the
    # NOT EXISTS test reads.
    claim_lock = " FOR UPDATE OF c SKIP LOCKED"
    row_lock = " FOR UPDATE"
    rows = mapping.ROWS

    def is_duplicate_key(self, exc: Exception) -> bool:
        """A unique or primary-key clash (SQLSTATE 23505), and no other integrity error."""
        return isinstance(exc, errors.UniqueViolation)

    def __init__(self, dsn: str, *, connect_timeout: int = 10, lock_timeout: float = 10.0) -> None:
        self._dsn = dsn
        self._connect_timeout = connect_timeout
        self._lock_timeout_ms = max(1, int(lock_timeout * 1000))
        self.where = describe_dsn(dsn)
        self._closed = False
        self._conn: Connection | None = None
        with self.translated("open"):
            try:
                migrate(self.connection(), self.where)
            except CareerconvError:
                self.close()
                raise

    def _connect(self) -> Connection:
        try:
            conn = psycopg.connect(self._dsn, autocommit=True, connect_timeout=self._connect_timeout)
        except psycopg.ProgrammingError as exc:  # a malformed dsn
            raise ConfigurationError(
                f"postgres store: the dsn is not valid ({type(exc).__name__}); check 'dsn' "
                "or the variable named by 'dsn_env'"
            ) from None
        except psycopg.OperationalError as exc:
            # A refused login or a missing database will not pass by retrying.
            text = str(exc)
            if "authentication failed" in text or "does not exist" in text:
                raise ConfigurationError(
                    f"postgres store: {self.where} refused the login or has no such database; "
                    "check the user, password and dbname in the dsn"
                ) from None
            raise
        # Timestamps come back in UTC whatever the server's default zone is.
        conn.execute("SET TIME ZONE 'UTC'")
        # A writer stuck behind another's row lock gives up (retryably) instead of hanging.
        conn.execute(f"SET lock_timeout = {self._lock_timeout_ms}".encode())
        return conn

    def connection(self) -> Connection:
        """The open connection; a new one when the last was lost."""
        if self._closed:
            raise AdapterError(ADAPTER, f"the store for {self.where} is closed")
        if self._conn is None or self._conn.closed or self._conn.broken:
            if self._conn is not None:
                self._conn.close()
            self._conn = None
            self._conn = self._connect()
        return self._conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        """Run one statement, its ``?`` placeholders read as ``%s``."""
        return self.connection().execute(_query(sql), params)

    def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        """Run one statement once per parameter row (pipelined by psycopg: one round trip)."""
        with self.connection().cursor() as cur:
            cur.executemany(_query(sql), params)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """``BEGIN`` ... ``COMMIT`` on this connection; rolled back on any exception."""
        with self.connection().transaction():
            yield

    @contextmanager
    def translated(self, action: str) -> Iterator[None]:
        """Operational failures are retryable; other driver errors name only class and SQLSTATE."""
        try:
            yield
        except errors.UniqueViolation as exc:
            raise AdapterError(
                ADAPTER, f"{action} on {self.where}: a duplicate id (SQLSTATE {exc.sqlstate})"
            ) from exc
        except psycopg.OperationalError as exc:
            # Connection loss, timeouts, lock waits, serialization failures,
            # deadlocks: all may pass on a later try.
            reason = (
                "the connection failed or was lost"
                if exc.sqlstate is None
                else (f"{type(exc).__name__} (SQLSTATE {exc.sqlstate})")
            )
            raise AdapterError(
                ADAPTER, f"{action} on {self.where}: {reason}; try again", retryable=True
            ) from exc
        except psycopg.Error as exc:
            # Only the class and SQLSTATE: server messages may quote values.
            raise AdapterError(
                ADAPTER,
                f"{action} on {self.where} failed: {type(exc).__name__} (SQLSTATE {exc.sqlstate})",
            ) from exc

    def scrub(self) -> None:
        """``VACUUM FULL`` the sealed tables: their clear-text row versions go with the old files.

        The write-ahead log and backups made before keep what they held.
        """
        conn = self.connection()
        # people and plan_keys too: a removed person's row and a destroyed key are gone from the heap.
        for table in ("plans", "outbox", "people", "plan_keys", "due"):
            conn.execute(f"VACUUM FULL {table}".encode())

    def close(self) -> None:
        """Close the connection; later calls raise ``AdapterError``. Closing twice is fine."""
        self._closed = True
        if self._conn is not None:
            self._conn.close()
            self._conn = None
