"""What one database supplies to ``SqlStore``: the connection, the transaction, the locking
and the translation of its errors.

Everything else (which rows a commit writes, the version check, how the outbox
is claimed, saved and requeued) is the same SQL for every database and lives
in ``careerconv_plugins.sql.store``. Statements are written once, with ``?``
placeholders; a dialect whose driver wants another style rewrites them in
``execute``. Upserts need nothing here: SQLite and PostgreSQL both read
``INSERT ... ON CONFLICT (...) DO UPDATE SET ... excluded...`` alike.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any, ClassVar, Protocol

from careerconv_plugins.sql.rows import RowCodec


class Rows(Protocol):
    """What a statement answers: its rows, and how many rows it changed."""

    @property
    def rowcount(self) -> int:
        """Rows changed by an INSERT, UPDATE or DELETE."""
        ...

    def fetchone(self) -> Any:
        """The next row, or None."""
        ...

    def fetchall(self) -> list[Any]:
        """The remaining rows."""
        ...


class Dialect(ABC):
    """One database under ``SqlStore``; subclasses own one connection each.

    ``SqlStore`` serializes every call with its own lock, so a dialect needs
    no locking of its own.
    """

    adapter: ClassVar[str]
    """The adapter name errors carry (``sqlite``, ``postgres``)."""

    claim_lock: ClassVar[str] = ""
    """Appended to the query that picks outbox entries to lease: how two claimers stay apart.

    Empty where the write transaction itself excludes other writers (SQLite's
    ``BEGIN IMMEDIATE``); ``FOR UPDATE ... SKIP LOCKED`` where rows are locked
    one by one (PostgreSQL), so a claimer skips what another is taking.
    """

    row_lock: ClassVar[str] = ""
    """Appended to a read inside a write transaction that the transaction's outcome depends on.

    Empty where the write transaction excludes other writers already (SQLite);
    ``FOR UPDATE`` where rows are locked one by one (PostgreSQL), so a second
    writer reading the same rows waits for the first and then sees its change.
    """

    @abstractmethod
    def is_duplicate_key(self, exc: Exception) -> bool:
        """Whether the driver's ``exc`` says an INSERT clashed with a unique key, and nothing else."""

    rows: ClassVar[RowCodec]
    """How this database carries instants, days and JSON lists."""

    where: str
    """The database for messages: a file name or ``host:port/dbname``, never a password."""

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        """Run one statement written with ``?`` placeholders."""

    @abstractmethod
    def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        """Run one statement once per parameter row."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """One write transaction: committed when the block ends, rolled back on any exception."""

    @abstractmethod
    def translated(self, action: str) -> AbstractContextManager[None]:
        """Turn the driver's exceptions raised inside into ``AdapterError`` naming ``action``."""

    @abstractmethod
    def scrub(self) -> None:
        """Rewrite the tables so that no freed page keeps text that was replaced (after sealing)."""

    @abstractmethod
    def close(self) -> None:
        """Close the connection; later calls raise ``AdapterError``. Closing twice is fine."""
