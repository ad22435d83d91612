"""The ``PlanStore`` contract, run against every store: SQLite on a real file,
PostgreSQL on a throwaway cluster (``servers.postgres``).

Each store is built through its plugin, exactly as configuration would build
it. A new store must pass this whole file unchanged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from attrs import evolve

from careerconv_core.domain.cadence import DueKind
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.domain.life_story import LifeStory
from careerconv_core.domain.people import Person
from careerconv_core.domain.plan import CareerPlan, PlanStatus
from careerconv_core.domain.roles import Actor
from careerconv_core.errors import AdapterError, BookingsChanged, ConcurrentChange, InvalidInput, NotFound
from careerconv_core.hookspecs import AdapterKind
from careerconv_core.outbox import Channel, OutboxEntry, OutboxStatus
from careerconv_core.plugins import make_plugin_manager
from careerconv_core.ports import BookingsRead, PlanChange, PlanStore
from careerconv_core.testing import InMemoryStore
from careerconv_plugins.postgres_store import plugin as postgres_plugin
from careerconv_plugins.sql.sealing import KEY_SETTINGS
from careerconv_plugins.sqlite_store import plugin as sqlite_plugin
from servers import postgres_fixtures
from support.sealed import sealed_settings

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
MARKER = "PRIVATE-MARKER-7f3a"  # planted in private fields; must never show in errors or logs


def at(days: float = 0, hours: float = 0) -> datetime:
    """A moment after T0."""
    return T0 + timedelta(days=days, hours=hours)


def proposed(plan_id: str = "p1", report: str = "r1", manager: str = "m1") -> CareerPlan:
    """A fresh proposal: version 1, no due items."""
    return CareerPlan.propose(plan_id, report, manager, T0)


def reviewed(plan_id: str = "p1", report: str = "r1", manager: str = "m1", held: datetime = T0) -> CareerPlan:
    """A plan whose three conversations are held, the GROW review at ``held``.

    Its due items: a check-in a month later; extended review, plan update
    and probe three months later. The life-story notes carry MARKER.
    """
    plan = proposed(plan_id, report, manager).accept(Actor.REPORT, held, True)
    plan = plan.confirm_readiness(Actor.MANAGER, True, True, held)
    plan = plan.record_held(ConversationKind.LIFE_STORY, held)
    plan = plan.record_life_story(LifeStory(notes=MARKER), held)
    plan = plan.record_held(ConversationKind.PINNACLE, held)
    return plan.record_held(ConversationKind.GROW_REVIEW, held)


def person(pid: str, manager: str | None = None) -> Person:
    """Someone in the org."""
    return Person(pid, f"Person {pid}", f"{pid}@example.com", "Europe/Berlin", manager_id=manager)


def entry(
    eid: str,
    *,
    key: str = "invite-1",
    channel: Channel = Channel.CALENDAR,
    created: datetime = T0,
    next_at: datetime | None = None,
    plan_id: str = "p1",
) -> OutboxEntry:
    """A pending outbox entry."""
    return OutboxEntry(
        id=eid,
        key=key,
        channel=channel,
        payload=f'{{"uid": "{key}"}}',
        plan_id=plan_id,
        created_at=created,
        next_attempt_at=created if next_at is None else next_at,
    )


StoreOpener = Callable[[], Any]

# The cluster fixtures, for this module (tests/conftest.py does not load them).
postgres_server = postgres_fixtures.postgres_server
postgres_dsn = postgres_fixtures.postgres_dsn


def _settings(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """The store's settings as configuration gives them, with a master key (stores are sealed)."""
    if request.param == "sqlite":
        return sealed_settings(tmp_path, path=str(tmp_path / "plans.db"))
    return sealed_settings(tmp_path, dsn=request.getfixturevalue("postgres_dsn"))


@pytest.fixture(params=["sqlite", "postgres"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreOpener]:
    """Opens a store through its plugin; each call opens another on the same file or database."""
    host = make_plugin_manager(load_entry_points=False, plugins=[sqlite_plugin, postgres_plugin], blocked=[])
    settings, opened = _settings(request, tmp_path), []

    def opener() -> Any:
        store = host.create(AdapterKind.STORE, request.param, settings)
        opened.append(store)
        return store

    yield opener
    for store in opened:
        store.close()


@pytest.fixture(params=["sqlite", "postgres", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A new, empty store: each real one, and the in-memory double users test with."""
    if request.param == "memory":
        yield InMemoryStore()
        return
    host = make_plugin_manager(load_entry_points=False, plugins=[sqlite_plugin, postgres_plugin], blocked=[])
    opened = host.create(AdapterKind.STORE, request.param, _settings(request, tmp_path))
    yield opened
    opened.close()


@pytest.fixture
def real_store(open_store: StoreOpener) -> Any:
    """A new, empty SQLite or PostgreSQL store (for what only a real store has: internals, close)."""
    return open_store()


def snapshot(store: Any) -> tuple[object, ...]:
    """Everything a store shows, to compare before and after a refused change."""
    return (
        tuple(store.find_plans()),
        tuple(store.list_people()),
        tuple(store.outbox()),
        tuple(store.due_on(date(2100, 1, 1))),
        store.cursor("hris"),
    )


# ----------------------------------------------------------------- plugins
def test_both_stores_register_through_careerconv_plan_stores() -> None:
    specs = [*sqlite_plugin.careerconv_plan_stores(), *postgres_plugin.careerconv_plan_stores()]
    assert {(s.kind, s.name, s.settings) for s in specs} == {
        (AdapterKind.STORE, "sqlite", ("path", *KEY_SETTINGS)),
        (AdapterKind.STORE, "postgres", ("dsn", "dsn_env", *KEY_SETTINGS)),
    }
    host = make_plugin_manager(load_entry_points=False, plugins=[sqlite_plugin, postgres_plugin], blocked=[])
    assert set(host.adapters(AdapterKind.STORE)) == {"sqlite", "postgres"}


# ------------------------------------------------------------------- plans
def test_store_implements_the_port(store: Any) -> None:
    assert isinstance(store, PlanStore)


def test_a_committed_plan_loads_back_equal(store: Any) -> None:
    plan = reviewed()
    store.commit(PlanChange(plans=(plan,)))
    assert store.load_plan("p1") == plan


def test_an_unknown_plan_is_not_found(store: Any) -> None:
    with pytest.raises(NotFound, match="plan"):
        store.load_plan("nope")


def test_each_commit_must_carry_the_next_version(store: Any) -> None:
    v1 = proposed()
    store.commit(PlanChange(plans=(v1,)))
    v2 = evolve(v1.accept(Actor.REPORT, at(1), True), version=2)
    store.commit(PlanChange(plans=(v2,)))
    assert store.load_plan("p1") == v2

    with pytest.raises(ConcurrentChange) as stale:  # another writer's version 2
        store.commit(PlanChange(plans=(evolve(v1, version=2),)))
    assert stale.value.plan_id == "p1"
    with pytest.raises(ConcurrentChange):  # skipping a version
        store.commit(PlanChange(plans=(evolve(v2, version=4),)))
    with pytest.raises(ConcurrentChange):  # "new" plan that already exists
        store.commit(PlanChange(plans=(v1,)))
    with pytest.raises(ConcurrentChange):  # a plan never stored, claiming version 2
        store.commit(PlanChange(plans=(evolve(proposed("p9"), version=2),)))
    assert store.load_plan("p1") == v2


def test_a_placement_checked_against_bookings_that_moved_on_is_refused(store: Any) -> None:
    store.commit(PlanChange(plans=(proposed("p1"), proposed("p2", "r2"), proposed("p9", "r9", "m9"))))
    read = BookingsRead("m1", (("p1", 1), ("p2", 1)))
    store.commit(PlanChange(plans=(evolve(store.load_plan("p2"), version=2),)))  # another placement
    before = snapshot(store)
    with pytest.raises(BookingsChanged, match=r"'m1'.*run the command again"):
        store.commit(PlanChange(plans=(evolve(proposed("p1"), version=2),), bookings=(read,)))
    assert snapshot(store) == before
    fresh = BookingsRead("m1", (("p1", 1), ("p2", 2)))
    store.commit(PlanChange(plans=(evolve(proposed("p9", "r9", "m9"), version=2),)))  # not m1's
    store.commit(PlanChange(plans=(evolve(proposed("p1"), version=2),), bookings=(fresh,)))
    moved_in = evolve(store.load_plan("p9"), manager_id="m1", version=3)  # a handoff to m1
    store.commit(PlanChange(plans=(moved_in,)))
    later = BookingsRead("m1", (("p1", 2), ("p2", 2)))
    with pytest.raises(BookingsChanged):
        store.commit(PlanChange(plans=(evolve(proposed("p1"), version=3),), bookings=(later,)))


def test_placements_committed_at_once_against_one_reading_take_turns(open_store: StoreOpener) -> None:
    """Eight writers checked their placements against the same bookings: one commits."""
    first = open_store()
    plans = [proposed(f"p{n}", f"r{n}") for n in range(8)]
    first.commit(PlanChange(plans=tuple(plans)))
    read = BookingsRead("m1", tuple((p.id, 1) for p in plans))
    stores = [open_store() for _ in plans]
    start = threading.Barrier(len(plans))
    outcomes: list[str] = []

    def place(store: Any, plan: CareerPlan) -> None:
        start.wait()
        try:
            store.commit(PlanChange(plans=(evolve(plan, version=2),), bookings=(read,)))
            outcomes.append("committed")
        except BookingsChanged:
            outcomes.append("refused")

    threads = [threading.Thread(target=place, args=pair) for pair in zip(stores, plans, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["committed"] + ["refused"] * 7
    assert sum(first.load_plan(p.id).version == 2 for p in plans) == 1


def test_two_stores_on_one_place_see_each_others_writes(open_store: StoreOpener) -> None:
    first, second = open_store(), open_store()
    v1 = proposed()
    first.commit(PlanChange(plans=(v1,)))
    assert second.load_plan("p1") == v1
    second.commit(PlanChange(plans=(evolve(v1, version=2),)))
    with pytest.raises(ConcurrentChange):
        first.commit(PlanChange(plans=(evolve(v1, version=2, status=PlanStatus.DECLINED),)))
    assert first.load_plan("p1").version == 2


def test_a_refused_commit_writes_nothing(store: Any) -> None:
    store.commit(
        PlanChange(
            plans=(proposed("p2"),),
            people=(person("r1"),),
            cursors=(("hris", "c1"),),
            outbox=(entry("e0", key="k0"),),
        )
    )
    before = snapshot(store)
    change = PlanChange(
        plans=(reviewed("p1"), proposed("p2")),  # p2 already exists: refused midway
        people=(person("r2"), person("r1", manager="m1")),
        removed_people=("r1",),
        outbox=(entry("e1", key="k0"), entry("e2", key="k2")),
        cursors=(("hris", "c2"),),
    )
    with pytest.raises(ConcurrentChange):
        store.commit(change)
    assert snapshot(store) == before


def test_a_failure_between_plan_and_outbox_writes_nothing(
    real_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = real_store
    before = snapshot(store)

    def broken(*_args: object) -> None:
        raise RuntimeError("injected")

    monkeypatch.setattr(store, "_write_outbox", broken)
    with pytest.raises(RuntimeError, match="injected"):
        store.commit(
            PlanChange(
                plans=(reviewed(),), people=(person("r1"),), outbox=(entry("e1"),), cursors=(("hris", "c1"),)
            )
        )
    assert snapshot(store) == before
    monkeypatch.undo()
    store.commit(PlanChange(plans=(reviewed(),), outbox=(entry("e1"),)))  # still usable
    assert [e.id for e in store.outbox()] == ["e1"]


def test_find_plans_by_report_and_by_manager(store: Any) -> None:
    plans = (proposed("p1", "r1", "m1"), proposed("p2", "r2", "m1"), proposed("p3", "r3", "m2"))
    store.commit(PlanChange(plans=plans))
    assert [p.id for p in store.find_plans(manager_id="m1")] == ["p1", "p2"]
    assert [p.id for p in store.find_plans(report_id="r3")] == ["p3"]
    assert [p.id for p in store.find_plans(report_id="r2", manager_id="m2")] == []
    assert [p.id for p in store.find_plans()] == ["p1", "p2", "p3"]
    assert store.find_plans(manager_id="nobody") == []


# ------------------------------------------------------------------ people
def test_people_are_upserted_and_removed(store: Any) -> None:
    store.commit(PlanChange(people=(person("b"), person("a"))))
    assert [p.id for p in store.list_people()] == ["a", "b"]
    store.commit(PlanChange(people=(person("a", manager="b"),), removed_people=("b",)))
    assert store.list_people() == [person("a", manager="b")]
    assert store.load_person("a").manager_id == "b"
    with pytest.raises(NotFound, match="person"):
        store.load_person("b")


# --------------------------------------------------------------------- due
def test_due_on_includes_overdue_and_follows_the_plan(store: Any) -> None:
    plan = reviewed("p1", held=T0)
    other = reviewed("p2", "r2", "m2", held=at(10))
    store.commit(PlanChange(plans=(plan, other, proposed("p3", "r3", "m1"))))
    assert store.due_on(date(2026, 2, 4)) == []

    on_day = store.due_on(date(2026, 2, 5))
    assert [(i.plan_id, i.kind, i.due) for i in on_day] == [("p1", DueKind.CHECK_IN, date(2026, 2, 5))]
    overdue_too = store.due_on(date(2026, 2, 20))
    assert [(i.plan_id, i.kind) for i in overdue_too] == [("p1", DueKind.CHECK_IN), ("p2", DueKind.CHECK_IN)]
    assert set(store.due_on(date(2026, 12, 31))) == set(plan.due_items()) | set(other.due_items())

    only_m2 = store.due_on(date(2026, 12, 31), manager_id="m2")
    assert set(only_m2) == set(other.due_items())

    # The index follows each commit: a paused plan has nothing due.
    paused = evolve(plan.pause(Actor.REPORT, at(1)), version=2)
    store.commit(PlanChange(plans=(paused,)))
    assert {i.plan_id for i in store.due_on(date(2026, 12, 31))} == {"p2"}


# ------------------------------------------------------------------ outbox
def test_outbox_entries_round_trip_in_age_order(store: Any) -> None:
    berlin = timezone(timedelta(hours=1))
    newer = entry("e2", key="k2", created=at(1).astimezone(berlin))
    older = evolve(
        entry("e1", key="k1", channel=Channel.TRACKER),
        delivered_to=("jira",),
        attempts=2,
        last_error="timeout",
    )
    store.commit(PlanChange(outbox=(newer, older)))
    assert store.outbox() == [older, newer]  # same instants, whatever the offset
    assert store.outbox([OutboxStatus.PENDING.value]) == [older, newer]
    assert store.outbox([OutboxStatus.FAILED.value]) == []


def test_a_duplicate_outbox_id_is_refused_and_nothing_written(store: Any) -> None:
    store.commit(PlanChange(outbox=(entry("e1"),)))
    before = snapshot(store)
    with pytest.raises(InvalidInput, match=r"outbox\[0\]\.id: duplicate id 'e1'") as refused:
        store.commit(PlanChange(plans=(reviewed(),), outbox=(entry("e1", key="other"),)))
    assert MARKER not in str(refused.value)
    assert snapshot(store) == before


def test_a_newer_entry_supersedes_the_pending_one_for_the_same_thing(store: Any) -> None:
    store.commit(PlanChange(outbox=(entry("e1", key="k"), entry("t1", key="k", channel=Channel.TRACKER))))
    store.commit(PlanChange(outbox=(entry("e2", key="k", created=at(1)),)))
    status = {e.id: e.status for e in store.outbox()}
    assert status == {"e1": OutboxStatus.SUPERSEDED, "t1": OutboxStatus.PENDING, "e2": OutboxStatus.PENDING}
    claimed = store.claim_outbox(at(2), 10, at(3))
    assert [e.id for e in claimed] == ["t1", "e2"]


def test_claim_takes_due_entries_oldest_first_up_to_the_limit(store: Any) -> None:
    store.commit(
        PlanChange(
            outbox=(
                entry("late", key="k3", created=at(0, 1), next_at=at(5)),
                entry("second", key="k2", created=at(0, 2)),
                entry("first", key="k1", created=at(0, 1)),
                entry("third", key="k4", created=at(0, 3)),
            )
        )
    )
    assert [e.id for e in store.claim_outbox(at(1), 2, at(1, 1))] == ["first", "second"]
    # Leased entries are not claimed again while the lease runs.
    assert [e.id for e in store.claim_outbox(at(1), 10, at(1, 1))] == ["third"]
    assert store.claim_outbox(at(1, 0.5), 10, at(2)) == []
    # An expired lease (a dispatcher that died) makes them claimable again.
    again = store.claim_outbox(at(1, 2), 10, at(1, 3))
    assert [e.id for e in again] == ["first", "second", "third"]
    # Equal ages keep commit order.
    assert [e.id for e in store.claim_outbox(at(5), 10, at(6))] == ["late", "first", "second", "third"]
    assert store.claim_outbox(at(5), 0, at(6)) == []


def test_claim_of_one_channel_takes_only_its_entries_and_leaves_the_others(store: Any) -> None:
    tracker = Channel.TRACKER
    store.commit(
        PlanChange(
            outbox=(
                entry("t1", key="k1", channel=tracker, created=at(0, 1)),
                entry("c1", key="k1", created=at(0, 2)),
                entry("t2", key="k2", channel=tracker, created=at(0, 3)),
                entry("t3", key="k3", channel=tracker, created=at(0, 4)),
                entry("n1", key="k1", channel=Channel.NOTIFIER, created=at(0, 5)),
            )
        )
    )
    assert [e.id for e in store.claim_outbox(at(1), 2, at(2), tracker)] == ["t1", "t2"]
    # Another channel's claim is not limited or blocked by the tracker's leases, even for one key.
    assert [e.id for e in store.claim_outbox(at(1), 2, at(2), Channel.CALENDAR)] == ["c1"]
    assert [e.id for e in store.claim_outbox(at(1), 10, at(2), tracker)] == ["t3"]
    assert store.claim_outbox(at(1), 10, at(2), Channel.HRIS) == []
    assert [e.id for e in store.claim_outbox(at(1), 10, at(2))] == ["n1"]


def test_save_outbox_records_the_attempt_and_ends_the_lease(store: Any) -> None:
    store.commit(PlanChange(outbox=(entry("a", key="ka"), entry("b", key="kb"), entry("c", key="kc"))))
    a, b, c = store.claim_outbox(at(1), 10, at(2))
    store.save_outbox(
        [
            a.delivered(("ics",)),
            b.retry_at(at(1, 0.5), "503 from server", ("ics",)),
            c.failed("refused", ()),
        ]
    )
    saved = {e.id: e for e in store.outbox()}
    assert saved["a"] == a.delivered(("ics",))
    assert (saved["b"].attempts, saved["b"].delivered_to) == (1, ("ics",))
    assert saved["c"].status is OutboxStatus.FAILED
    assert store.claim_outbox(at(1, 0.25), 10, at(2)) == []  # b waits for its retry time
    assert [e.id for e in store.claim_outbox(at(1, 0.5), 10, at(2))] == ["b"]  # lease ended
    assert store.outbox([OutboxStatus.FAILED.value, OutboxStatus.DELIVERED.value]) == [saved["a"], saved["c"]]
    with pytest.raises(NotFound):
        store.save_outbox([entry("ghost")])


def test_the_outbox_read_shows_which_entries_are_out_and_until_when(store: Any) -> None:
    store.commit(PlanChange(outbox=(entry("a", key="ka"), entry("b", key="kb"))))
    (a,) = store.claim_outbox(at(1), 1, at(1, 0.5))
    leased = {e.id: e.leased_until for e in store.outbox()}
    assert leased == {"a": at(1, 0.5), "b": None}
    assert next(e for e in store.outbox() if e.id == "a").leased_at(at(1, 0.25))
    store.save_outbox([a.delivered(("ics",))])
    assert all(e.leased_until is None for e in store.outbox())


def test_an_entry_superseded_while_out_is_not_put_back(store: Any) -> None:
    store.commit(PlanChange(outbox=(entry("old", key="k"),)))
    (old,) = store.claim_outbox(at(1), 10, at(2))
    store.commit(PlanChange(outbox=(entry("new", key="k", created=at(1)),)))
    # The newer entry waits while the older one for the same thing is out.
    assert store.claim_outbox(at(1), 10, at(2)) == []
    store.save_outbox([old.retry_at(at(1), "timeout", ())])
    status = {e.id: e.status for e in store.outbox()}
    assert status == {"old": OutboxStatus.SUPERSEDED, "new": OutboxStatus.PENDING}
    assert [e.id for e in store.claim_outbox(at(1), 10, at(2))] == ["new"]


def test_requeue_puts_failed_entries_back(store: Any) -> None:
    store.commit(PlanChange(outbox=(entry("a", key="ka"), entry("b", key="kb"), entry("c", key="kc"))))
    claimed = store.claim_outbox(at(1), 10, at(2))
    store.save_outbox([e.failed("refused", ("ics",)) for e in claimed])
    assert store.requeue(["a"], now=at(3)) == 1
    requeued = {e.id: e for e in store.outbox([OutboxStatus.PENDING.value])}
    assert list(requeued) == ["a"]
    assert (requeued["a"].attempts, requeued["a"].last_error) == (0, "")
    assert requeued["a"].delivered_to == ("ics",)
    assert requeued["a"].next_attempt_at == at(3)
    # A failed entry whose thing has a newer entry is stale: superseded, not requeued.
    store.commit(PlanChange(outbox=(entry("c2", key="kc", created=at(2)),)))
    assert store.requeue(now=at(4)) == 1
    status = {e.id: e.status for e in store.outbox()}
    assert status == {
        "a": OutboxStatus.PENDING,
        "b": OutboxStatus.PENDING,
        "c": OutboxStatus.SUPERSEDED,
        "c2": OutboxStatus.PENDING,
    }
    assert store.requeue(now=at(5)) == 0


# ----------------------------------------------------------------- cursors
def test_cursors_are_set_and_replaced(store: Any) -> None:
    assert store.cursor("hris") is None
    store.commit(PlanChange(cursors=(("hris", "c1"), ("scim", "s1"))))
    store.commit(PlanChange(cursors=(("hris", "c2"),)))
    assert (store.cursor("hris"), store.cursor("scim")) == ("c2", "s1")


# --------------------------------------------------------------- lifecycle
def test_data_survives_reopening(open_store: StoreOpener) -> None:
    first = open_store()
    first.commit(
        PlanChange(
            plans=(reviewed(),), people=(person("r1"),), outbox=(entry("e1"),), cursors=(("hris", "c1"),)
        )
    )
    before = snapshot(first)
    first.close()
    assert snapshot(open_store()) == before


def test_a_closed_store_refuses_calls(real_store: Any) -> None:
    store = real_store
    store.close()
    store.close()  # twice is fine
    with pytest.raises(AdapterError, match="closed"):
        store.load_plan("p1")


def test_errors_and_logs_carry_no_plan_content(store: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    plan = reviewed()
    store.commit(PlanChange(plans=(plan,)))
    with pytest.raises(ConcurrentChange) as stale:
        store.commit(PlanChange(plans=(plan,)))
    assert MARKER not in str(stale.value)
    assert MARKER not in caplog.text
