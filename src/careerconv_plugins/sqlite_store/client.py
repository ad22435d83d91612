"""The SQLite dialect of ``SqlStore``: one file, one connection, errors translated here.

Every write is one ``BEGIN IMMEDIATE`` transaction, which takes the file's
write lock first: so claiming the outbox needs no row locks, two
dispatchers on one file simply take turns. The file runs in WAL mode, so
readers do not wait for the writer; a writer waits up to ``busy_timeout``
for another.

``sqlite3`` exceptions never leave this module: a busy or locked database
becomes a retryable ``AdapterError``, anything else a non-retryable one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from careerconv_core.errors import AdapterError, CareerconvError, ConfigurationError
from careerconv_plugins.sql.dialect import Dialect, Rows
from careerconv_plugins.sqlite_store import mapping
from careerconv_plugins.sqlite_store.schema import migrate

ADAPTER = "sqlite"
_BUSY = ("SQLITE_BUSY", "SQLITE_LOCKED")


def _busy(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith(_BUSY) or "locked" in str(exc)


class SqliteClient(Dialect):
    """The SQLite file at ``path``, opened (created if missing) and migrated."""

    adapter = ADAPTER
    rows = mapping.ROWS

    def is_duplicate_key(self, exc: Exception) -> bool:
        """A primary-key or unique clash; NOT NULL, CHECK and foreign keys are other errors."""
        return isinstance(exc, sqlite3.IntegrityError) and getattr(exc, "sqlite_errorname", "") in (
            "SQLITE_CONSTRAINT_PRIMARYKEY",
            "SQLITE_CONSTRAINT_UNIQUE",
        )

    def __init__(self, path: Path, *, busy_timeout: float = 5.0) -> None:
        self.path = path
        self.where = repr(str(path))
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout, check_same_thread=False)
        except sqlite3.Error as exc:
            raise ConfigurationError(
                f"sqlite store: cannot open 'path' {self.where} ({type(exc).__name__}); "
                "point it at a writable file in an existing folder"
            ) from exc
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn, self.where)
        except CareerconvError:
            conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            conn.close()
            if _busy(exc):
                raise AdapterError(
                    ADAPTER, f"{self.where} is locked by another writer; try again", retryable=True
                ) from exc
            raise ConfigurationError(
                f"sqlite store: 'path' {self.where} is not a usable careerconv database "
                f"({type(exc).__name__}); point it at a new file or a careerconv store"
            ) from exc
        self._conn: sqlite3.Connection | None = conn

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise AdapterError(ADAPTER, f"the store for {self.where} is closed")
        return self._conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        """Run one statement (SQLite reads ``?`` placeholders as they are)."""
        return self._connection().execute(sql, params)

    def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        """Run one statement once per parameter row."""
        self._connection().executemany(sql, params)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``: the write lock is taken before anything is read."""
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            conn.execute("COMMIT")
        except BaseException:
            # Also when COMMIT itself fails (busy): never leave a transaction open.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    @contextmanager
    def translated(self, action: str) -> Iterator[None]:
        """A busy or locked file is retryable; any other ``sqlite3`` error is not."""
        try:
            yield
        except sqlite3.Error as exc:
            if _busy(exc):
                raise AdapterError(
                    ADAPTER,
                    f"{action}: {self.where} is locked by another writer; try again",
                    retryable=True,
                ) from exc
            # sqlite's own messages name tables and constraints, never values.
            raise AdapterError(
                ADAPTER, f"{action} failed on {self.where}: {type(exc).__name__}: {exc}"
            ) from exc

    def close(self) -> None:
        """Close the connection; later calls raise ``AdapterError``. Closing twice is fine."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
