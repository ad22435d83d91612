"""``SqlStore``: the ``PlanStore`` port on a SQL database, written once for every dialect.

A ``commit`` is one transaction: its plans (each behind an optimistic version
check: a conditional ``UPDATE ... WHERE version = n - 1``), due rows, people,
outbox entries and cursors are written together or not at all. A pending
outbox entry supersedes the pending one for the same key and channel.
Claiming leases entries, oldest first, never two for one key and channel at
once; saving ends the lease; requeueing puts failed entries back.

The database itself (the connection, how a transaction begins, how two
claimers are kept apart, how driver errors read) is the ``Dialect`` given;
driver exceptions never leave it untranslated.

Given a master key, the store is sealed (``sealing``, ``keys``): plan bodies
and outbox payloads are written encrypted under each plan's data key and
opened on read; the columns the queries need (ids, status, version, the due
index, the outbox's state) stay clear, so ``due_on`` and claiming never
decrypt anything.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any, Self

from careerconv_core import disclosures
from careerconv_core.domain.cadence import DueItem
from careerconv_core.domain.people import Person
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.errors import (
    BookingsChanged,
    ConcurrentChange,
    ConfigurationError,
    InvalidInput,
    NotFound,
)
from careerconv_core.outbox import Channel, OutboxEntry, OutboxStatus
from careerconv_core.ports import PlanChange
from careerconv_plugins.sql import audit, keys, rows
from careerconv_plugins.sql.dialect import Dialect
from careerconv_plugins.sql.rights import PrivacyRights
from careerconv_plugins.sql.sealing import MasterKey, Sealer, seal

_PENDING = OutboxStatus.PENDING.value
_SUPERSEDED = OutboxStatus.SUPERSEDED.value
_FAILED = OutboxStatus.FAILED.value
_COLUMNS = ", ".join(rows.OUTBOX_COLUMNS)
_CHUNK = 500  # ids per IN list: far below every database's limit on parameters

# Our own column names and status constants only: no value is ever formatted into SQL.
_INSERT_PLAN = (
    f"INSERT INTO plans ({', '.join(rows.PLAN_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?) "  # noqa: S608 - ours
    "ON CONFLICT (id) DO NOTHING"
)
_UPDATE_PLAN = (
    "UPDATE plans SET report_id = ?, manager_id = ?, status = ?, version = ?, body = ? "
    "WHERE id = ? AND version = ?"
)
_INSERT_DUE = f"INSERT INTO due ({', '.join(rows.DUE_COLUMNS)}) VALUES (?, ?, ?, ?, ?)"  # noqa: S608 - ours
_SELECT_DUE = f"SELECT {', '.join(rows.DUE_COLUMNS)} FROM due WHERE due <= ?"  # noqa: S608 - ours
_UPSERT_PERSON = (
    "INSERT INTO people (id, manager_id, body) VALUES (?, ?, ?) ON CONFLICT (id) "
    "DO UPDATE SET manager_id = excluded.manager_id, body = excluded.body"
)
_UPSERT_CURSOR = (
    "INSERT INTO cursors (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value"
)
_INSERT_OUTBOX = (
    f"INSERT INTO outbox ({_COLUMNS}) "  # noqa: S608 - column names are ours
    f"VALUES ({', '.join('?' for _ in rows.OUTBOX_COLUMNS)})"
)
# Coalescing: the newer entry carries the whole current view.
_SUPERSEDE = (
    f"UPDATE outbox SET status = '{_SUPERSEDED}' "  # noqa: S608 - constants
    f"WHERE key = ? AND channel = ? AND status = '{_PENDING}'"
)
# Due, unleased, pending entries, oldest first, none whose key and channel is
# out with another entry. The dialect's claim_lock follows the LIMIT.
_CLAIMABLE = (
    f"SELECT {_COLUMNS} FROM outbox c WHERE c.status = '{_PENDING}' "  # noqa: S608 - ours
    "AND c.next_attempt_at <= ? AND (c.lease_until IS NULL OR c.lease_until <= ?) "
    "AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.key = c.key AND x.channel = c.channel "
    "AND x.seq <> c.seq AND x.lease_until > ?) {channel}"
    "ORDER BY c.created_at, c.seq LIMIT ?"
)
# A superseded entry stays superseded unless it was delivered or failed: the
# THEN parameter is the status an entry superseded while it was out takes.
_SAVE = (
    f"UPDATE outbox SET next_attempt_at = ?, status = CASE WHEN status = '{_SUPERSEDED}' "  # noqa: S608 - constants
    "THEN ? ELSE ? END, attempts = ?, delivered_to = ?, last_error = ?, lease_until = NULL "
    "WHERE id = ?"
)
_REQUEUE_STALE = (
    f"UPDATE outbox SET status = '{_SUPERSEDED}', lease_until = NULL "  # noqa: S608 - constants
    f"WHERE status = '{_FAILED}'{{only}} AND EXISTS (SELECT 1 FROM outbox n "
    "WHERE n.key = outbox.key AND n.channel = outbox.channel AND n.seq > outbox.seq)"
)
_REQUEUE = (
    f"UPDATE outbox SET status = '{_PENDING}', attempts = 0, next_attempt_at = ?, "  # noqa: S608 - constants
    f"last_error = '', lease_until = NULL WHERE status = '{_FAILED}'{{only}}"
)


def _marks(count: int) -> str:
    return f"({', '.join('?' for _ in range(count))})"


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _filters(values: Mapping[str, str | None]) -> tuple[str, list[str]]:
    """`` WHERE a = ? AND b = ?`` for the values that are not None (so indexes apply)."""
    used = [(name, value) for name, value in values.items() if value is not None]
    if not used:
        return "", []
    return " WHERE " + " AND ".join(f"{name} = ?" for name, _ in used), [v for _, v in used]


class SqlStore(PrivacyRights):
    """A ``PlanStore`` on the database behind ``dialect``.

    One connection, guarded by a lock, so one store may be shared by threads;
    each process opens its own store.

    With ``key``, private content is sealed at rest (a store written in clear
    text is sealed on this first open); the key is checked against the store
    before anything is read. Without it the store is clear text, which an
    encrypted store refuses: configuration always gives a key. ``rotating_to``
    opens the store for ``rotate_key`` to that new key, also half-way through.

    Every disclosure is appended to the audit trail (``audit``) in the
    transaction that causes it: a commit's ``disclosures``, and each outbox
    entry an adapter took, when ``save_outbox`` records it so. ``clock`` stamps
    the latter (the composition root sets it to the application's clock).
    """

    def __init__(
        self, dialect: Dialect, key: MasterKey | None = None, *, rotating_to: MasterKey | None = None
    ) -> None:
        self._db = dialect
        self._rows = dialect.rows
        self._lock = threading.RLock()
        self._store = f"{dialect.adapter} store {dialect.where}"
        self._rotating_to = rotating_to
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._chain: bytes | None = None
        self._sealer = None if key is None else Sealer(key, dialect.adapter, dialect.where, also=rotating_to)
        try:
            with self._writing("open") as db:
                sealed_now = keys.check_open(self._sealer, db, self._store, rotating_to)
                chain = audit.chain_secret(self._sealer, db)
            self._chain = chain  # kept only once the transaction that may have made it committed
            if sealed_now:  # the clear text it replaced must not linger in freed pages
                with self._lock, self._db.translated("scrub"):
                    self._db.scrub()
        except BaseException:
            dialect.close()
            raise

    @property
    def sealed(self) -> bool:
        """Whether this store encrypts private content at rest (it was given a master key)."""
        return self._sealer is not None

    # ------------------------------------------------------------ plumbing
    @contextmanager
    def _writing(self, action: str) -> Iterator[Dialect]:
        """One write transaction; rolled back on any exception, which is then translated."""
        with self._lock, self._db.translated(action), self._db.transaction():
            yield self._db

    @contextmanager
    def _reading(self, action: str) -> Iterator[Dialect]:
        with self._lock, self._db.translated(action):
            yield self._db

    # -------------------------------------------------------------- commit
    def commit(self, change: PlanChange) -> None:
        """Write the whole change in one transaction; on any error write nothing.

        :raises ConcurrentChange: a plan's stored version is not ``version - 1`` (or is 1 already).
        :raises BookingsChanged: a manager's plans changed since a placement in
            the change was checked against them (``PlanChange.bookings``).
        :raises InvalidInput: an outbox entry's id is already in the outbox.
        """
        # Serialize before taking the write lock: the transaction stays short.
        plans = [(rows.plan_row(p), self._rows.due_rows(p)) for p in change.plans]
        people = [rows.person_row(p) for p in change.people]
        entries = [self._rows.outbox_row(e) for e in change.outbox]
        with self._writing("commit") as db:
            self._check_bookings(db, change)
            if change.destroyed_plans:  # before the change's own entries are sealed
                keys.destroy_many(db, change.destroyed_plans)
            if self._sealer is not None:
                plans, entries = self._seal(db, self._sealer, plans, entries)
            self._write_plans(db, plans)
            self._name_managers(db, change.plans)
            self._write_people(db, people, change.removed_people)
            self._write_outbox(db, entries)
            self._write_cursors(db, change.cursors)
            self._append(db, change.disclosures)

    def _seal(
        self,
        db: Dialect,
        sealer: Sealer,
        plans: list[tuple[rows.PlanRow, list[rows.DueRow]]],
        entries: list[tuple[Any, ...]],
    ) -> tuple[list[tuple[rows.PlanRow, list[rows.DueRow]]], list[tuple[Any, ...]]]:
        """The rows with each body and payload sealed under its plan's data key (made if new).

        Inside the transaction: the key read is the key stored, whatever another process did.
        """
        ids = {row[0] for row, _ in plans} | {str(e[4]) for e in entries}
        new = {row[0] for row, _ in plans if row[4] == 1}
        ciphers = keys.ciphers_for(sealer, db, ids, plans=new)
        sealed_plans = [
            ((*row[:5], seal(ciphers[row[0]], row[5], "plan", row[0])), dues) for row, dues in plans
        ]
        sealed_entries = [
            (*e[:3], seal(ciphers[str(e[4])], e[3], "outbox", e[0], e[4]), *e[4:]) for e in entries
        ]
        return sealed_plans, sealed_entries

    def _opened(self, db: Dialect, found: Sequence[tuple[str, str, tuple[str, ...], object]]) -> list[str]:
        """The clear text of each stored ``(plan id, what, row ids, value)`` (``keys.opened``)."""
        return keys.opened(self._sealer, db, found, adapter=self._db.adapter, where=self._db.where)

    def _plan_bodies(self, db: Dialect, found: Sequence[Sequence[Any]]) -> list[str]:
        """The clear JSON of each ``(id, body)`` row of ``plans``."""
        return self._opened(db, [(str(r[0]), f"plan {r[0]}", ("plan", str(r[0])), r[1]) for r in found])

    def _entries(
        self, db: Dialect, found: Sequence[Sequence[Any]], *, leases: bool = False
    ) -> list[OutboxEntry]:
        """Outbox entries from rows of ``OUTBOX_COLUMNS`` (and ``lease_until`` last, with ``leases``)."""
        payloads = self._opened(
            db,
            [
                (str(r[4]), f"outbox entry {r[0]} of plan {r[4]}", ("outbox", str(r[0]), str(r[4])), r[3])
                for r in found
            ],
        )
        out = []
        for r, payload in zip(found, payloads, strict=True):
            row = (*r[:3], payload, *r[4 : len(rows.OUTBOX_COLUMNS)])
            out.append(self._rows.outbox_entry(row, leased_until=r[-1] if leases else None))
        return out

    def _check_bookings(self, db: Dialect, change: PlanChange) -> None:
        """Refuse the change when a manager's plans moved on since its placement was checked.

        Read inside the write transaction, with the rows locked where the
        database locks rows (``row_lock``), so two placements for one manager
        are checked one after the other, never both against the old bookings.
        """
        written = [p.id for p in change.plans]
        for read in change.bookings:
            found = db.execute(
                f"SELECT id, version FROM plans WHERE manager_id = ? ORDER BY id{db.row_lock}",  # noqa: S608 - constant
                (read.manager_id,),
            ).fetchall()
            if not read.still_holds({str(r[0]): int(r[1]) for r in found}, written):
                raise BookingsChanged(read.manager_id)

    def _write_plans(self, db: Dialect, plans: Sequence[tuple[rows.PlanRow, list[rows.DueRow]]]) -> None:
        for row, dues in plans:
            plan_id, version = row[0], row[4]
            if version == 1:
                done = db.execute(_INSERT_PLAN, row)
            else:
                done = db.execute(_UPDATE_PLAN, (*row[1:], plan_id, version - 1))
            if done.rowcount != 1:
                raise ConcurrentChange(plan_id, version - 1)
            db.execute("DELETE FROM due WHERE plan_id = ?", (plan_id,))
            if dues:
                db.executemany(_INSERT_DUE, dues)

    def _write_people(self, db: Dialect, people: Sequence[rows.PersonRow], removed: Sequence[str]) -> None:
        if people:
            db.executemany(_UPSERT_PERSON, people)
        if removed:
            db.executemany("DELETE FROM people WHERE id = ?", [(pid,) for pid in removed])

    def _write_outbox(self, db: Dialect, entries: Sequence[tuple[Any, ...]]) -> None:
        for n, row in enumerate(entries):
            if row[7] == _PENDING:
                db.execute(_SUPERSEDE, (row[1], row[2]))
            try:
                db.execute(_INSERT_OUTBOX, row)
            except Exception as exc:
                if not db.is_duplicate_key(exc):
                    raise  # translated by the dialect, like every other driver error
                raise InvalidInput(
                    f"outbox[{n}].id", "an id not yet in the outbox", f"duplicate id {row[0]!r}"
                ) from None

    def _write_cursors(self, db: Dialect, cursors: Sequence[tuple[str, str]]) -> None:
        if cursors:
            db.executemany(_UPSERT_CURSOR, cursors)

    # --------------------------------------------------------------- reads
    def _body(self, table: str, kind: str, key: str) -> object:
        """The stored JSON of the ``kind`` with id ``key``, or ``NotFound``."""
        with self._reading(f"load {kind}") as db:
            row = db.execute(f"SELECT body FROM {table} WHERE id = ?", (key,)).fetchone()  # noqa: S608 - our table names
        if row is None:
            raise NotFound(kind, key)
        return row[0]

    def load_plan(self, plan_id: str) -> CareerPlan:
        """The plan with this id, or ``NotFound``."""
        with self._reading("load plan") as db:
            row = db.execute("SELECT id, body FROM plans WHERE id = ?", (plan_id,)).fetchone()
            if row is None:
                raise NotFound("plan", plan_id)
            (body,) = self._plan_bodies(db, [row])
        return rows.plan_from_body(body)

    def find_plans(
        self, *, report_id: str | None = None, manager_id: str | None = None
    ) -> Sequence[CareerPlan]:
        """Plans for a report and/or a manager (all plans when both are None), by id."""
        where, args = _filters({"report_id": report_id, "manager_id": manager_id})
        with self._reading("find plans") as db:
            found = db.execute(f"SELECT id, body FROM plans{where} ORDER BY id", args).fetchall()  # noqa: S608 - column names are ours
            bodies = self._plan_bodies(db, found)
        return [rows.plan_from_body(body) for body in bodies]

    def load_person(self, person_id: str) -> Person:
        """The person with this id, or ``NotFound``."""
        return rows.person_from_body(self._body("people", "person", person_id), person_id)

    def list_people(self) -> Sequence[Person]:
        """Everyone known to the store, by id."""
        with self._reading("list people") as db:
            found = db.execute("SELECT body, id FROM people ORDER BY id").fetchall()
        return [rows.person_from_body(r[0], r[1]) for r in found]

    def due_on(self, day: date, manager_id: str | None = None) -> Sequence[DueItem]:
        """What is due on or before ``day`` (overdue included), earliest first, from the index."""
        sql, args = _SELECT_DUE, [self._rows.to_day(day)]
        if manager_id is not None:
            sql += " AND manager_id = ?"
            args.append(manager_id)
        with self._reading("due on") as db:
            found = db.execute(sql + " ORDER BY due, plan_id, kind", args).fetchall()
        return [self._rows.due_item(r) for r in found]

    def cursor(self, name: str) -> str | None:
        """A stored position (an HRIS poll cursor), or None."""
        with self._reading("read cursor") as db:
            row = db.execute("SELECT value FROM cursors WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    # -------------------------------------------------------------- outbox
    def claim_outbox(
        self, now: datetime, limit: int, lease_until: datetime, channel: Channel | None = None
    ) -> Sequence[OutboxEntry]:
        """Pending entries due at ``now`` (of ``channel`` only, when given), not leased,
        oldest first; leased until ``lease_until``.

        An entry is not claimed while another entry for the same key and
        channel is leased, so one thing is never delivered twice at once;
        entries another dispatcher is claiming are skipped, not waited for.
        """
        if limit <= 0:
            return []
        at, lease = self._rows.to_moment(now), self._rows.to_moment(lease_until)
        sql = _CLAIMABLE.format(channel="" if channel is None else "AND c.channel = ? ")
        args: tuple[object, ...] = (at, at, at, limit)
        if channel is not None:
            args = (at, at, at, channel.value, limit)
        with self._writing("claim outbox") as db:
            found = db.execute(sql + db.claim_lock, args).fetchall()
            for ids in _chunks([str(r[0]) for r in found]):
                db.execute(
                    f"UPDATE outbox SET lease_until = ? WHERE id IN {_marks(len(ids))}",  # noqa: S608 - placeholders only
                    (lease, *ids),
                )
            return self._entries(db, found)

    def save_outbox(self, entries: Sequence[OutboxEntry]) -> None:
        """Write the new state of entries after a delivery attempt and end their lease.

        An entry superseded while it was out stays superseded unless it was
        delivered or failed: it is never put back in the queue behind its successor.

        :raises NotFound: an entry is not in the outbox (then nothing is written).
        """
        if not entries:
            return
        saved = [self._rows.outbox_row(e) for e in entries]
        ids = [str(r[0]) for r in saved]
        updates = [
            (r[6], _SUPERSEDED if r[7] == _PENDING else r[7], r[7], r[8], r[9], r[10], r[0]) for r in saved
        ]
        at = self.clock()
        with self._writing("save outbox") as db:
            known: dict[str, tuple[set[str], str]] = {}
            for chunk in _chunks(ids):
                sql = (
                    "SELECT o.id, o.delivered_to, p.report_id, o.plan_id FROM outbox o "  # noqa: S608 - placeholders only
                    f"LEFT JOIN plans p ON p.id = o.plan_id WHERE o.id IN {_marks(len(chunk))}"
                )
                for r in db.execute(sql, chunk).fetchall():
                    subject = str(r[2]) if r[2] is not None else disclosures.subject_of(str(r[3]))
                    known[str(r[0])] = (set(self._rows.from_list(r[1])), subject)
            missing = [i for i in ids if i not in known]
            if missing:
                raise NotFound("outbox entry", missing[0])
            db.executemany(_SAVE, updates)
            # What an adapter took for the first time left the pair now: recorded with the save.
            took = [(e, n) for e in entries for n in e.delivered_to if n not in known[e.id][0]]
            self._append(db, [disclosures.from_delivery(e, n, known[e.id][1], at) for e, n in took])

    def outbox(self, statuses: Sequence[str] | None = None) -> Sequence[OutboxEntry]:
        """Entries, oldest first, optionally only those with the given status values."""
        sql = f"SELECT {_COLUMNS}, lease_until FROM outbox"  # noqa: S608 - column names are ours
        args: list[str] = []
        if statuses is not None:
            if not statuses:
                return []
            args = [OutboxStatus(s).value for s in statuses]
            sql += f" WHERE status IN {_marks(len(args))}"
        with self._reading("read outbox") as db:
            found = db.execute(sql + " ORDER BY created_at, seq", args).fetchall()
            return self._entries(db, found, leases=True)

    def requeue(self, entry_ids: Sequence[str] | None = None, *, now: datetime) -> int:
        """Put failed entries (all, or those in ``entry_ids``) back in the queue at ``now``.

        Attempts start again from zero; adapters that already took an entry
        keep it in ``delivered_to``. A failed entry with a newer entry for the
        same key and channel is marked superseded instead: its view is stale.
        Returns how many entries are pending again.
        """
        at = self._rows.to_moment(now)
        groups: list[Sequence[str]] = [()] if entry_ids is None else list(_chunks(list(entry_ids)))
        count = 0
        with self._writing("requeue outbox") as db:
            for ids in groups:
                only = "" if entry_ids is None else f" AND id IN {_marks(len(ids))}"
                db.execute(_REQUEUE_STALE.format(only=only), ids)
                count += db.execute(_REQUEUE.format(only=only), (at, *ids)).rowcount
        return count

    # ------------------------------------------------------------- sealing
    def rotate_key(
        self, new: MasterKey | None = None, progress: Callable[[str], object] | None = None
    ) -> int:
        """Re-wrap every plan's data key by ``new`` (default: ``rotating_to``); return how many.

        One transaction per plan: killed half-way, nothing is lost, and running
        it again (the store opened with ``rotating_to=new``) goes on where it
        stopped. The sealed notes are neither decrypted nor rewritten. Stop other
        careerconv processes on this store first: they hold the old key.
        """
        new = new or self._rotating_to
        if self._sealer is None or new is None:
            raise ConfigurationError(f"{self._store}: opened without a current and a new master key")
        return keys.rotate(self._sealer, self._writing, new, progress)

    def destroy_plan_key(self, plan_id: str) -> bool:
        """Destroy the plan's data key, and with it every copy of its content; True when it had one.

        The plan, its due rows and its outbox entries (sealed under that key) are
        deleted in the same transaction; a backup of the store cannot open them either.
        """
        with self._writing("destroy plan key") as db:
            return keys.destroy(db, plan_id)

    def sealing_status(self) -> Mapping[str, object]:
        """The master key's fingerprint, a rotation under way (``next``) and data keys by master."""
        with self._reading("sealing status") as db:
            return keys.status(db)

    # ----------------------------------------------------------- lifecycle
    def close(self) -> None:
        """Close the connection; later calls raise ``AdapterError``. Closing twice is fine."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
