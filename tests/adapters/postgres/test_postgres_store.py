"""The PostgreSQL store beyond the shared contract: several dispatcher processes
on one outbox (SKIP LOCKED), lock and connection errors, schema versions, settings.

Runs on a throwaway cluster (``servers.postgres``) on 127.0.0.1.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

import psycopg
import pytest
from attrs import evolve

from careerconv_core.dispatch import Dispatcher
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.errors import AdapterError, ConcurrentChange, ConfigurationError
from careerconv_core.outbox import Channel, OutboxEntry, OutboxStatus
from careerconv_core.ports import DeliveryOutcome, OutcomeStatus, PlanChange
from careerconv_core.serialization import dumps
from careerconv_core.views import NoticeKind, NoticeView, Participant
from careerconv_plugins.postgres_store import schema
from careerconv_plugins.postgres_store.adapter import PostgresStore
from careerconv_plugins.postgres_store.client import describe_dsn
from careerconv_plugins.postgres_store.plugin import dsn_from_settings, from_settings
from careerconv_plugins.sql.sealing import create_key_file
from servers import free_port, postgres_fixtures

# The cluster fixtures, for this module (tests/conftest.py does not load them).
postgres_server = postgres_fixtures.postgres_server
postgres_dsn = postgres_fixtures.postgres_dsn

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
LEASE = T0 + timedelta(minutes=5)


def entry(eid: str) -> OutboxEntry:
    """A pending entry due at T0, each for its own thing."""
    return OutboxEntry(
        id=eid,
        key=f"k-{eid}",
        channel=Channel.TRACKER,
        payload="{}",
        plan_id="p1",
        created_at=T0,
        next_attempt_at=T0,
    )


def drain(dsn: str, batch: int) -> list[str]:
    """One dispatcher: claim, "deliver" to a no-op adapter, save; until nothing is left."""
    taken: list[str] = []
    with PostgresStore(dsn) as store:
        while claimed := store.claim_outbox(T0, batch, LEASE):
            taken.extend(e.id for e in claimed)
            store.save_outbox([e.delivered(("noop",)) for e in claimed])
    return taken


def drain_in_process(dsn: str, batch: int, start: Barrier, out: Queue[list[str]]) -> None:
    """``drain`` in a child process, starting together with its siblings."""
    start.wait(timeout=30)
    out.put(drain(dsn, batch))


# ------------------------------------------------------------- dispatchers
def test_dispatcher_processes_never_deliver_an_entry_twice(postgres_dsn: str) -> None:
    with PostgresStore(postgres_dsn) as store:
        store.commit(PlanChange(outbox=tuple(entry(f"e{n:04}") for n in range(400))))
    # spawn, not fork: a forked child would share the parent's sockets.
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Barrier(4), ctx.Queue()
    workers = [ctx.Process(target=drain_in_process, args=(postgres_dsn, 4, start, out)) for _ in range(4)]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=10)
        assert worker.exitcode == 0
    delivered = [eid for taken in results for eid in taken]
    assert len(delivered) == 400
    assert len(set(delivered)) == 400
    assert sum(1 for taken in results if taken) >= 2  # the work really was shared
    with PostgresStore(postgres_dsn) as store:
        assert {e.status for e in store.outbox()} == {OutboxStatus.DELIVERED}


def test_dispatcher_threads_never_deliver_an_entry_twice(postgres_dsn: str) -> None:
    with PostgresStore(postgres_dsn) as store:
        store.commit(PlanChange(outbox=tuple(entry(f"e{n:04}") for n in range(400))))
    results: list[list[str]] = []
    threads = [threading.Thread(target=lambda: results.append(drain(postgres_dsn, 3))) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    delivered = [eid for taken in results for eid in taken]
    assert len(results) == 6
    assert sorted(delivered) == [f"e{n:04}" for n in range(400)]


def test_the_dispatcher_in_several_threads_sends_each_notice_once(postgres_dsn: str) -> None:
    sent: list[str] = []
    guard = threading.Lock()

    class CountingNotifier:
        """A no-op notifier that records every key it is handed."""

        def deliver_notices(self, notices: Sequence[NoticeView]) -> Sequence[DeliveryOutcome]:
            with guard:
                sent.extend(n.key for n in notices)
            return [DeliveryOutcome(n.key, OutcomeStatus.DELIVERED) for n in notices]

    def notice(n: int) -> OutboxEntry:
        view = NoticeView(
            key=f"notice-{n:03}",
            kind=NoticeKind.PROPOSAL,
            recipient=Participant(f"r{n}", f"Report {n}", f"r{n}@example.com"),
            subject="Career Conversations",
            body="Your manager proposed Career Conversations.",
        )
        return evolve(entry(f"n{n:03}"), key=view.key, channel=Channel.NOTIFIER, payload=dumps(view))

    with PostgresStore(postgres_dsn) as store:
        store.commit(PlanChange(outbox=tuple(notice(n) for n in range(150))))

    def run() -> None:
        with PostgresStore(postgres_dsn) as store:
            dispatcher = Dispatcher(
                store=store,
                adapters={Channel.NOTIFIER: [("counting", CountingNotifier())]},
                clock=lambda: T0,
            )
            while dispatcher.run_once(limit=4).claimed:
                pass

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(sent) == [f"notice-{n:03}" for n in range(150)]
    with PostgresStore(postgres_dsn) as store:
        assert {e.status for e in store.outbox()} == {OutboxStatus.DELIVERED}


def test_claim_skips_rows_another_dispatcher_is_claiming(postgres_dsn: str) -> None:
    with PostgresStore(postgres_dsn, lock_timeout=5) as store:
        store.commit(PlanChange(outbox=(entry("e1"), entry("e2"))))
        with psycopg.connect(postgres_dsn) as other:  # a transaction mid-claim holds e1
            other.execute("SELECT id FROM outbox WHERE id = 'e1' FOR UPDATE")
            started = datetime.now(UTC)
            claimed = store.claim_outbox(T0, 10, LEASE)
            waited = datetime.now(UTC) - started
            other.rollback()
        assert [e.id for e in claimed] == ["e2"]
        assert waited < timedelta(seconds=2)  # skipped, not waited for
        assert [e.id for e in store.claim_outbox(T0, 10, LEASE)] == ["e1"]


# ------------------------------------------------------------ concurrency
def test_two_writers_of_one_plan_one_wins(postgres_dsn: str) -> None:
    v1 = CareerPlan.propose("p1", "r1", "m1", T0)
    with PostgresStore(postgres_dsn) as store:
        store.commit(PlanChange(plans=(v1,)))
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def writer() -> None:
        with PostgresStore(postgres_dsn) as store:
            barrier.wait()
            try:
                store.commit(PlanChange(plans=(evolve(v1, version=2),)))
                outcomes.append("ok")
            except ConcurrentChange:
                outcomes.append("conflict")

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "ok"]


def test_a_lock_wait_past_the_timeout_is_retryable(postgres_dsn: str) -> None:
    v1 = CareerPlan.propose("p1", "r1", "m1", T0)
    with PostgresStore(postgres_dsn, lock_timeout=0.2) as store:
        store.commit(PlanChange(plans=(v1,)))
        with psycopg.connect(postgres_dsn) as other:
            other.execute("SELECT id FROM plans WHERE id = 'p1' FOR UPDATE")
            with pytest.raises(AdapterError) as stuck:
                store.commit(PlanChange(plans=(evolve(v1, version=2),), outbox=(entry("e1"),)))
            other.rollback()
        assert stuck.value.retryable
        assert store.outbox() == []
        assert store.load_plan("p1").version == 1


def test_a_lost_connection_is_retryable_and_the_next_call_reconnects(postgres_dsn: str) -> None:
    with PostgresStore(postgres_dsn) as store:
        store.commit(PlanChange(outbox=(entry("e1"),)))
        with psycopg.connect(postgres_dsn, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        with pytest.raises(AdapterError) as lost:
            store.outbox()
        assert lost.value.retryable
        assert [e.id for e in store.outbox()] == ["e1"]


def test_an_unreachable_server_is_retryable_and_hides_the_password() -> None:
    dsn = f"host=127.0.0.1 port={free_port()} dbname=plans user=u password=s3cret-pw"
    with pytest.raises(AdapterError) as down:
        PostgresStore(dsn, connect_timeout=2)
    assert down.value.retryable
    assert "s3cret-pw" not in str(down.value)
    assert "127.0.0.1" in str(down.value)


# ------------------------------------------------------------------ schema
def test_the_schema_is_versioned_and_a_newer_one_is_refused(postgres_dsn: str) -> None:
    PostgresStore(postgres_dsn).close()
    PostgresStore(postgres_dsn).close()  # opening again migrates nothing
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_version")]
        assert versions == list(range(1, schema.SCHEMA_VERSION + 1))
        conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (schema.SCHEMA_VERSION + 1,))
    with pytest.raises(ConfigurationError, match="newer than this careerconv"):
        PostgresStore(postgres_dsn)


# ---------------------------------------------------------------- settings
def test_settings_take_a_dsn_or_the_name_of_a_variable_holding_it(
    postgres_dsn: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CAREERCONV_TEST_DSN", postgres_dsn)
    assert dsn_from_settings({"dsn_env": "CAREERCONV_TEST_DSN"}) == postgres_dsn
    with pytest.raises(ConfigurationError, match="not both"):
        dsn_from_settings({"dsn": postgres_dsn, "dsn_env": "CAREERCONV_TEST_DSN"})
    with pytest.raises(ConfigurationError, match="CAREERCONV_UNSET"):
        dsn_from_settings({"dsn_env": "CAREERCONV_UNSET"})
    with pytest.raises(ConfigurationError, match="'dsn'"):
        dsn_from_settings({})
    with pytest.raises(ConfigurationError, match="postgres store: no master key"):
        from_settings({"dsn_env": "CAREERCONV_TEST_DSN"})
    create_key_file(tmp_path / "pg.key")
    store = from_settings({"dsn_env": "CAREERCONV_TEST_DSN", "key_file": str(tmp_path / "pg.key")})
    assert isinstance(store, PostgresStore) and store.sealed
    store.close()


@pytest.mark.parametrize(
    "dsn",
    [
        "host=db dbname=cc user=cc password=s3cret",
        "host=db dbname=cc user=cc PASSWORD = s3cret",
        "postgresql://cc:s3cret@db/cc",
        "postgres://db/cc?user=cc&password=s3cret",
    ],
)
def test_a_password_inline_in_the_config_dsn_is_refused_without_echoing_it(dsn: str) -> None:
    with pytest.raises(ConfigurationError, match=r"holds a password.*'dsn_env'") as caught:
        dsn_from_settings({"dsn": dsn})
    assert "s3cret" not in str(caught.value)


def test_a_dsn_without_a_password_is_taken_as_it_is() -> None:
    for dsn in ("host=db dbname=cc user=cc", "postgresql://cc@db/cc", "host=db dbname=password_db"):
        assert dsn_from_settings({"dsn": dsn}) == dsn


def test_a_missing_database_is_a_configuration_error(postgres_dsn: str) -> None:
    dsn = postgres_dsn.replace("dbname=", "dbname=nonexistent_")
    with pytest.raises(ConfigurationError, match="no such database"):
        PostgresStore(dsn)


def test_a_malformed_dsn_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="dsn is not valid"):
        PostgresStore("host=127.0.0.1 port=5432 nonsense password=s3cret")
    assert "s3cret" not in describe_dsn("host=db port=6543 dbname=x password=s3cret")
    assert describe_dsn("host=db port=6543 dbname=x password=s3cret") == "db:6543/x"


def test_the_plugin_is_registered_under_the_careerconv_entry_points() -> None:
    from importlib.metadata import entry_points

    names = {ep.name: ep.value for ep in entry_points(group="careerconv")}
    assert names.get("postgres") == "careerconv_plugins.postgres_store.plugin"


def test_a_dsn_pasted_into_dsn_env_is_not_printed() -> None:
    from careerconv_plugins.postgres_store import plugin as postgres_plugin

    with pytest.raises(ConfigurationError) as refused:
        postgres_plugin.from_settings({"dsn_env": "postgresql://app:SECRETPASSWORD@db.example.com/cc"})
    assert "SECRETPASSWORD" not in str(refused.value)
    assert "dsn_env" in str(refused.value)
