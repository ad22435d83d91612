"""A person's export and erasure, and retention, through the use cases on every store.

SQLite and PostgreSQL (encrypted, through ``support.sealed.place``) and the
in-memory store: the plan's key is destroyed, the person removed, retractions
queued under a key of their own and the erasure recorded, in one commit; a
dry run changes nothing; retention erases what ended long ago, once.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest

from careerconv_core.disclosures import DisclosureKind, erasure_key_id
from careerconv_core.domain.plan import Consent
from careerconv_core.domain.retention import PlanEnding
from careerconv_core.errors import NotFound, RuleViolation
from careerconv_core.outbox import Channel, OutboxEntry, OutboxStatus
from careerconv_core.ports import PlanChange
from careerconv_core.testing import InMemoryStore
from careerconv_plugins.postgres_store.adapter import PostgresStore
from careerconv_plugins.sqlite_store.adapter import SqliteStore
from servers import postgres_fixtures
from support.flows import through_review
from support.sealed import new_key, raw
from support.world import World

postgres_server = postgres_fixtures.postgres_server
postgres_dsn = postgres_fixtures.postgres_dsn
__all__ = ["postgres_dsn", "postgres_server"]


@pytest.fixture(params=["sqlite", "postgres", "memory"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if request.param == "memory":
        yield World(store=InMemoryStore())
        return
    if request.param == "sqlite":
        target = str(tmp_path / "plans.db")
        store: Any = SqliteStore(target, key=new_key(tmp_path))
    else:
        target = request.getfixturevalue("postgres_dsn")
        store = PostgresStore(target, key=new_key(tmp_path))
    w = World(store=store)
    store.clock = w.clock
    request.node.store_place = {"kind": request.param, "target": target}  # for a look into the database
    yield w
    store.close()


def shared(world: World) -> str:
    """r1's reviewed plan with an HR summary and the goal on tickets, delivered."""
    plan_id = through_review(world)
    world.services.set_consent(plan_id, "r1", Consent(share_goal_on_tickets=True, summary_to_hris=True))
    world.dispatcher().run_once()
    assert world.hris.records and world.tracker.tickets
    return plan_id


def test_a_dry_run_changes_nothing(world: World) -> None:
    plan_id = shared(world)
    before = (len(world.store.outbox()), world.store.verify_audit().checked)
    report = world.services.erase_person("r1", dry_run=True)
    assert report.plans == (plan_id,) and report.retractions
    assert world.store.load_plan(plan_id).id == plan_id
    assert (len(world.store.outbox()), world.store.verify_audit().checked) == before


def test_erasure_destroys_the_plan_removes_the_person_and_queues_retractions(world: World) -> None:
    plan_id = shared(world)
    report = world.services.erase_person("r1")
    with pytest.raises(NotFound):
        world.store.load_plan(plan_id)
    with pytest.raises(NotFound):
        world.store.load_person("r1")
    assert world.store.find_plans(report_id="r1") == []
    pending = world.store.outbox(["pending"])
    assert {e.plan_id for e in pending} == {erasure_key_id("r1", plan_id)}
    assert {e.key for e in pending} == set(report.retractions)
    assert {u.channel for u in report.unreachable} >= {"calendar", "tracker", "hris", "notifier"}
    assert next(u for u in report.unreachable if u.channel == "notifier").called_back == ""
    world.dispatcher().run_once()
    assert all(e.status is OutboxStatus.DELIVERED for e in world.store.outbox() if e.plan_id.startswith("~"))
    assert not world.hris.records or all(r.withdrawn for r in world.hris.records.values())
    assert all(t.goal is None for t in world.tracker.tickets.values())
    kinds = [e.kind for e in world.store.audit_trail("r1")]
    assert DisclosureKind.ERASURE in kinds and kinds[-1] is not DisclosureKind.ERASURE  # retractions after
    assert DisclosureKind.HR_RETRACTION in kinds[kinds.index(DisclosureKind.ERASURE) :]
    assert world.store.verify_audit().ok


def test_the_destroyed_key_and_the_person_leave_the_database(
    world: World, request: pytest.FixtureRequest
) -> None:
    where = getattr(request.node, "store_place", None)
    plan_id = shared(world)
    if where is None:  # the in-memory store: nothing of the plan or the person is left in it
        world.services.erase_person("r1")
        memory: Any = world.store
        assert plan_id not in memory.plans and "r1" not in memory.people
        assert not [e for e in memory.entries.values() if e.plan_id == plan_id]
        return
    wrapped = raw(where, "SELECT wrapped FROM plan_keys WHERE plan_id = ?", plan_id)
    person = raw(where, "SELECT body FROM people WHERE id = 'r1'")
    world.services.erase_person("r1")
    world.store.vacuum()
    assert raw(where, "SELECT count(*) FROM plan_keys WHERE plan_id = ?", plan_id) == 0
    if where["kind"] == "sqlite":
        for suffix in ("", "-wal"):
            path = Path(where["target"] + suffix)
            data = path.read_bytes() if path.exists() else b""
            assert wrapped.encode() not in data and person.encode() not in data, suffix
    else:
        with psycopg.connect(where["target"], autocommit=True) as conn:
            conn.execute("CHECKPOINT")
            relfiles = [
                str(r[0])
                for r in conn.execute(
                    "SELECT pg_relation_filepath(c) "
                    "FROM unnest(ARRAY['plan_keys', 'people']::regclass[]) AS c"
                )
            ]
            root = conn.execute("SHOW data_directory").fetchone()[0]
        for rel in relfiles:  # the tables' heap files (the write-ahead log is PostgreSQL's own)
            data = (Path(root) / rel).read_bytes()
            assert wrapped.encode() not in data and person.encode() not in data, rel


def test_a_manager_of_an_open_plan_is_not_erased(world: World) -> None:
    shared(world)
    with pytest.raises(RuleViolation, match="new manager first"):
        world.services.erase_person("m1")


def test_retention_erases_plans_ended_long_ago_once(world: World) -> None:
    plan_id = shared(world)
    svc = world.services
    svc.decline(plan_id, "r1")
    world.clock.advance(days=200)
    assert svc.expired_plans(map(PlanEnding.of, world.store.find_plans()), 12) == []
    world.clock.advance(days=200)
    expired = svc.expired_plans(map(PlanEnding.of, world.store.find_plans()), 12)
    assert [p.plan_id for p in expired] == [plan_id]
    svc.erase_plans(expired, DisclosureKind.RETENTION)
    assert svc.expired_plans(map(PlanEnding.of, world.store.find_plans()), 12) == []
    assert world.store.audit_trail("r1")[-1].kind is DisclosureKind.RETENTION
    assert world.store.load_person("r1").id == "r1"  # retention erases plans, not the org's people


def test_a_plan_shared_with_a_new_manager_is_recorded_with_the_step_and_only_on_yes(world: World) -> None:
    plan_id = through_review(world)
    world.services.manager_changed("r1", "m2")
    assert DisclosureKind.HANDOFF_SHARE not in [e.kind for e in world.store.audit_trail("r1")]
    world.services.answer_handoff(plan_id, "r1", True)
    shares = [e for e in world.store.audit_trail("r1") if e.kind is DisclosureKind.HANDOFF_SHARE]
    assert len(shares) == 1 and shares[0].plan_id == plan_id
    assert shares[0].detail is not None and shares[0].detail["recipient"] == "m2"
    assert "the report said yes" in str(shares[0].detail["consent"])
    world.dispatcher().run_once()
    assert len([e for e in world.store.audit_trail("r1") if e.kind is DisclosureKind.HANDOFF_SHARE]) == 1


def test_a_refusal_shares_nothing_and_records_nothing(world: World) -> None:
    plan_id = through_review(world)
    world.services.manager_changed("r1", "m2")
    world.services.answer_handoff(plan_id, "r1", False)
    assert DisclosureKind.HANDOFF_SHARE not in [e.kind for e in world.store.audit_trail("r1")]


def test_the_outbox_is_read_by_plan_for_export_and_erasure(world: World) -> None:
    plan_id = shared(world)
    at = world.clock()
    other = OutboxEntry("x-other", "tracker:x", Channel.TRACKER, "{}", "another-plan", at, at)
    world.store.commit(PlanChange(outbox=(other,)))
    read = world.store.outbox_of
    whole = [e for e in world.store.outbox() if e.plan_id == plan_id]
    assert whole and [e.id for e in read([plan_id])] == [e.id for e in whole]
    assert read([]) == [] and read(["no-such-plan"]) == []
    assert [e.id for e in read(["another-plan"])] == ["x-other"]
    assert {e.plan_id for e in read([plan_id, "another-plan"])} == {plan_id, "another-plan"}
    exported = world.services.subject_export("r1")["outbox"]
    assert isinstance(exported, list) and [e["id"] for e in exported] == [e.id for e in whole]
    report = world.services.erase_person("r1", dry_run=True)
    assert report.cancelled == sum(1 for e in whole if e.status is OutboxStatus.PENDING)


def test_plans_are_found_by_every_manager_they_name(world: World, request: pytest.FixtureRequest) -> None:
    plan_id = through_review(world)
    world.services.manager_changed("r1", "m2")
    world.services.answer_handoff(plan_id, "r1", True)
    assert [p.id for p in world.store.plans_naming("m1")] == [plan_id]  # the former manager
    assert [p.id for p in world.store.plans_naming("m2")] == [plan_id]
    assert world.store.plans_naming("r1") == [] and world.store.plans_naming("nobody") == []
    roles = world.services.subject_export("m1")["plans_as_manager"]
    assert isinstance(roles, list) and [(r["plan_id"], r["role"]) for r in roles] == [
        (plan_id, "former or incoming manager")
    ]
    where = getattr(request.node, "store_place", None)
    if where is not None and where["kind"] == "sqlite":  # a store from before the index: filled once
        with sqlite3.connect(where["target"]) as conn:
            conn.execute("DELETE FROM plan_people")
            conn.execute("DELETE FROM plan_people_filled")
        assert [p.id for p in world.store.plans_naming("m1")] == [plan_id]
        with sqlite3.connect(where["target"]) as conn:
            assert conn.execute("SELECT count(*) FROM plan_people_filled").fetchone() == (1,)
    world.services.erase_person("r1")
    assert world.store.plans_naming("m1") == []  # the index goes with the plan
