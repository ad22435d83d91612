"""Privacy figures on an encrypted SQLite store: the audit trail's cost, its check, erasure, retention.

Run from the project root::

    python benchmarks/bench_privacy.py                # 100,000 records and plans
    python benchmarks/bench_privacy.py --size 10000   # quicker

(SQLite, and with ``--postgres`` a throwaway PostgreSQL cluster too.)

1. Commit of one step (a plan and one ticket entry), then a save of that entry
   as delivered: median and 95th percentile without and with its disclosure
   record (the save appends one record to the chain in its transaction).
2. ``verify_audit`` over N records.
3. Erasure of one person (their plan's key destroyed, removed from people,
   one record) in a store of N plans.
4. ``maintain``'s work over N plans, a third of them declined long ago:
   read the ended ones, erase the expired in commits of 200, then vacuum.
5. ``person export`` and ``person erase`` (a dry run: the reads, no commit)
   of one person, through the use cases, in a store of N plans with one
   outbox entry each (``--only rights`` runs this part alone).

The load average is printed beside the figures: the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from careerconv_core.disclosures import Disclosure, DisclosureKind
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.domain.retention import expired_plans
from careerconv_core.domain.roles import Actor
from careerconv_core.outbox import Channel, OutboxEntry
from careerconv_core.ports import PlanChange
from careerconv_plugins.sql.sealing import create_key_file, key_from_file
from careerconv_plugins.sqlite_store.adapter import SqliteStore

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def load() -> str:
    """The load average, for beside each figure."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values``, in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def entry(n: int, plan_id: str) -> OutboxEntry:
    """A ticket entry whose view carries the goal."""
    return OutboxEntry(
        f"e{n}", f"tracker:t{n}", Channel.TRACKER, '{"key": "t", "goal": "g"}', plan_id, T0, T0
    )


def step_commits(store: Any, count: int) -> None:
    """Commit and deliver one entry per step, with and without the record in the save, alternating
    (so a change in the machine's load meanwhile falls on both alike)."""
    times: dict[bool, list[float]] = {False: [], True: []}
    for n in range(count):
        for recorded in (False, True):
            plan = CareerPlan.propose(f"s{int(recorded)}-{n}", f"r{n}", "m1", T0)
            e = entry(2 * n + int(recorded), plan.id)
            start = time.perf_counter()
            store.commit(PlanChange(plans=(plan,), outbox=(e,)))
            taken = store.claim_outbox(T0, 1, T0 + timedelta(minutes=5))
            # Without a record: saved as to be retried (no adapter took it, nothing left the pair).
            saved = [
                x.delivered(("jira",)) if recorded else x.retry_at(T0 + timedelta(days=9), "later", ())
                for x in taken
            ]
            store.save_outbox(saved)
            times[recorded].append(time.perf_counter() - start)
    for recorded, what in ((False, "without a record        "), (True, "with its disclosure record")):
        got = times[recorded]
        print(f"  commit + claim + save, {what}: median {pct(got, 0.5):.2f} ms, p95 {pct(got, 0.95):.2f} ms")


def rights(store: Any, size: int) -> None:
    """Export and erasure of one person in a store of ``size`` plans, each with one outbox entry."""
    from careerconv_core.domain.people import Person  # noqa: PLC0415 - this part only
    from careerconv_core.services.rights import RightsSteps  # noqa: PLC0415

    began = time.perf_counter()
    people = [Person(f"m{n}", f"Manager {n}", f"m{n}@example.com") for n in range(700)]
    people += [
        Person(f"q{n}", f"Report {n}", f"q{n}@example.com", manager_id=f"m{n % 700}") for n in range(40)
    ]
    store.commit(PlanChange(people=tuple(people)))
    for start in range(0, size, 2000):
        plans = [
            CareerPlan.propose(f"q-{n}", f"q{n}", f"m{n % 700}", T0)
            for n in range(start, min(size, start + 2000))
        ]
        store.commit(
            PlanChange(
                plans=tuple(plans), outbox=tuple(entry(10**7 + n, p.id) for n, p in enumerate(plans, start))
            )
        )
    print(f"  {size:,} plans and outbox entries loaded in {time.perf_counter() - began:.1f} s ({load()})")
    for how, reads in (("whole reads (before)", _WholeOutbox(store)), ("indexed reads (now)", store)):
        svc = RightsSteps(store=reads, clock=lambda: T0, new_id=lambda: "bench")
        for what, call in (
            ("person export (subject_export)", lambda n, s=svc: s.subject_export(f"q{n}")),
            ("person erase --dry-run (erase_person)", lambda n, s=svc: s.erase_person(f"q{n}", dry_run=True)),
        ):
            times = []
            for n in range(1, 4):
                began = time.perf_counter()
                call(n)
                times.append(time.perf_counter() - began)
            print(f"  {what}, {how}: median {statistics.median(times) * 1000:.1f} ms over 3 ({load()})")


class _WholeOutbox:
    """The store without its reads by plan and by manager: the use cases then read the whole outbox
    and every plan, as they did before those reads."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        if name in {"outbox_of", "plans_naming"}:
            raise AttributeError(name)
        return getattr(self._store, name)


def run(store: Any, name: str, size: int, steps: int) -> None:
    """Every figure on one encrypted store."""
    store.clock = lambda: T0
    print(f"encrypted {name} store, {load()}")
    step_commits(store, steps)

    records = [
        Disclosure(T0, DisclosureKind.TICKET, f"r{n % 5000}", f"p{n % 5000}", "jira", ("action",), "opt-in")
        for n in range(size)
    ]
    for start in range(0, len(records), 2000):
        store.record_disclosures(records[start : start + 2000])
    began = time.perf_counter()
    verdict = store.verify_audit()
    print(f"  verify_audit over {verdict.checked:,} records: {time.perf_counter() - began:.2f} s ({load()})")

    old = T0 - timedelta(days=800)
    plans = []
    for n in range(size):
        plan = CareerPlan.propose(f"p{n}", f"r{n}", f"m{n % 700}", old)
        if n % 3 == 0:
            plan = plan.decline(Actor.REPORT, old)  # declined long ago
        plans.append(plan)
    for start in range(0, len(plans), 2000):
        store.commit(PlanChange(plans=tuple(plans[start : start + 2000])))
    print(f"  {size:,} plans loaded ({load()})")

    times = []
    for n in range(1, 40, 3):
        began = time.perf_counter()
        gone = Disclosure(T0, DisclosureKind.ERASURE, f"r{n}", None, "careerconv", ("1 plan(s) destroyed",))
        store.commit(PlanChange(removed_people=(f"r{n}",), disclosures=(gone,), destroyed_plans=(f"p{n}",)))
        times.append(time.perf_counter() - began)
    print(f"  erase one person (store commit): median {statistics.median(times) * 1000:.2f} ms ({load()})")

    began = time.perf_counter()
    expired = expired_plans(store.plan_endings(["declined", "ended"]), T0, 12)
    found = time.perf_counter() - began
    for start in range(0, len(expired), 200):
        chunk = expired[start : start + 200]
        store.commit(
            PlanChange(
                destroyed_plans=tuple(p.plan_id for p in chunk),
                disclosures=tuple(
                    Disclosure(T0, DisclosureKind.RETENTION, p.report_id, p.plan_id, "careerconv")
                    for p in chunk
                ),
            )
        )
    erased = time.perf_counter() - began - found
    began = time.perf_counter()
    store.vacuum()
    vacuumed = time.perf_counter() - began
    print(
        f"  maintain over {size:,} plans: {len(expired):,} expired found in {found:.2f} s, "
        f"erased in {erased:.2f} s, vacuum {vacuumed:.2f} s ({load()})"
    )
    store.close()


def main() -> None:
    """Run every figure on SQLite, then (``--postgres``) on a throwaway PostgreSQL cluster."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL (durable defaults)")
    parser.add_argument("--only", choices=("rights",), help="run only this part")
    args = parser.parse_args()
    if args.only == "rights":
        with tempfile.TemporaryDirectory() as folder:
            create_key_file(Path(folder) / "k")
            store = SqliteStore(Path(folder) / "plans.db", key=key_from_file(Path(folder) / "k", "bench"))
            print(f"encrypted SQLite store, {load()}")
            rights(store, args.size)
        return
    with tempfile.TemporaryDirectory() as folder:
        create_key_file(Path(folder) / "k")
        key = key_from_file(Path(folder) / "k", "bench")
        run(SqliteStore(Path(folder) / "plans.db", key=key), "SQLite", args.size, args.steps)
        if args.postgres:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
            from careerconv_plugins.postgres_store.adapter import PostgresStore  # noqa: PLC0415
            from servers.postgres import start_postgres  # noqa: PLC0415 - only when asked for

            server = start_postgres(durable=True)
            try:
                store = PostgresStore(server.create_database("bench"), key=key)
                run(store, "PostgreSQL", args.size, args.steps)
            finally:
                server.stop()


if __name__ == "__main__":
    main()
