"""``PostgresStore``: the ``PlanStore`` port on PostgreSQL (psycopg 3).

Every write is one transaction. Optimistic versioning is a conditional
``UPDATE ... WHERE version = n - 1``: of two writers of one plan, the second
waits on the row lock, then finds the version moved and gets
``ConcurrentChange``. ``claim_outbox`` leases rows picked with
``FOR UPDATE SKIP LOCKED``, so dispatchers in several processes never take
the same entry.

psycopg exceptions never leave this module. A lost connection, a lock or
statement timeout, a serialization failure or a deadlock become a retryable
``AdapterError`` (the next call reconnects); anything else a non-retryable
one. Messages name the server and database, never the DSN (it may hold a
password) and never row contents.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from types import TracebackType

import psycopg
from psycopg import conninfo, errors
from psycopg.rows import TupleRow

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
from careerconv_plugins.postgres_store import mapping
from careerconv_plugins.postgres_store.schema import migrate

ADAPTER = "postgres"
Connection = psycopg.Connection[TupleRow]

_COLUMNS = ", ".join(mapping.OUTBOX_COLUMNS)
_INSERT_OUTBOX = (
    f"INSERT INTO outbox ({_COLUMNS}) "  # noqa: S608 - column names are ours
    f"VALUES ({', '.join('%s' for _ in mapping.OUTBOX_COLUMNS)})"
)
_PENDING = OutboxStatus.PENDING.value
_SUPERSEDED = OutboxStatus.SUPERSEDED.value
_FAILED = OutboxStatus.FAILED.value

# Picks due, unleased, pending rows nobody else holds; skips rows another
# transaction has locked instead of waiting for them; then leases them.
_CLAIM = (
    "UPDATE outbox SET lease_until = %(lease)s WHERE seq IN ("  # noqa: S608 - ours
    f"SELECT c.seq FROM outbox c WHERE c.status = '{_PENDING}' AND c.next_attempt_at <= %(now)s "
    "AND (c.lease_until IS NULL OR c.lease_until <= %(now)s) "
    "AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.key = c.key AND x.channel = c.channel "
    "AND x.seq <> c.seq AND x.lease_until > %(now)s) "
    "ORDER BY c.created_at, c.seq LIMIT %(limit)s FOR UPDATE SKIP LOCKED) "
    f"RETURNING seq, {_COLUMNS}"
)


_SAVE = (
    "UPDATE outbox o SET next_attempt_at = v.next_attempt_at, "  # noqa: S608 - ours
    f"status = CASE WHEN o.status = '{_SUPERSEDED}' AND v.status = '{_PENDING}' "
    "THEN o.status ELSE v.status END, attempts = v.attempts, "
    "delivered_to = v.delivered_to::jsonb, last_error = v.last_error, lease_until = NULL "
    "FROM unnest(%s::text[], %s::timestamptz[], %s::text[], %s::int[], %s::text[], %s::text[]) "
    "AS v (id, next_attempt_at, status, attempts, delivered_to, last_error) "
    "WHERE o.id = v.id RETURNING o.id"
)


def describe_dsn(dsn: str) -> str:
    """``host:port/dbname`` for messages: never the password or the whole DSN."""
    try:
        parts = conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "(an unparsable dsn)"
    host = str(parts.get("host") or parts.get("hostaddr") or "localhost")
    port = str(parts.get("port") or "5432")
    return f"{host}:{port}/{parts.get('dbname') or parts.get('user') or '?'}"


class PostgresStore:
    """A ``PlanStore`` in the PostgreSQL database at ``dsn`` (migrated on open).

    One connection, guarded by a lock, so one store may be shared by threads;
    each dispatcher process opens its own store. A write that waits longer
    than ``lock_timeout`` seconds for another's row lock fails with a
    retryable ``AdapterError``.
    """

    def __init__(self, dsn: str, *, connect_timeout: int = 10, lock_timeout: float = 10.0) -> None:
        self._dsn = dsn
        self._connect_timeout = connect_timeout
        self._lock_timeout_ms = max(1, int(lock_timeout * 1000))
        self.where = describe_dsn(dsn)
        self._lock = threading.RLock()
        self._closed = False
        self._conn: Connection | None = None
        with self._lock, self._translated("open"):
            try:
                migrate(self._connection(), self.where)
            except CareerconvError:
                self.close()
                raise

    # ------------------------------------------------------------ plumbing
    def _connect(self) -> Connection:
        try:
            conn = psycopg.connect(
                self._dsn, autocommit=True, connect_timeout=self._connect_timeout
            )
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

    def _connection(self) -> Connection:
        if self._closed:
            raise AdapterError(ADAPTER, f"the store for {self.where} is closed")
        if self._conn is None or self._conn.closed or self._conn.broken:
            if self._conn is not None:
                self._conn.close()
            self._conn = None
            self._conn = self._connect()
        return self._conn

    @contextmanager
    def _translated(self, action: str) -> Iterator[None]:
        try:
            yield
        except errors.UniqueViolation as exc:
            raise AdapterError(
                ADAPTER, f"{action} on {self.where}: a duplicate id (SQLSTATE {exc.sqlstate})"
            ) from exc
        except psycopg.OperationalError as exc:
            # Connection loss, timeouts, lock waits, serialization failures,
            # deadlocks: all may pass on a later try.
            reason = "the connection failed or was lost" if exc.sqlstate is None else (
                f"{type(exc).__name__} (SQLSTATE {exc.sqlstate})"
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

    @contextmanager
    def _transaction(self, action: str) -> Iterator[Connection]:
        """One transaction; rolled back on any exception, which is then translated."""
        with self._lock, self._translated(action):
            conn = self._connection()
            with conn.transaction():
                yield conn

    @contextmanager
    def _reading(self, action: str) -> Iterator[Connection]:
        with self._lock, self._translated(action):
            yield self._connection()

    # -------------------------------------------------------------- commit
    def commit(self, change: PlanChange) -> None:
        """Write the whole change in one transaction; on any error write nothing.

        :raises ConcurrentChange: a plan's stored version is not ``version - 1``
            (or a plan with ``version == 1`` already exists).
        """
        plans = [(mapping.plan_row(p), mapping.due_rows(p)) for p in change.plans]
        people = [mapping.person_row(p) for p in change.people]
        entries = [mapping.outbox_row(e) for e in change.outbox]
        with self._transaction("commit") as conn:
            self._write_plans(conn, plans)
            self._write_people(conn, people, change.removed_people)
            self._write_outbox(conn, entries)
            self._write_cursors(conn, change.cursors)

    def _write_plans(
        self, conn: Connection, plans: Sequence[tuple[mapping.PlanRow, list[mapping.DueRow]]]
    ) -> None:
        with conn.cursor() as cur:
            for row, dues in plans:
                plan_id, version = row[0], row[4]
                if version == 1:
                    cur.execute(
                        "INSERT INTO plans (id, report_id, manager_id, status, version, body) "
                        "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                        row,
                    )
                else:
                    cur.execute(
                        "UPDATE plans SET report_id = %s, manager_id = %s, status = %s, "
                        "version = %s, body = %s WHERE id = %s AND version = %s",
                        (*row[1:], plan_id, version - 1),
                    )
                if cur.rowcount != 1:
                    raise ConcurrentChange(plan_id, version - 1)
                cur.execute("DELETE FROM due WHERE plan_id = %s", (plan_id,))
                if dues:
                    cur.executemany(
                        "INSERT INTO due (plan_id, report_id, manager_id, kind, due) "
                        "VALUES (%s, %s, %s, %s, %s)",
                        dues,
                    )

    def _write_people(
        self, conn: Connection, people: Sequence[mapping.PersonRow], removed: Sequence[str]
    ) -> None:
        with conn.cursor() as cur:
            if people:
                cur.executemany(
                    "INSERT INTO people (id, manager_id, body) VALUES (%s, %s, %s) "
                    "ON CONFLICT (id) DO UPDATE SET manager_id = excluded.manager_id, "
                    "body = excluded.body",
                    people,
                )
            if removed:
                cur.execute("DELETE FROM people WHERE id = ANY(%s)", (list(removed),))

    def _write_outbox(self, conn: Connection, entries: Sequence[tuple[object, ...]]) -> None:
        if not entries:
            return
        with conn.cursor() as cur:
            ids = [str(row[0]) for row in entries]
            taken = cur.execute("SELECT id FROM outbox WHERE id = ANY(%s)", (ids,)).fetchall()
            if taken:
                n = ids.index(str(taken[0][0]))
                raise InvalidInput(
                    f"outbox[{n}].id", "an id not yet in the outbox", f"duplicate id {ids[n]!r}"
                )
            for row in entries:
                if row[7] == _PENDING:
                    # Coalescing: the newer entry carries the whole current view.
                    cur.execute(
                        "UPDATE outbox SET status = %s WHERE key = %s AND channel = %s "
                        "AND status = %s",
                        (_SUPERSEDED, row[1], row[2], _PENDING),
                    )
                cur.execute(_INSERT_OUTBOX, row)

    def _write_cursors(self, conn: Connection, cursors: Sequence[tuple[str, str]]) -> None:
        if cursors:
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO cursors (name, value) VALUES (%s, %s) "
                    "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    cursors,
                )

    # --------------------------------------------------------------- reads
    def load_plan(self, plan_id: str) -> CareerPlan:
        """The plan with this id, or ``NotFound``."""
        with self._reading("load plan") as conn:
            row = conn.execute("SELECT body FROM plans WHERE id = %s", (plan_id,)).fetchone()
        if row is None:
            raise NotFound("plan", plan_id)
        return mapping.plan_from_body(str(row[0]))

    def find_plans(
        self, *, report_id: str | None = None, manager_id: str | None = None
    ) -> Sequence[CareerPlan]:
        """Plans for a report and/or a manager (all plans when both are None), by id."""
        # Only the filters given, so that the planner can use their indexes.
        pairs = (("report_id", report_id), ("manager_id", manager_id))
        used = [(column, value) for column, value in pairs if value is not None]
        where = " AND ".join(f"{column} = %s" for column, _ in used)
        sql = "SELECT body FROM plans" + (f" WHERE {where}" if where else "") + " ORDER BY id"  # noqa: S608 - our column names
        with self._reading("find plans") as conn:
            rows = conn.execute(sql.encode(), [v for _, v in used]).fetchall()
        return [mapping.plan_from_body(str(r[0])) for r in rows]

    def load_person(self, person_id: str) -> Person:
        """The person with this id, or ``NotFound``."""
        with self._reading("load person") as conn:
            row = conn.execute("SELECT body FROM people WHERE id = %s", (person_id,)).fetchone()
        if row is None:
            raise NotFound("person", person_id)
        return mapping.person_from_body(str(row[0]))

    def list_people(self) -> Sequence[Person]:
        """Everyone known to the store, by id."""
        with self._reading("list people") as conn:
            rows = conn.execute("SELECT body FROM people ORDER BY id").fetchall()
        return [mapping.person_from_body(str(r[0])) for r in rows]

    def due_on(self, day: date, manager_id: str | None = None) -> Sequence[DueItem]:
        """What is due on or before ``day`` (overdue included), earliest first, from the index."""
        with self._reading("due on") as conn:
            if manager_id is None:
                rows = conn.execute(
                    "SELECT plan_id, report_id, manager_id, kind, due FROM due "
                    "WHERE due <= %s ORDER BY due, plan_id, kind",
                    (day,),
                ).fetchall()
            else:
                rows = conn.execute(
                    "SELECT plan_id, report_id, manager_id, kind, due FROM due "
                    "WHERE manager_id = %s AND due <= %s ORDER BY due, plan_id, kind",
                    (manager_id, day),
                ).fetchall()
        return [mapping.due_item(r) for r in rows]

    def cursor(self, name: str) -> str | None:
        """A stored position (an HRIS poll cursor), or None."""
        with self._reading("read cursor") as conn:
            row = conn.execute("SELECT value FROM cursors WHERE name = %s", (name,)).fetchone()
        return None if row is None else str(row[0])

    # -------------------------------------------------------------- outbox
    def claim_outbox(
        self, now: datetime, limit: int, lease_until: datetime
    ) -> Sequence[OutboxEntry]:
        """Pending entries due at ``now``, not leased, oldest first; leased until ``lease_until``.

        Rows another dispatcher is claiming are skipped, not waited for. An
        entry is not claimed while another entry for the same key and channel
        is leased, so one thing is never delivered twice at once.
        """
        if limit <= 0:
            return []
        params = {
            "lease": mapping.aware(lease_until), "now": mapping.aware(now),
            "limit": limit,
        }
        with self._transaction("claim outbox") as conn:
            rows = conn.execute(_CLAIM, params).fetchall()
        rows.sort(key=lambda r: (r[6], r[0]))  # RETURNING has no order: oldest first
        return [mapping.outbox_entry(r[1:]) for r in rows]

    def save_outbox(self, entries: Sequence[OutboxEntry]) -> None:
        """Write the new state of entries after a delivery attempt and end their lease.

        An entry superseded while it was out stays superseded unless it was
        delivered or failed: it is never put back in the queue behind its successor.
        """
        if not entries:
            return
        rows = [mapping.outbox_row(e) for e in entries]
        # Lists, not tuples: psycopg sends a list as an array, a tuple as a record.
        columns = [list(column) for column in zip(*(
            (r[0], r[6], r[7], r[8], json.dumps(list(e.delivered_to)), r[10])
            for r, e in zip(rows, entries, strict=True)
        ), strict=True)]
        with self._transaction("save outbox") as conn:
            # One statement for the whole batch: one round trip, not one per entry.
            saved = conn.execute(_SAVE, columns).fetchall()
            missing = {str(r[0]) for r in rows} - {str(r[0]) for r in saved}
            if missing:
                raise NotFound("outbox entry", sorted(missing)[0])

    def outbox(self, statuses: Sequence[str] | None = None) -> Sequence[OutboxEntry]:
        """Entries, oldest first, optionally only those with the given status values."""
        with self._reading("read outbox") as conn:
            if statuses is None:
                rows = conn.execute(
                    f"SELECT {_COLUMNS} FROM outbox ORDER BY created_at, seq"  # noqa: S608 - ours
                ).fetchall()
            else:
                wanted = [OutboxStatus(s).value for s in statuses]
                rows = conn.execute(
                    f"SELECT {_COLUMNS} FROM outbox WHERE status = ANY(%s) "  # noqa: S608 - ours
                    "ORDER BY created_at, seq",
                    (wanted,),
                ).fetchall()
        return [mapping.outbox_entry(r) for r in rows]

    def requeue(self, entry_ids: Sequence[str] | None = None, *, now: datetime) -> int:
        """Put failed entries (all, or those in ``entry_ids``) back in the queue at ``now``.

        Attempts start again from zero; adapters that already took an entry
        keep it in ``delivered_to``. A failed entry with a newer entry for the
        same key and channel is marked superseded instead: its view is stale.
        Returns how many entries are pending again.
        """
        params = {
            "ids": None if entry_ids is None else list(entry_ids), "now": mapping.aware(now),
            "failed": _FAILED, "pending": _PENDING, "superseded": _SUPERSEDED,
        }
        chosen = "status = %(failed)s AND (%(ids)s::text[] IS NULL OR id = ANY(%(ids)s))"
        with self._transaction("requeue outbox") as conn:
            conn.execute(
                f"UPDATE outbox o SET status = %(superseded)s, lease_until = NULL WHERE {chosen} "  # noqa: S608 - ours
                "AND EXISTS (SELECT 1 FROM outbox n WHERE n.key = o.key "
                "AND n.channel = o.channel AND n.seq > o.seq)",
                params,
            )
            cur = conn.execute(
                "UPDATE outbox SET status = %(pending)s, attempts = 0, "  # noqa: S608 - ours
                f"next_attempt_at = %(now)s, last_error = '', lease_until = NULL WHERE {chosen}",
                params,
            )
            return cur.rowcount

    # ----------------------------------------------------------- lifecycle
    def close(self) -> None:
        """Close the connection; later calls raise ``AdapterError``. Closing twice is fine."""
        with self._lock:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
