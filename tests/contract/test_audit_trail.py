"""The audit trail of disclosures, on SQLite and PostgreSQL (and the in-memory store where it can).

Records go in with the change that causes them, or not at all; the trail is
checked by ``verify_audit``, which names the first broken link after a row is
changed, deleted or moved in the real database behind the store's back.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from careerconv_core.disclosures import Disclosure, DisclosureKind
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.errors import ConcurrentChange
from careerconv_core.outbox import Channel, OutboxEntry
from careerconv_core.ports import PlanChange
from careerconv_core.testing import InMemoryStore
from servers import postgres_fixtures
from support.sealed import new_key, place, raw

postgres_server = postgres_fixtures.postgres_server
postgres_dsn = postgres_fixtures.postgres_dsn
__all__ = ["place", "postgres_dsn", "postgres_server"]

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def share(n: int, plan_id: str = "p1", subject: str = "r1") -> Disclosure:
    """A handoff share record, the ``n``-th."""
    return Disclosure(
        T0 + timedelta(minutes=n),
        DisclosureKind.HANDOFF_SHARE,
        subject,
        plan_id,
        f"m{n}",
        ("plan",),
        "yes",
        f"h{n}",
    )


def ticket(eid: str, plan_id: str = "p1", goal: bool = True) -> OutboxEntry:
    """A pending ticket entry; its view carries the goal when ``goal``."""
    goal_text = '"MARKER-goal-text"' if goal else "null"
    return OutboxEntry(
        id=eid,
        key=f"tracker:{eid}",
        channel=Channel.TRACKER,
        payload=f'{{"key": "{eid}", "goal": {goal_text}}}',
        plan_id=plan_id,
        created_at=T0,
        next_attempt_at=T0,
    )


@pytest.fixture
def opened(place: dict[str, Any], tmp_path: Any) -> Any:
    key = new_key(tmp_path)
    store = place["open"](key)
    store.clock = lambda: T0
    yield store
    store.close()


def with_plan(store: Any, *records: Disclosure, entries: tuple[OutboxEntry, ...] = ()) -> None:
    plan = CareerPlan.propose("p1", "r1", "m1", T0)
    store.commit(PlanChange(plans=(plan,), outbox=entries, disclosures=records))


def test_a_commit_appends_its_disclosures_and_a_refused_one_appends_nothing(opened: Any) -> None:
    with_plan(opened, share(1))
    with pytest.raises(ConcurrentChange):  # the same new plan again: refused, and so is its record
        with_plan(opened, share(2))
    trail = opened.audit_trail("r1")
    assert [(e.seq, e.kind, e.detail["recipient"]) for e in trail] == [
        (1, DisclosureKind.HANDOFF_SHARE, "m1")
    ]
    assert opened.verify_audit().ok and opened.verify_audit().checked == 1


def test_what_an_adapter_took_is_recorded_once_with_the_save(opened: Any) -> None:
    with_plan(opened, entries=(ticket("e1"), ticket("e2", goal=False)))
    claimed = opened.claim_outbox(T0, 10, T0 + timedelta(minutes=5))
    opened.save_outbox([e.delivered(("jira",)) for e in claimed])
    opened.save_outbox([e.delivered(("jira",)) for e in claimed])  # saved again: nothing new left
    trail = opened.audit_trail("r1")
    assert [(e.kind, e.detail["recipient"], e.detail["ref"]) for e in trail] == [
        (DisclosureKind.TICKET, "jira", "e1"),
        (DisclosureKind.TICKET, "jira", "e2"),
    ]
    assert "goal" in trail[0].detail["data"] and "goal" not in trail[1].detail["data"]
    assert trail[0].detail["consent"] == "the report chose to share the goal on tickets"
    assert trail[0].at == "2026-03-02T09:00:00.000000Z"


def test_records_hold_no_content_and_their_detail_is_sealed(opened: Any, place: dict[str, Any]) -> None:
    with_plan(opened, share(1), entries=(ticket("e1"),))
    claimed = opened.claim_outbox(T0, 10, T0 + timedelta(minutes=5))
    opened.save_outbox([e.delivered(("jira-cloud",)) for e in claimed])
    details = [raw(place, "SELECT detail FROM audit WHERE seq = ?", n) for n in (1, 2)]
    assert all(d.startswith("cc1:") for d in details)
    assert all("jira-cloud" not in d and "MARKER" not in d for d in details)


def test_the_database_refuses_to_change_or_delete_a_record(opened: Any, place: dict[str, Any]) -> None:
    with_plan(opened, share(1))
    for sql in ("UPDATE audit SET kind = 'export' WHERE seq = 1", "DELETE FROM audit WHERE seq = 1"):
        with pytest.raises(Exception, match="append-only"):
            raw(place, sql)
    assert opened.verify_audit().ok


def _untriggered(place: dict[str, Any], *statements: str) -> None:
    """Change the trail as someone with the file or a superuser could: the triggers dropped first."""
    if place["kind"] == "sqlite":
        drops = ["DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_delete"]
    else:
        drops = ["DROP TRIGGER audit_no_change ON audit"]
    for sql in (*drops, *statements):
        raw(place, sql)


@pytest.mark.parametrize(
    ("statements", "broken", "says"),
    [
        (["UPDATE audit SET kind = 'export' WHERE seq = 2"], 2, "changed"),
        (["UPDATE audit SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = 3"], 3, "changed"),
        (["DELETE FROM audit WHERE seq = 2"], 2, "missing"),
        (["DELETE FROM audit WHERE seq = 4"], 4, "missing"),
        (
            [
                "UPDATE audit SET seq = 100 WHERE seq = 2",
                "UPDATE audit SET seq = 2 WHERE seq = 3",
                "UPDATE audit SET seq = 3 WHERE seq = 100",
            ],
            2,
            "does not follow",
        ),
    ],
)
def test_verify_names_the_first_broken_link(
    opened: Any, place: dict[str, Any], statements: list[str], broken: int, says: str
) -> None:
    with_plan(opened, share(1), share(2), share(3), share(4))
    assert opened.verify_audit().checked == 4
    _untriggered(place, *statements)
    verdict = opened.verify_audit()
    assert not verdict.ok
    assert verdict.broken_at == broken
    assert says in verdict.reason


def test_a_destroyed_plan_leaves_its_records_unreadable_and_the_chain_whole(opened: Any) -> None:
    with_plan(opened, share(1))
    opened.destroy_plan_key("p1")
    (entry,) = opened.audit_trail("r1")
    assert entry.kind is DisclosureKind.HANDOFF_SHARE and entry.detail is None
    assert opened.verify_audit().ok


def test_a_chain_rewritten_without_the_master_key_does_not_verify(opened: Any, place: dict[str, Any]) -> None:
    from careerconv_core.disclosures import GENESIS, link

    with_plan(opened, share(1))
    row = [
        raw(place, f"SELECT {c} FROM audit WHERE seq = 1")  # noqa: S608 - the test's own column names
        for c in ("at", "subject_id", "plan_id", "kind")
    ]
    forged = link(b"", GENESIS, 1, (*row[:3], "export", "{}"))  # recomputed as if it were a plain hash
    _untriggered(place)
    raw(place, "UPDATE audit SET kind = 'export', detail = '{}', hash = ? WHERE seq = 1", forged)
    assert opened.verify_audit().broken_at == 1


def test_the_in_memory_store_keeps_the_same_trail() -> None:
    store = InMemoryStore()
    with_plan(store, share(1), entries=(ticket("e1"),))
    claimed = store.claim_outbox(T0, 10, T0 + timedelta(minutes=5))
    store.save_outbox([e.delivered(("jira",)) for e in claimed])
    assert [e.kind for e in store.audit_trail("r1")] == [DisclosureKind.HANDOFF_SHARE, DisclosureKind.TICKET]
    assert store.verify_audit().checked == 2
    store.trail[0] = store.trail[1]
    assert store.verify_audit().broken_at == 1


def test_a_tampered_sealed_detail_is_refused_naming_the_record(opened: Any, place: dict[str, Any]) -> None:
    from careerconv_core.errors import AdapterError

    with_plan(opened, share(1))
    detail = raw(place, "SELECT detail FROM audit WHERE seq = 1")
    flipped = detail[:-6] + ("A" if detail[-6] != "A" else "B") + detail[-5:]
    _untriggered(place)
    raw(place, "UPDATE audit SET detail = ? WHERE seq = 1", flipped)
    with pytest.raises(AdapterError, match="audit record 1 cannot be decrypted") as caught:
        opened.audit_trail("r1")
    assert "m1" not in str(caught.value)
    assert opened.verify_audit().broken_at == 1
