"""Encryption at rest (ARCHITECTURE section 4): the store's own bytes hold no private content.

A unique marker is planted in every field declared private, shared or summary;
the use cases then run on a real encrypted store (SQLite on a file, PostgreSQL
on a throwaway cluster), the outbox is dispatched with the report's consent to
share the goal, and every byte the database keeps is searched: the SQLite
file, its WAL and SHM files, PostgreSQL's data directory and a ``pg_dump``.
Then the bad cases: a wrong key, a missing key, a tampered ciphertext, one
plan's key destroyed.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from attrs import evolve

from careerconv_core.domain.cadence import CheckInKind
from careerconv_core.domain.feedback import FeedbackRating
from careerconv_core.domain.plan import CheckIn, Consent
from careerconv_core.domain.roles import Actor
from careerconv_core.errors import AdapterError, ConfigurationError, NotFound
from careerconv_core.ports import PlanChange
from careerconv_plugins.postgres_store.adapter import PostgresStore
from careerconv_plugins.sql.sealing import key_from_file
from careerconv_plugins.sqlite_store.adapter import SqliteStore
from servers import postgres_fixtures
from servers.postgres import PostgresServer, find_bin_dir
from support.flows import through_review
from support.privacy import Planter
from support.sealed import markers_in, new_key, place, raw
from support.world import World

postgres_server = postgres_fixtures.postgres_server
postgres_dsn = postgres_fixtures.postgres_dsn
__all__ = ["place"]  # the fixture, used by name


def run_the_method(store: Any) -> tuple[World, Planter, str]:
    """Plant markers in a reviewed plan, run steps that write the outbox, dispatch it."""
    # Markers of this run only: the cluster also holds other tests' databases (clear ones too).
    planter = Planter(prefix=f"ATREST{uuid.uuid4().hex[:12].upper()}")
    world = World(store=store)
    plan_id = through_review(world)
    plan = store.load_plan(plan_id)
    planted = planter.plant(
        evolve(
            plan,
            check_ins=(CheckIn(CheckInKind.CHECK_IN, world.clock(), True, "x"),),
            feedback=(FeedbackRating(Actor.REPORT, "r1", 7),),
            version=plan.version + 1,
        )
    )
    store.commit(PlanChange(plans=(planted,)))
    svc = world.services
    world.clock.advance(days=3)
    svc.write_grow(plan_id, "r1", store.load_plan(plan_id).grow)  # tickets carry the (shared) actions
    svc.set_consent(plan_id, "r1", Consent(summary_to_hris=True))  # the goal goes to the HRIS
    world.dispatcher().run_once()
    assert world.hris.records and world.tracker.tickets  # content did go where it was allowed
    assert len(planter.markers) >= 12
    assert store.load_plan(plan_id) is not None
    return world, planter, plan_id


def test_no_marker_in_any_byte_of_the_sqlite_files(tmp_path: Path) -> None:
    db = tmp_path / "plans.db"
    store = SqliteStore(db, key=new_key(tmp_path))
    _world, planter, plan_id = run_the_method(store)
    files = [db, Path(f"{db}-wal"), Path(f"{db}-shm")]
    assert files[1].exists() and files[1].stat().st_size > 0  # the WAL holds the recent writes
    for path in files:
        assert markers_in(planter, path.read_bytes()) == [], path.name
    assert store.load_plan(plan_id).life_story.notes in planter.markers  # and it reads back
    store.close()
    for path in files:
        if path.exists():
            assert markers_in(planter, path.read_bytes()) == [], path.name


def _files_under(root: Path) -> Iterator[Path]:
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            yield path


def test_no_marker_in_postgres_data_directory_or_a_dump(
    postgres_server: PostgresServer, postgres_dsn: str, tmp_path: Path
) -> None:
    store = PostgresStore(postgres_dsn, key=new_key(tmp_path))
    _world, planter, _plan_id = run_the_method(store)
    store.close()
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute("CHECKPOINT")  # every page on disk, not just in shared buffers
    scanned = 0
    for path in _files_under(postgres_server.root / "data"):
        try:
            data = path.read_bytes()
        except OSError:  # a file the server removed meanwhile
            continue
        scanned += 1
        assert markers_in(planter, data) == [], str(path)
    assert scanned > 100
    dump = subprocess.run(
        [str(find_bin_dir() / "pg_dump"), "--no-owner", postgres_dsn], capture_output=True, check=True
    ).stdout
    assert b"plan_keys" in dump and b"cc1:" in dump
    assert markers_in(planter, dump) == []


# ----------------------------------------------------------------- bad keys
def test_a_wrong_key_is_refused_naming_the_setting(place: dict[str, Any], tmp_path: Path) -> None:
    store = place["open"](new_key(tmp_path))
    _world, _planter, plan_id = run_the_method(store)
    store.close()
    wrong = new_key(tmp_path, "other.key")
    with pytest.raises(ConfigurationError) as refused:
        place["open"](wrong)
    message = str(refused.value)
    assert "wrong master key" in message and "'key_file'" in message and "\n" not in message
    again = place["open"](key_from_file(tmp_path / "store.key", "test store"))
    assert again.load_plan(plan_id).id == plan_id  # nothing was lost
    again.close()


def test_an_encrypted_store_opened_without_a_key_is_refused(place: dict[str, Any], tmp_path: Path) -> None:
    place["open"](new_key(tmp_path)).close()
    with pytest.raises(ConfigurationError, match="encrypted and no master key was given; set 'key_file'"):
        place["open"](None)


def test_a_tampered_ciphertext_is_an_error_naming_the_plan(place: dict[str, Any], tmp_path: Path) -> None:
    store = place["open"](new_key(tmp_path))
    _world, planter, plan_id = run_the_method(store)
    body = raw(place, "SELECT body FROM plans WHERE id = ?", plan_id)
    raw(place, "UPDATE plans SET body = ? WHERE id = ?", flip(body), plan_id)
    with pytest.raises(AdapterError) as broken:
        store.load_plan(plan_id)
    message = str(broken.value)
    assert f"plan {plan_id} cannot be decrypted" in message and "changed or damaged" in message
    assert markers_in(planter, message.encode()) == []
    raw(place, "UPDATE plans SET body = ? WHERE id = ?", body, plan_id)  # restored from a backup
    assert store.load_plan(plan_id).life_story.notes in planter.markers
    wrapped = raw(place, "SELECT wrapped FROM plan_keys WHERE plan_id = ?", plan_id)
    raw(place, "UPDATE plan_keys SET wrapped = ? WHERE plan_id = ?", flip(wrapped), plan_id)
    with pytest.raises(AdapterError, match=f"plan {plan_id} cannot be decrypted: its wrapped data key"):
        store.load_plan(plan_id)
    raw(place, "UPDATE plan_keys SET wrapped = ? WHERE plan_id = ?", wrapped, plan_id)
    entry = store.outbox()[0]
    payload = raw(place, "SELECT payload FROM outbox WHERE id = ?", entry.id)
    raw(place, "UPDATE outbox SET payload = ? WHERE id = ?", flip(payload), entry.id)
    with pytest.raises(
        AdapterError, match=f"outbox entry {entry.id} of plan {entry.plan_id} cannot be decrypted"
    ):
        store.outbox()
    raw(place, "UPDATE outbox SET payload = ? WHERE id = ?", payload, entry.id)
    assert store.outbox()[0] == entry  # nothing was lost meanwhile
    store.close()


def flip(text: str) -> str:
    """``text`` with one base64 character changed near its end (inside the tag)."""
    return text[:-6] + ("A" if text[-6] != "A" else "B") + text[-5:]


def test_a_body_moved_from_another_plan_or_replaced_by_clear_text_is_refused(
    place: dict[str, Any], tmp_path: Path
) -> None:
    store = place["open"](new_key(tmp_path))
    world = World(store=store)
    first, second = through_review(world), _second_plan(world)
    raw(place, "UPDATE plans SET body = (SELECT body FROM plans WHERE id = ?) WHERE id = ?", second, first)
    with pytest.raises(AdapterError, match=f"plan {first} cannot be decrypted"):
        store.load_plan(first)
    raw(place, "UPDATE plans SET body = ? WHERE id = ?", '{"id": "forged"}', first)
    with pytest.raises(AdapterError, match=f"plan {first} is in clear text in an encrypted store"):
        store.load_plan(first)
    store.close()


def _second_plan(world: World) -> str:
    from careerconv_core.domain.plan import CareerPlan

    plan = CareerPlan.propose("p-second", "r2", "m1", world.clock())
    world.store.commit(PlanChange(plans=(plan,)))
    return plan.id


def test_destroying_one_plans_key_destroys_that_plan_alone(place: dict[str, Any], tmp_path: Path) -> None:
    store = place["open"](new_key(tmp_path))
    world, _planter, plan_id = run_the_method(store)
    other = _second_plan(world)
    assert store.destroy_plan_key(plan_id)
    with pytest.raises(NotFound):
        store.load_plan(plan_id)
    assert [p.id for p in store.find_plans()] == [other]
    assert all(e.plan_id != plan_id for e in store.outbox())
    assert raw(place, "SELECT count(*) FROM plan_keys WHERE plan_id = ?", plan_id) == 0
    store.close()
