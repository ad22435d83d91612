"""What a SQL store adds for the people whose data it holds: the audit trail, and retention's reads.

``SqlStore`` takes these methods in (a mixin, so the store's own module stays
about plans and the outbox). Erasure itself is a commit
(``PlanChange.destroyed_plans``): the keys destroyed, the person removed,
retractions queued and the record appended in one transaction.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from careerconv_core.disclosures import Disclosure, TrailEntry, Verdict
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.domain.retention import PlanEnding
from careerconv_core.outbox import OutboxEntry
from careerconv_plugins.sql import audit, rows
from careerconv_plugins.sql.dialect import Dialect
from careerconv_plugins.sql.rows import plan_from_body

if TYPE_CHECKING:
    from careerconv_plugins.sql.sealing import Sealer

_CHUNK = 500
_NAME = "INSERT INTO plan_people (plan_id, person_id) VALUES (?, ?) ON CONFLICT DO NOTHING"


def _managers(plan: CareerPlan) -> set[str]:
    """Everyone a plan names as its manager: now, and the old and new one of each handoff."""
    return {plan.manager_id} | {pid for h in plan.handoffs for pid in (h.old_manager_id, h.new_manager_id)}


class PrivacyRights:
    """The audit trail and the reads retention needs, on a ``SqlStore``."""

    _db: Dialect
    _lock: threading.RLock
    _sealer: Sealer | None
    _chain: bytes | None
    _writing: Callable[[str], AbstractContextManager[Dialect]]
    _reading: Callable[[str], AbstractContextManager[Dialect]]
    _plan_bodies: Callable[[Dialect, Sequence[Sequence[object]]], list[str]]
    _entries: Callable[[Dialect, Sequence[Sequence[Any]]], list[OutboxEntry]]

    def _secret(self, db: Dialect) -> bytes:
        """The audit chain's key, read once (it never changes; a rotation only re-wraps it)."""
        if self._chain is None:
            self._chain = audit.chain_secret(self._sealer, db)
        return self._chain

    def _append(self, db: Dialect, records: Sequence[Disclosure]) -> None:
        """Append ``records`` inside the caller's transaction."""
        if records:
            audit.append(self._sealer, db, self._secret(db), records)

    def record_disclosures(self, records: Sequence[Disclosure]) -> None:
        """Append ``records`` in a transaction of their own (an export, a read: nothing else changes)."""
        with self._writing("record disclosure") as db:
            self._append(db, records)

    def audit_trail(self, subject_id: str) -> Sequence[TrailEntry]:
        """Every record about ``subject_id``, oldest first."""
        with self._writing("read audit trail") as db:  # may make the chain key on a first read
            return audit.trail(self._sealer, db, subject_id)

    def verify_audit(self) -> Verdict:
        """The whole trail checked: the first broken link named, or how many records hold."""
        with self._writing("verify audit trail") as db:
            return audit.check(db, self._secret(db))

    def plan_endings(self, statuses: Sequence[str]) -> Iterator[PlanEnding]:
        """When each plan in ``statuses`` (a clear column) ended, read a page at a time, by id.

        Only the plan's end is read from its opened JSON: the plan is not built,
        so retention over a large store stays quick.
        """
        marks = ", ".join("?" for _ in statuses)
        after = ""
        while True:
            with self._reading("find plans by status") as db:
                found = db.execute(
                    "SELECT id, body, report_id FROM plans "  # noqa: S608 - placeholders
                    f"WHERE status IN ({marks}) AND id > ? ORDER BY id LIMIT ?",
                    (*statuses, after, _CHUNK),
                ).fetchall()
                bodies = self._plan_bodies(db, found)
            for row, body in zip(found, bodies, strict=True):
                data = json.loads(body)
                end = data.get("ended_at") or data.get("declined_at")
                yield PlanEnding(str(row[0]), str(row[2]), datetime.fromisoformat(end) if end else None)
            if len(found) < _CHUNK:
                return
            after = str(found[-1][0])

    def outbox_plan_ids(self, prefix: str) -> Sequence[tuple[str, int]]:
        """Outbox ``plan_id`` values starting with ``prefix``, each with how many entries still wait
        (pending, or failed and waiting for a person to retry them)."""
        with self._reading("read outbox") as db:
            found = db.execute(
                "SELECT plan_id, sum(CASE WHEN status IN ('pending', 'failed') THEN 1 ELSE 0 END) "
                "FROM outbox WHERE substr(plan_id, 1, ?) = ? GROUP BY plan_id ORDER BY plan_id",
                (len(prefix), prefix),
            ).fetchall()
        return [(str(r[0]), int(r[1])) for r in found]

    def outbox_of(self, plan_ids: Sequence[str]) -> Sequence[OutboxEntry]:
        """The entries queued under any of ``plan_ids``, oldest first, through the ``outbox_plan`` index
        (a person's export and erasure read their own plans' entries, not the whole outbox)."""
        out: list[OutboxEntry] = []
        with self._reading("read outbox by plan") as db:
            for start in range(0, len(plan_ids), _CHUNK):
                chunk = list(plan_ids[start : start + _CHUNK])
                marks = ", ".join("?" for _ in chunk)
                found = db.execute(
                    f"SELECT {', '.join(rows.OUTBOX_COLUMNS)} FROM outbox "  # noqa: S608 - placeholders
                    f"WHERE plan_id IN ({marks}) ORDER BY created_at, seq",
                    chunk,
                ).fetchall()
                out += self._entries(db, found)
        return sorted(out, key=lambda e: e.created_at)  # stable: the store's order within a moment

    def _name_managers(self, db: Dialect, plans: Sequence[CareerPlan]) -> None:
        """Index every manager each plan names (now, and old and new in its handoffs), in the commit."""
        for plan in plans:
            db.execute("DELETE FROM plan_people WHERE plan_id = ?", (plan.id,))
            db.executemany(_NAME, [(plan.id, pid) for pid in sorted(_managers(plan))])

    def plans_naming(self, person_id: str) -> Sequence[CareerPlan]:
        """The plans ``person_id`` manages, managed or was to manage, by id, through ``plan_people``.

        Plans written before that index existed are indexed on the first call, once.
        """
        with self._writing("index plans by manager") as db:
            if db.execute("SELECT count(*) FROM plan_people_filled").fetchone()[0] == 0:
                after = ""
                while True:
                    found = db.execute(
                        "SELECT id, body FROM plans WHERE id > ? ORDER BY id LIMIT ?", (after, _CHUNK)
                    ).fetchall()
                    for body in self._plan_bodies(db, found):
                        plan = plan_from_body(body)
                        db.executemany(_NAME, [(plan.id, pid) for pid in sorted(_managers(plan))])
                    if len(found) < _CHUNK:
                        break
                    after = str(found[-1][0])
                db.execute("INSERT INTO plan_people_filled (id) VALUES (1) ON CONFLICT DO NOTHING")
        with self._reading("find plans by manager") as db:
            found = db.execute(
                "SELECT p.id, p.body FROM plan_people n JOIN plans p ON p.id = n.plan_id "
                "WHERE n.person_id = ? ORDER BY p.id",
                (person_id,),
            ).fetchall()
            bodies = self._plan_bodies(db, found)
        return [plan_from_body(b) for b in bodies]

    def after_erasure(self) -> tuple[str, ...]:
        """What an erasure and the vacuum after it leave in this database's own copies (docs/privacy.md)."""
        backups = (
            "backups and copies of the store made before now still hold the person's record in clear "
            "text and their plans' keys wrapped by the master key of the time: to close that, rotate "
            "the master key ('careerconv store rotate-key') and destroy the old one"
        )
        if self._db.adapter == "postgres":
            return (
                "PostgreSQL: the person's row and the plans' keys are deleted and their tables "
                "rewritten (VACUUM FULL), but the write-ahead log (pg_wal) keeps the person's row in "
                "clear text until its segments are recycled after later checkpoints (longer with a "
                "WAL archive, wal_keep_size or a replication slot, and on standbys); " + backups,
            )
        return (f"SQLite: the file and its WAL are vacuumed; {backups}",)

    def vacuum(self) -> None:
        """Give back freed space and overwrite freed pages (``VACUUM``; SQLite also empties its WAL)."""
        with self._lock, self._db.translated("vacuum"):
            self._db.scrub()
