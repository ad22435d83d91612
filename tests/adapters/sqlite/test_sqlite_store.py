"""The SQLite store beyond the shared contract: schema versions, file settings,
lock handling, error translation, and several dispatchers on one file."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from careerconv_core.domain.cadence import DueKind
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.domain.roles import Actor
from careerconv_core.errors import AdapterError, ConfigurationError
from careerconv_core.outbox import Channel, OutboxEntry, OutboxStatus
from careerconv_core.ports import PlanChange
from careerconv_plugins.sql.sealing import create_key_file
from careerconv_plugins.sqlite_store import mapping, schema
from careerconv_plugins.sqlite_store.adapter import SqliteStore
from careerconv_plugins.sqlite_store.plugin import from_settings

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def entry(eid: str, key: str | None = None) -> OutboxEntry:
    """A pending calendar entry due at T0."""
    return OutboxEntry(
        id=eid,
        key=key or f"k-{eid}",
        channel=Channel.CALENDAR,
        payload="{}",
        plan_id="p1",
        created_at=T0,
        next_attempt_at=T0,
    )


def reviewed_plan() -> CareerPlan:
    """A plan with its three conversations held on T0."""
    plan = CareerPlan.propose("p1", "r1", "m1", T0).accept(Actor.REPORT, T0, True)
    plan = plan.confirm_readiness(Actor.MANAGER, True, True, T0)
    for kind in (ConversationKind.LIFE_STORY, ConversationKind.PINNACLE, ConversationKind.GROW_REVIEW):
        plan = plan.record_held(kind, T0)
    return plan


# ----------------------------------------------------------------- mapping
def test_datetimes_are_stored_as_sortable_utc_text() -> None:
    berlin = datetime(2026, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    assert mapping.utc_text(berlin) == "2026-03-01T09:00:00.000000Z"
    assert mapping.from_utc_text("2026-03-01T09:00:00.000000Z") == berlin
    earlier, later = T0, T0 + timedelta(microseconds=1)
    assert mapping.utc_text(earlier) < mapping.utc_text(later)


def test_due_rows_are_the_plans_due_items() -> None:
    plan = reviewed_plan()
    rows = mapping.ROWS.due_rows(plan)
    assert ("p1", "r1", "m1", DueKind.CHECK_IN.value, "2026-02-05") in rows
    assert [mapping.ROWS.due_item(r) for r in rows] == list(plan.due_items())


def test_outbox_rows_round_trip() -> None:
    done = entry("e1").delivered(("ics", "caldav"))
    row = mapping.ROWS.outbox_row(done)
    assert row[9] == '["ics", "caldav"]'
    assert mapping.ROWS.outbox_entry(row) == done


# ------------------------------------------------------------------ schema
def test_a_new_file_is_migrated_and_runs_in_wal_mode(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "a.db"):
        pass
    conn = sqlite3.connect(tmp_path / "a.db")
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"plans", "people", "due", "outbox", "cursors"} <= tables
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {"due_day", "due_manager_day", "outbox_ready"} <= indexes
        plan = conn.execute("EXPLAIN QUERY PLAN SELECT * FROM due WHERE due <= '2026-01-01'").fetchall()
        assert "due_day" in str(plan)
    finally:
        conn.close()


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    SqliteStore(tmp_path / "a.db").close()
    conn = sqlite3.connect(tmp_path / "a.db")
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(ConfigurationError, match="newer than this careerconv"):
        SqliteStore(tmp_path / "a.db")


def test_a_failing_migration_leaves_the_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = ((*schema.MIGRATIONS[0], "CREATE TABLE plans (id TEXT)"),)  # a clash at the end
    monkeypatch.setattr(schema, "MIGRATIONS", broken)
    with pytest.raises(ConfigurationError):
        SqliteStore(tmp_path / "a.db")
    conn = sqlite3.connect(tmp_path / "a.db")
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    finally:
        conn.close()


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a database " * 100)
    with pytest.raises(ConfigurationError, match="not a usable careerconv database"):
        SqliteStore(tmp_path / "notes.txt")


# ---------------------------------------------------------------- settings
def test_settings_need_a_path_in_an_existing_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="'path' is missing"):
        from_settings({})
    with pytest.raises(ConfigurationError, match="does not exist"):
        from_settings({"path": str(tmp_path / "missing" / "a.db")})
    with pytest.raises(ConfigurationError, match=r"no master key; .*set 'key_file'.*or 'key_env'"):
        from_settings({"path": str(tmp_path / "a.db")})
    assert not (tmp_path / "a.db").exists()  # refused before anything is made
    key = tmp_path / "a.key"
    create_key_file(key)
    store = from_settings({"path": str(tmp_path / "a.db"), "key_file": str(key)})
    try:
        assert store.path == tmp_path / "a.db" and store.sealed
    finally:
        store.close()


def test_the_master_key_settings_refuse_each_mistake_with_its_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, key = str(tmp_path / "a.db"), tmp_path / "a.key"
    from_settings({"path": db, "key_file": str(key)}).close()  # a new store's key file is made
    assert key.stat().st_mode & 0o777 == 0o600
    first = key.read_text()
    key.unlink()
    refusals = {
        "does not exist; restore the key": {"key_file": str(key)},  # never for an existing store
        "not both": {"key_file": str(key), "key_env": "CC_KEY"},
        "CC_KEY named by 'key_env' is empty or unset": {"key_env": "CC_KEY"},
    }
    for message, settings in refusals.items():
        with pytest.raises(ConfigurationError, match=message):
            from_settings({"path": db, **settings})
    with pytest.raises(ConfigurationError, match="cannot be read") as long_path:
        from_settings({"path": db, "key_file": "k" * 5000})
    assert len(str(long_path.value)) < 300  # the path's middle is left out: one short line
    with pytest.raises(ConfigurationError, match="does not exist"):  # a new store's key in no folder
        from_settings({"path": str(tmp_path / "new.db"), "key_file": str(tmp_path / "no" / "k.key")})
    key.write_text(first)
    key.chmod(0o644)
    with pytest.raises(ConfigurationError, match=r"can be read by others \(mode 0644\); .*chmod 600"):
        from_settings({"path": db, "key_file": str(key)})
    monkeypatch.setenv("CC_KEY", "not-a-key-at-all")
    with pytest.raises(ConfigurationError, match="does not hold a master key") as bad:
        from_settings({"path": db, "key_env": "CC_KEY"})
    assert "not-a-key-at-all" not in str(bad.value)  # a value in place of a key is never echoed
    key.chmod(0o600)
    monkeypatch.setenv("CC_KEY", key.read_text().strip())
    from_settings({"path": db, "key_env": "CC_KEY"}).close()  # the same key, by either setting
    from_settings({"path": db, "key_file": str(key)}).close()


def test_the_plugin_is_registered_under_the_careerconv_entry_points() -> None:
    from importlib.metadata import entry_points

    names = {ep.name: ep.value for ep in entry_points(group="careerconv")}
    assert names.get("sqlite") == "careerconv_plugins.sqlite_store.plugin"


# ----------------------------------------------------------------- errors
def test_a_locked_database_gives_a_retryable_error_and_writes_nothing(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a.db", busy_timeout=0.1)
    other = sqlite3.connect(tmp_path / "a.db", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        with pytest.raises(AdapterError) as locked:
            store.commit(PlanChange(outbox=(entry("e1"),)))
        assert locked.value.retryable
        assert isinstance(locked.value.__cause__, sqlite3.OperationalError)
        other.execute("ROLLBACK")
        assert store.outbox() == []
        store.commit(PlanChange(outbox=(entry("e1"),)))  # free again
        assert len(store.outbox()) == 1
    finally:
        other.close()
        store.close()


def test_a_driver_error_midway_is_translated_and_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SqliteStore(tmp_path / "a.db")

    def disk_full(*_args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "_write_outbox", disk_full)
    try:
        with pytest.raises(AdapterError, match="commit failed") as failed:
            store.commit(PlanChange(plans=(reviewed_plan(),), outbox=(entry("e1"),)))
        assert not failed.value.retryable
        assert store.find_plans() == []
        assert store.due_on(T0.date() + timedelta(days=400)) == []
    finally:
        store.close()


# ------------------------------------------------------------- dispatchers
def test_dispatchers_on_one_file_never_take_the_same_entry(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with SqliteStore(path) as setup:
        setup.commit(PlanChange(outbox=tuple(entry(f"e{n:03}") for n in range(300))))
    delivered: list[str] = []
    errors: list[BaseException] = []

    def dispatcher() -> None:
        try:
            with SqliteStore(path, busy_timeout=10) as store:
                while batch := store.claim_outbox(T0, 7, T0 + timedelta(minutes=5)):
                    delivered.extend(e.id for e in batch)  # list.extend is atomic under the GIL
                    store.save_outbox([e.delivered(("noop",)) for e in batch])
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            errors.append(exc)

    threads = [threading.Thread(target=dispatcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(delivered) == 300
    assert len(set(delivered)) == 300
    with SqliteStore(path) as store:
        assert {e.status for e in store.outbox()} == {OutboxStatus.DELIVERED}
