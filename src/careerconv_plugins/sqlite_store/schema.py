"""The SQLite schema as an ordered list of migrations, tracked in ``PRAGMA user_version``.

Never edit a released migration: append a new one (``careerconv_plugins.sql.migrations``
runs them). All pending migrations run in one ``BEGIN IMMEDIATE`` transaction,
so a database is never left half-migrated.
"""

from __future__ import annotations

import sqlite3

from careerconv_plugins.sql.migrations import apply_pending

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: plans with indexed columns, people, the due index, the outbox, cursors.
    (
        """CREATE TABLE plans (
            id TEXT PRIMARY KEY,
            report_id TEXT NOT NULL,
            manager_id TEXT NOT NULL,
            status TEXT NOT NULL,
            version INTEGER NOT NULL,
            body TEXT NOT NULL
        )""",
        "CREATE INDEX plans_report ON plans (report_id)",
        "CREATE INDEX plans_manager ON plans (manager_id)",
        """CREATE TABLE people (
            id TEXT PRIMARY KEY,
            manager_id TEXT,
            body TEXT NOT NULL
        )""",
        """CREATE TABLE due (
            plan_id TEXT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
            report_id TEXT NOT NULL,
            manager_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            due TEXT NOT NULL
        )""",
        "CREATE INDEX due_plan ON due (plan_id)",
        # Covering, in the order due_on returns: the query reads the index only.
        "CREATE INDEX due_day ON due (due, plan_id, kind, report_id, manager_id)",
        "CREATE INDEX due_manager_day ON due (manager_id, due, plan_id, kind, report_id)",
        """CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            key TEXT NOT NULL,
            channel TEXT NOT NULL,
            payload TEXT NOT NULL,
            plan_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            next_attempt_at TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            delivered_to TEXT NOT NULL DEFAULT '[]',
            last_error TEXT NOT NULL DEFAULT '',
            lease_until TEXT
        )""",
        # Claiming walks only pending entries, oldest first (queries name 'pending'
        # literally so that the planner may use this partial index).
        "CREATE INDEX outbox_ready ON outbox (created_at, seq) WHERE status = 'pending'",
        "CREATE INDEX outbox_key ON outbox (key, channel)",
        "CREATE INDEX outbox_status ON outbox (status, created_at)",
        """CREATE TABLE cursors (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
    ),
    # 2: encryption at rest: each plan's data key, wrapped by the master key, and the
    # master's fingerprint (``careerconv_plugins.sql.keys``).
    (
        """CREATE TABLE plan_keys (
            plan_id TEXT PRIMARY KEY,
            master TEXT NOT NULL,
            wrapped TEXT NOT NULL
        )""",
        "CREATE INDEX plan_keys_master ON plan_keys (master)",
        """CREATE TABLE sealing (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
    ),
    # 3: the audit trail of disclosures (``careerconv_plugins.sql.audit``): append-only,
    # hash-chained, with its head (the count and a mark of the last hash) in one row.
    (
        """CREATE TABLE audit (
            seq INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            plan_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL,
            prev TEXT NOT NULL,
            hash TEXT NOT NULL
        )""",
        "CREATE INDEX audit_subject ON audit (subject_id, seq)",
        """CREATE TABLE audit_head (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            seq INTEGER NOT NULL,
            last TEXT NOT NULL,
            mark TEXT NOT NULL
        )""",
        "INSERT INTO audit_head (id, seq, last, mark) VALUES (1, 0, '', '')",
        """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
        """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    ),
    # 4: for a person's export and erasure (``sql.rights``): the outbox read by plan, and
    # every manager a plan names (now and in its handoffs), filled once for older plans.
    (
        "CREATE INDEX outbox_plan ON outbox (plan_id)",
        """CREATE TABLE plan_people (
            plan_id TEXT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
            person_id TEXT NOT NULL,
            PRIMARY KEY (plan_id, person_id)
        )""",
        "CREATE INDEX plan_people_person ON plan_people (person_id, plan_id)",
        "CREATE TABLE plan_people_filled (id INTEGER PRIMARY KEY CHECK (id = 1))",
        # A store without plans has nothing to fill; one with plans fills on its first read.
        "INSERT INTO plan_people_filled (id) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM plans)",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)
"""The schema version this code writes and reads."""


def schema_version(conn: sqlite3.Connection) -> int:
    """The version recorded in the database file (0 for a new, empty file)."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection, where: str) -> int:
    """Bring the database up to ``SCHEMA_VERSION`` in one transaction; return the old version.

    ``conn`` must be in autocommit mode (``isolation_level=None``). A database
    written by a newer careerconv is refused rather than guessed at.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = schema_version(conn)
        apply_pending(
            MIGRATIONS,
            current,
            execute=conn.execute,
            # user_version lives in the file header and is written in this transaction.
            record=lambda number: conn.execute(f"PRAGMA user_version = {number}"),
            store=f"sqlite store {where}",
            elsewhere="point 'path' at another file",
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return current
