"""``SqliteStore``: the ``PlanStore`` port on one SQLite file.

Every write is one ``BEGIN IMMEDIATE`` transaction: a commit writes its
plans, due rows, people, outbox entries and cursors together or not at all,
and claiming the outbox takes the write lock first, so two dispatchers on
one file never lease the same entry. The file runs in WAL mode, so readers
do not wait for the writer; a writer waits up to ``busy_timeout`` for another.

``sqlite3`` exceptions never leave this module: a busy or locked database
becomes a retryable ``AdapterError``, anything else a non-retryable one.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from types import TracebackType

from careerconv_core.domain.cadence import DueItem
from careerconv_core.domain.people import Person
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.errors import (
    AdapterError,
    CareerconvError,
    ConcurrentChange,
    ConfigurationError,
    InvalidInput,
    NotFound,
)
from careerconv_core.outbox import OutboxEntry, OutboxStatus
from careerconv_core.ports import PlanChange
from careerconv_plugins.sqlite_store import mapping
from careerconv_plugins.sqlite_store.schema import migrate

ADAPTER = "sqlite"
_BUSY = {"SQLITE_BUSY", "SQLITE_LOCKED"}
_COLUMNS = ", ".join(mapping.OUTBOX_COLUMNS)
_PLACEHOLDERS = ", ".join("?" for _ in mapping.OUTBOX_COLUMNS)
_INSERT_OUTBOX = f"INSERT INTO outbox ({_COLUMNS}) VALUES ({_PLACEHOLDERS})"  # noqa: S608 - ours
_PENDING = OutboxStatus.PENDING.value
_SUPERSEDED = OutboxStatus.SUPERSEDED.value
_FAILED = OutboxStatus.FAILED.value


def _busy(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith(tuple(_BUSY)) or "locked" in str(exc)


class SqliteStore:
    """A ``PlanStore`` in the SQLite file at ``path`` (created and migrated on open).

    One connection, guarded by a lock, so one store may be shared by threads;
    separate processes open their own store on the same file.
    """

    def __init__(self, path: str | Path, *, busy_timeout: float = 5.0) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        try:
            conn = sqlite3.connect(
                self.path, isolation_level=None, timeout=busy_timeout, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise ConfigurationError(
                f"sqlite store: cannot open 'path' {str(self.path)!r} ({type(exc).__name__}); "
                "point it at a writable file in an existing folder"
            ) from exc
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            migrate(conn, repr(str(self.path)))
        except CareerconvError:
            conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            conn.close()
            if _busy(exc):
                raise AdapterError(
                    ADAPTER, f"{str(self.path)!r} is locked by another writer; try again",
                    retryable=True,
                ) from exc
            raise ConfigurationError(
                f"sqlite store: 'path' {str(self.path)!r} is not a usable careerconv database "
                f"({type(exc).__name__}); point it at a new file or a careerconv store"
            ) from exc
        self._conn: sqlite3.Connection | None = conn

    # ------------------------------------------------------------ plumbing
    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise AdapterError(ADAPTER, f"the store for {str(self.path)!r} is closed")
        return self._conn

    @contextmanager
    def _translated(self, action: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            if _busy(exc):
                raise AdapterError(
                    ADAPTER,
                    f"{action}: {str(self.path)!r} is locked by another writer; try again",
                    retryable=True,
                ) from exc
            # sqlite's own messages name tables and constraints, never values.
            raise AdapterError(
                ADAPTER, f"{action} failed on {str(self.path)!r}: {type(exc).__name__}: {exc}"
            ) from exc

    @contextmanager
    def _transaction(self, action: str) -> Iterator[sqlite3.Connection]:
        """One write transaction; rolled back on any exception, which is then translated."""
        with self._lock, self._translated(action):
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                # Also when COMMIT itself fails (busy): never leave a transaction open.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    @contextmanager
    def _reading(self, action: str) -> Iterator[sqlite3.Connection]:
        with self._lock, self._translated(action):
            yield self._connection()

    # -------------------------------------------------------------- commit
    def commit(self, change: PlanChange) -> None:
        """Write the whole change in one transaction; on any error write nothing.

        :raises ConcurrentChange: a plan's stored version is not ``version - 1``
            (or a plan with ``version == 1`` already exists).
        """
        # Serialize before taking the write lock: the transaction stays short.
        plans = [(mapping.plan_row(p), mapping.due_rows(p)) for p in change.plans]
        people = [mapping.person_row(p) for p in change.people]
        entries = [mapping.outbox_row(e) for e in change.outbox]
        with self._transaction("commit") as conn:
            self._write_plans(conn, plans)
            self._write_people(conn, people, change.removed_people)
            self._write_outbox(conn, entries)
            self._write_cursors(conn, change.cursors)

    def _write_plans(
        self,
        conn: sqlite3.Connection,
        plans: Sequence[tuple[mapping.PlanRow, list[mapping.DueRow]]],
    ) -> None:
        for row, dues in plans:
            plan_id, version = row[0], row[4]
            if version == 1:
                cur = conn.execute(
                    "INSERT INTO plans (id, report_id, manager_id, status, version, body) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                    row,
                )
            else:
                cur = conn.execute(
                    "UPDATE plans SET report_id = ?, manager_id = ?, status = ?, version = ?, "
                    "body = ? WHERE id = ? AND version = ?",
                    (*row[1:], plan_id, version - 1),
                )
            if cur.rowcount != 1:
                raise ConcurrentChange(plan_id, version - 1)
            conn.execute("DELETE FROM due WHERE plan_id = ?", (plan_id,))
            conn.executemany(
                "INSERT INTO due (plan_id, report_id, manager_id, kind, due) "
                "VALUES (?, ?, ?, ?, ?)",
                dues,
            )

    def _write_people(
        self,
        conn: sqlite3.Connection,
        people: Sequence[mapping.PersonRow],
        removed: Sequence[str],
    ) -> None:
        conn.executemany(
            "INSERT INTO people (id, manager_id, body) VALUES (?, ?, ?) ON CONFLICT (id) "
            "DO UPDATE SET manager_id = excluded.manager_id, body = excluded.body",
            people,
        )
        conn.executemany("DELETE FROM people WHERE id = ?", [(pid,) for pid in removed])

    def _write_outbox(
        self, conn: sqlite3.Connection, entries: Sequence[tuple[object, ...]]
    ) -> None:
        for n, row in enumerate(entries):
            if row[7] == _PENDING:
                # Coalescing: the newer entry carries the whole current view.
                conn.execute(
                    "UPDATE outbox SET status = ? WHERE key = ? AND channel = ? AND status = ?",
                    (_SUPERSEDED, row[1], row[2], _PENDING),
                )
            try:
                conn.execute(_INSERT_OUTBOX, row)
            except sqlite3.IntegrityError:
                raise InvalidInput(
                    f"outbox[{n}].id", "an id not yet in the outbox", f"duplicate id {row[0]!r}"
                ) from None

    def _write_cursors(self, conn: sqlite3.Connection, cursors: Sequence[tuple[str, str]]) -> None:
        conn.executemany(
            "INSERT INTO cursors (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            cursors,
        )

    # --------------------------------------------------------------- reads
    def load_plan(self, plan_id: str) -> CareerPlan:
        """The plan with this id, or ``NotFound``."""
        with self._reading("load plan") as conn:
            row = conn.execute("SELECT body FROM plans WHERE id = ?", (plan_id,)).fetchone()
        if row is None:
            raise NotFound("plan", plan_id)
        return mapping.plan_from_body(row[0])

    def find_plans(
        self, *, report_id: str | None = None, manager_id: str | None = None
    ) -> Sequence[CareerPlan]:
        """Plans for a report and/or a manager (all plans when both are None), by id."""
        where, args = _filters({"report_id": report_id, "manager_id": manager_id})
        with self._reading("find plans") as conn:
            rows = conn.execute(f"SELECT body FROM plans{where} ORDER BY id", args).fetchall()  # noqa: S608 - column names are ours
        return [mapping.plan_from_body(r[0]) for r in rows]

    def load_person(self, person_id: str) -> Person:
        """The person with this id, or ``NotFound``."""
        with self._reading("load person") as conn:
            row = conn.execute("SELECT body FROM people WHERE id = ?", (person_id,)).fetchone()
        if row is None:
            raise NotFound("person", person_id)
        return mapping.person_from_body(row[0])

    def list_people(self) -> Sequence[Person]:
        """Everyone known to the store, by id."""
        with self._reading("list people") as conn:
            rows = conn.execute("SELECT body FROM people ORDER BY id").fetchall()
        return [mapping.person_from_body(r[0]) for r in rows]

    def due_on(self, day: date, manager_id: str | None = None) -> Sequence[DueItem]:
        """What is due on or before ``day`` (overdue included), earliest first, from the index."""
        sql = "SELECT plan_id, report_id, manager_id, kind, due FROM due WHERE due <= ?"
        args: list[object] = [day.isoformat()]
        if manager_id is not None:
            sql += " AND manager_id = ?"
            args.append(manager_id)
        with self._reading("due on") as conn:
            rows = conn.execute(sql + " ORDER BY due, plan_id, kind", args).fetchall()
        return [mapping.due_item(r) for r in rows]

    def cursor(self, name: str) -> str | None:
        """A stored position (an HRIS poll cursor), or None."""
        with self._reading("read cursor") as conn:
            row = conn.execute("SELECT value FROM cursors WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    # -------------------------------------------------------------- outbox
    def claim_outbox(
        self, now: datetime, limit: int, lease_until: datetime
    ) -> Sequence[OutboxEntry]:
        """Pending entries due at ``now``, not leased, oldest first; leased until ``lease_until``.

        An entry is not claimed while another entry for the same key and
        channel is leased, so one thing is never delivered twice at once.
        """
        if limit <= 0:
            return []
        now_text, lease_text = mapping.utc_text(now), mapping.utc_text(lease_until)
        with self._transaction("claim outbox") as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM outbox c WHERE c.status = '{_PENDING}' "  # noqa: S608 - ours
                "AND c.next_attempt_at <= ? "
                "AND (c.lease_until IS NULL OR c.lease_until <= ?) "
                "AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.key = c.key "
                "AND x.channel = c.channel AND x.seq <> c.seq AND x.lease_until > ?) "
                "ORDER BY c.created_at, c.seq LIMIT ?",
                (now_text, now_text, now_text, limit),
            ).fetchall()
            conn.executemany(
                "UPDATE outbox SET lease_until = ? WHERE id = ?", [(lease_text, r[0]) for r in rows]
            )
        return [mapping.outbox_entry(r) for r in rows]

    def save_outbox(self, entries: Sequence[OutboxEntry]) -> None:
        """Write the new state of entries after a delivery attempt and end their lease.

        An entry superseded while it was out stays superseded unless it was
        delivered or failed: it is never put back in the queue behind its successor.
        """
        rows = [mapping.outbox_row(e) for e in entries]
        with self._transaction("save outbox") as conn:
            for row in rows:
                cur = conn.execute(
                    "UPDATE outbox SET next_attempt_at = ?, "
                    "status = CASE WHEN status = ? AND ? = ? THEN status ELSE ? END, "
                    "attempts = ?, delivered_to = ?, last_error = ?, lease_until = NULL "
                    "WHERE id = ?",
                    (row[6], _SUPERSEDED, row[7], _PENDING, row[7], *row[8:11], row[0]),
                )
                if cur.rowcount != 1:
                    raise NotFound("outbox entry", str(row[0]))

    def outbox(self, statuses: Sequence[str] | None = None) -> Sequence[OutboxEntry]:
        """Entries, oldest first, optionally only those with the given status values."""
        sql = f"SELECT {_COLUMNS} FROM outbox"  # noqa: S608 - column names are ours
        args: list[str] = []
        if statuses is not None:
            if not statuses:
                return []
            args = [OutboxStatus(s).value for s in statuses]
            sql += f" WHERE status IN ({', '.join('?' for _ in args)})"
        with self._reading("read outbox") as conn:
            rows = conn.execute(sql + " ORDER BY created_at, seq", args).fetchall()
        return [mapping.outbox_entry(r) for r in rows]

    def requeue(self, entry_ids: Sequence[str] | None = None, *, now: datetime) -> int:
        """Put failed entries (all, or those in ``entry_ids``) back in the queue at ``now``.

        Attempts start again from zero; adapters that already took an entry
        keep it in ``delivered_to``. A failed entry with a newer entry for the
        same key and channel is marked superseded instead: its view is stale.
        Returns how many entries are pending again.
        """
        now_text = mapping.utc_text(now)
        ids: list[tuple[str, ...]] = [()] if entry_ids is None else [(i,) for i in entry_ids]
        only = "" if entry_ids is None else " AND id = ?"
        count = 0
        with self._transaction("requeue outbox") as conn:
            for args in ids:
                conn.execute(
                    f"UPDATE outbox SET status = '{_SUPERSEDED}', lease_until = NULL "  # noqa: S608 - constants
                    f"WHERE status = '{_FAILED}'{only} AND EXISTS (SELECT 1 FROM outbox n "
                    "WHERE n.key = outbox.key AND n.channel = outbox.channel "
                    "AND n.seq > outbox.seq)",
                    args,
                )
                cur = conn.execute(
                    f"UPDATE outbox SET status = '{_PENDING}', attempts = 0, next_attempt_at = ?, "  # noqa: S608 - constants
                    f"last_error = '', lease_until = NULL WHERE status = '{_FAILED}'{only}",
                    (now_text, *args),
                )
                count += cur.rowcount
        return count

    # ----------------------------------------------------------- lifecycle
    def close(self) -> None:
        """Close the connection; later calls raise ``AdapterError``. Closing twice is fine."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _filters(values: Mapping[str, str | None]) -> tuple[str, list[str]]:
    """`` WHERE a = ? AND b = ?`` for the values that are not None."""
    used = [(name, value) for name, value in values.items() if value is not None]
    if not used:
        return "", []
    return " WHERE " + " AND ".join(f"{name} = ?" for name, _ in used), [v for _, v in used]
