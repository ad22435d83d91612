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

import contextlib
import errno
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from careerconv_core.errors import AdapterError, CareerconvError, ConfigurationError
from careerconv_plugins.files import remove_stale_temporaries, temporary_prefix
from careerconv_plugins.sql.dialect import Dialect, Rows
from careerconv_plugins.sqlite_store import mapping
from careerconv_plugins.sqlite_store.schema import migrate

ADAPTER = "sqlite"
_BUSY = ("SQLITE_BUSY", "SQLITE_LOCKED")


def _busy(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith(_BUSY) or "locked" in str(exc)


def _create_private(path: Path, where: str) -> None:
    """Create a missing store file, readable by its owner only, never seen empty.

    The new file is made beside the target (``mkstemp``: mode 0600), given
    SQLite's header there, and linked into place only then: so a 0-byte store
    file is always a damaged one, never one being created. SQLite gives its
    ``-wal``, ``-shm`` and ``-journal`` files the mode of the database file, so
    they are owner-only too. An existing file keeps its mode.
    """
    if path.exists() or path.is_symlink():
        return
    remove_stale_temporaries(path.parent)  # a creation killed before its cleanup ran
    try:
        fd, temp = tempfile.mkstemp(prefix=temporary_prefix(path.name), suffix=".new", dir=path.parent)
    except OSError as exc:
        raise open_error(where, exc, creating=True) from None
    os.close(fd)
    try:
        conn = sqlite3.connect(temp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")  # writes the header: the file is no longer empty
        finally:
            conn.close()
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile: theirs stays
            os.link(temp, path)
    except sqlite3.Error as exc:
        raise sqlite_open_error(where, exc) from exc
    except OSError as exc:
        raise open_error(where, exc, creating=True) from None
    finally:
        for leftover in (temp, f"{temp}-wal", f"{temp}-shm"):
            Path(leftover).unlink(missing_ok=True)


_WRITE_ACCESS = "give your user write access to the file and its folder, or point 'path' at a writable place"


def open_error(where: str, exc: OSError, *, creating: bool = False) -> CareerconvError:
    """What went wrong with the file system when the store was opened, and the fix.

    A full disk is retryable; it is never reported as a damaged store.
    """
    what = "create" if creating else "open"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return AdapterError(
            ADAPTER,
            f"cannot {what} the store {where}: the disk is full; free some space and try again",
            retryable=True,
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = "the file system is read-only" if exc.errno == errno.EROFS else "no permission"
        return ConfigurationError(f"sqlite store: cannot {what} {where} ({reason}); {_WRITE_ACCESS}")
    return ConfigurationError(
        f"sqlite store: cannot {what} {where} ({exc.strerror or type(exc).__name__}); "
        "point 'path' at a file in an existing, writable folder"
    )


def sqlite_open_error(where: str, exc: sqlite3.Error) -> CareerconvError:
    """An ``sqlite3`` error while opening the store, told by SQLite's own error code.

    Only a file that is not an SQLite database, or is damaged, is called
    unusable: a read-only file or folder, a full disk or an I/O error is what it is.
    """
    name = getattr(exc, "sqlite_errorname", "") or ""
    if _busy(exc):
        return AdapterError(ADAPTER, f"{where} is locked by another writer; try again", retryable=True)
    if name.startswith("SQLITE_FULL"):
        return AdapterError(
            ADAPTER,
            f"cannot write the store {where}: the disk is full; free some space and try again",
            retryable=True,
        )
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
        return ConfigurationError(
            f"sqlite store: cannot write {where} or its -wal and -shm files beside it "
            f"(read-only or no permission, {name}); {_WRITE_ACCESS}"
        )
    if name.startswith("SQLITE_IOERR"):
        return AdapterError(
            ADAPTER,
            f"cannot read or write the store {where}: an I/O error ({name}); check the disk",
            retryable=True,
        )
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return ConfigurationError(
            f"sqlite store: 'path' {where} is not a usable careerconv database "
            f"({name}: not one, or damaged); "
            "restore it from a backup, or point 'path' at a new file"
        )
    return ConfigurationError(
        f"sqlite store: cannot open {where} ({name or type(exc).__name__}: {exc}); "
        "check the file and its folder"
    )


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
        if path.is_dir():
            raise ConfigurationError(
                f"sqlite store: 'path' {self.where} is a folder; point it at a file in that folder"
            )
        _create_private(path, self.where)
        try:
            if path.stat().st_size == 0:  # never made by careerconv (see _create_private): refused
                raise ConfigurationError(
                    f"sqlite store: 'path' {self.where} is an empty file (0 bytes), not a careerconv "
                    "store; restore the store from a backup, or delete the empty file to start a new one"
                )
        except OSError as exc:
            raise open_error(self.where, exc) from None
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout, check_same_thread=False)
        except sqlite3.Error as exc:
            raise sqlite_open_error(self.where, exc) from exc
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            # Deleted and replaced content is overwritten with zeros, not left in free pages.
            conn.execute("PRAGMA secure_delete = ON")
            migrate(conn, self.where)
        except CareerconvError:
            conn.close()
            raise
        except sqlite3.Error as exc:
            conn.close()
            raise sqlite_open_error(self.where, exc) from exc
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

    def scrub(self) -> None:
        """``VACUUM`` the file and empty the WAL: the clear text replaced by sealing is gone from both."""
        conn = self._connection()
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        """Close the connection; later calls raise ``AdapterError``. Closing twice is fine."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
