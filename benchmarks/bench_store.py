"""Plan store figures: 'what is due today' over 100,000 plans, commit and outbox throughput.

Run from the project root::

    python benchmarks/bench_store.py                 # SQLite and a throwaway PostgreSQL
    python benchmarks/bench_store.py --only sqlite
    python benchmarks/bench_store.py --plans 20000   # quicker

What it does, per store:

1. Bulk-loads N plans (default 100,000) in one transaction: real plan JSON
   (built with the domain API from about a thousand templates, then given
   their own plan, report and manager ids) and their due rows.
2. Times ``due_on(today)``, a heavy ``due_on(today + 92 days)`` and
   ``due_on(today, manager_id)`` in a fresh child process, and reports that
   process's peak resident memory (the whole interpreter, not just the query).
   The plans are in a steady state of the method (see ``_template``): most
   teams keep the rhythm, so "today" returns a few items per hundred plans;
   the heavy day shows how the query grows with the answer.
3. Times ``commit`` of single new plans, one transaction each (plans/s).
4. PostgreSQL: delivers 20,000 outbox entries with 1, 2 and 4 dispatcher
   processes (claim 50, a no-op adapter, save) and checks every entry was
   delivered exactly once. SQLite: the same, on one file.
5. Encryption at rest, on the same plans: the latency of committing one step
   (a plan read, changed and committed; median and 95th percentile) in clear
   text; then the store is opened with a master key, which seals every plan
   (timed: what an existing store's first open with a key costs), and
   ``due_on(today)`` and the step commit are timed again, encrypted.

The PostgreSQL cluster is started by ``tests/servers/postgres.py`` with its
durable defaults (fsync on), on 127.0.0.1; pass ``--dsn`` to use your own.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from attrs import evolve

from careerconv_core.domain.cadence import CheckInKind
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.domain.feedback import FeedbackRating
from careerconv_core.domain.grow import (
    Action,
    DevelopmentOption,
    Goal,
    GrowPlan,
    Opportunity,
    OpportunityKind,
)
from careerconv_core.domain.pinnacle import CompetencyRating, Pinnacle, PinnacleRole
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.domain.roles import Actor
from careerconv_core.outbox import Channel, OutboxEntry
from careerconv_core.ports import PlanChange
from careerconv_core.serialization import dumps
from careerconv_plugins.sqlite_store import mapping as sqlite_mapping

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
REPORTS_PER_MANAGER = 8
PLAN, REPORT, MANAGER = "qqPLANqq", "qqREPORTqq", "qqMANAGERqq"  # placeholders in template JSON (valid ids)
PLANS: list[int] = []  # how many plans this run loads (--plans)


# ------------------------------------------------------------------ plans
def _pinnacle() -> Pinnacle:
    return Pinnacle(
        dream="build products people love",
        roles=(
            PinnacleRole("cpo", "Chief Product Officer", "a software company"),
            PinnacleRole("founder", "Founder", "a startup"),
        ),
        crossed_out=("law",),
        chosen_role_id="cpo",
        competencies=(
            CompetencyRating("strategy", "Product strategy"),
            CompetencyRating("people", "Leading people"),
            CompetencyRating("story", "Storytelling"),
        ),
    )


def _grow(starts: date) -> GrowPlan:
    return GrowPlan(
        goal=Goal("cpo", "become a chief product officer"),
        starts=starts,
        options=(DevelopmentOption("strategy", ("shadow the product lead",)),),
        actions=(
            Action(
                id="a1",
                title="Run the quarterly roadmap review",
                owner_id=REPORT,
                due=starts + timedelta(days=60),
                done_when="the review is held",
                opportunity=Opportunity(OpportunityKind.PROJECT, "roadmap review"),
                competency_id="strategy",
            ),
        ),
    )


def _template(n: int) -> CareerPlan:
    """Plan ``n`` of the templates, in a steady state of the method.

    One in five is a proposal not yet answered (nothing due). The rest held
    their GROW review 100-400 days ago, then kept to the rhythm (M10) as a
    real team would: a check-in within the last 34 days, an extended review
    and a GROW revision within the last 95; so a few of each are due today
    or overdue.
    """
    held = NOW - timedelta(days=100 + n * 7 % 300)
    plan = CareerPlan.propose(PLAN, REPORT, MANAGER, held - timedelta(days=30))
    if n % 5 == 0:
        return plan
    plan = plan.accept(Actor.REPORT, held - timedelta(days=29), True)
    plan = plan.confirm_readiness(Actor.MANAGER, True, True, held - timedelta(days=28))
    plan = plan.record_held(ConversationKind.LIFE_STORY, held - timedelta(days=20))
    plan = plan.record_pinnacle(_pinnacle(), Actor.MANAGER, held - timedelta(days=10))
    plan = plan.rate("strategy", 2, Actor.REPORT, held - timedelta(days=10))
    plan = plan.choose_focus(("strategy",), Actor.REPORT, held - timedelta(days=10))
    plan = plan.record_held(ConversationKind.PINNACLE, held - timedelta(days=10))
    plan = plan.write_grow(_grow((held - timedelta(days=5)).date()), Actor.REPORT, held - timedelta(days=5))
    plan = plan.record_held(ConversationKind.GROW_REVIEW, held)
    plan = plan.give_feedback(FeedbackRating(Actor.REPORT, REPORT, 8, held))
    plan = plan.give_feedback(FeedbackRating(Actor.MANAGER, MANAGER, 7, held))
    reviewed = NOW - timedelta(days=n * 13 % 95)
    plan = plan.check_in(CheckInKind.EXTENDED_REVIEW, reviewed)
    plan = plan.check_in(CheckInKind.CHECK_IN, NOW - timedelta(days=n * 11 % 34))
    revised = NOW - timedelta(days=n * 17 % 95)
    return plan.write_grow(_grow(revised.date()), Actor.REPORT, revised)


def templates() -> list[tuple[str, list[tuple[str, str, str, str, str]]]]:
    """Plan JSON and due rows with placeholder ids, for a spread of stages and dates."""
    out = []
    for n in range(1000):
        plan = _template(n)
        out.append((dumps(plan), sqlite_mapping.ROWS.due_rows(plan)))
    return out


def plan_rows(count: int) -> Iterator[tuple[tuple[Any, ...], list[tuple[str, ...]]]]:
    """``(plans row, due rows)`` for ``count`` plans with their own ids, as SQLite stores them."""
    tpl = templates()
    for n in range(count):
        body, dues = tpl[n % len(tpl)]
        pid, rid, mid = f"plan-{n:06}", f"rep-{n:06}", f"mgr-{n // REPORTS_PER_MANAGER:05}"
        text = body.replace(PLAN, pid).replace(REPORT, rid).replace(MANAGER, mid)
        status = "proposed" if not dues and '"status":"proposed"' in text else "active"
        yield (
            (pid, rid, mid, status, 1, text),
            [(pid, rid, mid, kind, due) for _p, _r, _m, kind, due in dues],
        )


def check_sample(load: Callable[[str], CareerPlan]) -> None:
    """The bulk-loaded JSON is real: a stored plan loads and agrees with its due rows."""
    plan = load("plan-000001")
    assert plan.id == "plan-000001"
    assert plan.report_id == "rep-000001"
    assert plan.due_items(), "plan-000001 should have due items"


# ----------------------------------------------------------------- SQLite
def load_sqlite(path: Path, count: int) -> float:
    """Bulk-insert ``count`` plans into a migrated SQLite store; seconds taken."""
    from careerconv_plugins.sqlite_store.adapter import SqliteStore  # noqa: PLC0415

    SqliteStore(path).close()  # creates and migrates
    started = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    for plan, dues in plan_rows(count):
        conn.execute("INSERT INTO plans VALUES (?, ?, ?, ?, ?, ?)", plan)
        conn.executemany("INSERT INTO due VALUES (?, ?, ?, ?, ?)", dues)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return time.perf_counter() - started


# ------------------------------------------------------------- PostgreSQL
def load_postgres(dsn: str, count: int) -> float:
    """Bulk-load ``count`` plans into a migrated PostgreSQL store with COPY; seconds taken."""
    import psycopg  # noqa: PLC0415

    from careerconv_plugins.postgres_store.adapter import PostgresStore  # noqa: PLC0415

    PostgresStore(dsn).close()
    started = time.perf_counter()
    with psycopg.connect(dsn) as conn:
        with conn.cursor() as cur:
            rows = list(plan_rows(count))
            with cur.copy("COPY plans (id, report_id, manager_id, status, version, body) FROM STDIN") as copy:
                for plan, _dues in rows:
                    copy.write_row(plan)
            due_copy = "COPY due (plan_id, report_id, manager_id, kind, due) FROM STDIN"
            with cur.copy(due_copy) as copy:
                for _plan, dues in rows:
                    for due in dues:
                        copy.write_row(due)
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


# ------------------------------------------------------------------ stores
KEY_FILE: list[str] = []  # the master key file, once the store is encrypted (step 5)


def open_store(kind: str, target: str) -> Any:
    """A store of ``kind`` on ``target`` (a file path or a DSN), encrypted once ``KEY_FILE`` is set."""
    from careerconv_plugins.sql.sealing import key_from_file  # noqa: PLC0415

    key = key_from_file(Path(KEY_FILE[0]), "bench") if KEY_FILE else None
    if kind == "sqlite":
        from careerconv_plugins.sqlite_store.adapter import SqliteStore  # noqa: PLC0415

        return SqliteStore(target, key=key)
    from careerconv_plugins.postgres_store.adapter import PostgresStore  # noqa: PLC0415

    return PostgresStore(target, key=key)


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB.

    Not ``getrusage``: on Linux its ``ru_maxrss`` survives ``exec`` and would
    report the parent's peak for a fresh child.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def query_child(kind: str, target: str) -> None:
    """In a fresh process: time the due queries and print JSON with the peak memory."""
    store = open_store(kind, target)
    check_sample(store.load_plan)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        items = store.due_on(TODAY)
        timings.append(time.perf_counter() - started)
        count = len(items)
        del items
    rss_mb = peak_rss_mb()
    # A heavy day: everything due within the next quarter.
    started = time.perf_counter()
    heavy = len(store.due_on(TODAY + timedelta(days=92)))
    heavy_s = time.perf_counter() - started
    heavy_rss_mb = peak_rss_mb()
    tracemalloc.start()  # after the timings: tracing slows every allocation
    store.due_on(TODAY)
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    managers = [f"mgr-{n:05}" for n in range(0, 12000, 12)]
    started = time.perf_counter()
    per_manager = sum(len(store.due_on(TODAY, manager_id=m)) for m in managers)
    manager_ms = (time.perf_counter() - started) / len(managers) * 1000
    store.close()
    print(
        json.dumps(
            {
                "first_s": timings[0],
                "best_s": min(timings),
                "items": count,
                "heavy_s": heavy_s,
                "heavy_items": heavy,
                "heavy_rss_mb": heavy_rss_mb,
                "python_peak_mb": traced_peak / 2**20,
                "process_peak_rss_mb": rss_mb,
                "manager_ms": manager_ms,
                "manager_items": per_manager / len(managers),
            }
        )
    )


def measure_query(kind: str, target: str) -> dict[str, float]:
    """Run ``query_child`` in a new interpreter and return its figures."""
    out = subprocess.run(
        [sys.executable, __file__, "--query-child", kind, target, *KEY_FILE],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def commit_throughput(kind: str, target: str, count: int = 1000) -> float:
    """Plans per second committed one use case (one transaction) at a time."""
    store = open_store(kind, target)
    plans = [CareerPlan.propose(f"new-{n:05}", f"nrep-{n:05}", "mgr-00001", NOW) for n in range(count)]
    started = time.perf_counter()
    for plan in plans:
        store.commit(PlanChange(plans=(plan,)))
    elapsed = time.perf_counter() - started
    store.close()
    return count / elapsed


def step_latency(kind: str, target: str, count: int = 400) -> tuple[float, float]:
    """Median and 95th percentile, in ms, of one step: a plan loaded, changed, committed."""
    store = open_store(kind, target)
    took = []
    for n in range(count):
        plan = store.load_plan(f"plan-{n * 97 % PLANS[0]:06}")
        started = time.perf_counter()
        store.commit(PlanChange(plans=(evolve(plan, version=plan.version + 1),)))
        took.append((time.perf_counter() - started) * 1000)
    store.close()
    took.sort()
    return statistics.median(took), took[int(len(took) * 0.95)]


def sealing(kind: str, target: str) -> None:
    """Step 5: the step commit in clear text; seal the store; due_on and the step commit sealed."""
    from careerconv_plugins.sql.sealing import create_key_file  # noqa: PLC0415

    folder = Path(tempfile.mkdtemp(prefix="careerconv-bench-key-"))

    clear_q = measure_query(kind, target)
    clear_median, clear_p95 = step_latency(kind, target)
    create_key_file(folder / f"{kind}.key")
    KEY_FILE.append(str(folder / f"{kind}.key"))
    started = time.perf_counter()
    open_store(kind, target).close()  # the first open with a key seals every plan
    sealed_s = time.perf_counter() - started
    sealed_q = measure_query(kind, target)
    sealed_median, sealed_p95 = step_latency(kind, target)
    KEY_FILE.clear()
    shutil.rmtree(folder)
    print(f"encryption at rest: first open with a key sealed {PLANS[0]:,} plans in {sealed_s:.1f} s")
    print(
        f"  due_on(today): {clear_q['best_s'] * 1000:.0f} ms clear, {sealed_q['best_s'] * 1000:.0f} ms "
        f"encrypted ({sealed_q['best_s'] / clear_q['best_s']:.2f}x)"
    )
    print(
        f"  commit of one step: median {clear_median:.2f} ms clear, {sealed_median:.2f} ms encrypted; "
        f"p95 {clear_p95:.2f} ms clear, {sealed_p95:.2f} ms encrypted"
    )


# ------------------------------------------------------------------ outbox
def dispatcher(kind: str, target: str, start: Any, out: Any) -> None:
    """Claim 50 at a time, deliver to a no-op adapter, save; report the ids taken."""
    store = open_store(kind, target)
    taken: list[str] = []
    lease = NOW + timedelta(minutes=5)
    start.wait()
    while batch := store.claim_outbox(NOW, 50, lease):
        taken.extend(e.id for e in batch)
        store.save_outbox([e.delivered(("noop",)) for e in batch])
    store.close()
    out.put(taken)


def outbox_throughput(kind: str, target: str, workers: int, entries: int) -> tuple[float, str]:
    """Entries per second delivered by ``workers`` processes, and a duplicate check."""
    store = open_store(kind, target)
    tag = f"w{workers}"
    batch = [
        OutboxEntry(
            id=f"{tag}-{n:06}",
            key=f"{tag}-key-{n:06}",
            channel=Channel.TRACKER,
            payload="{}",
            plan_id="plan-000001",
            created_at=NOW - timedelta(minutes=1),
            next_attempt_at=NOW - timedelta(minutes=1),
        )
        for n in range(entries)
    ]
    for n in range(0, entries, 1000):
        store.commit(PlanChange(outbox=tuple(batch[n : n + 1000])))
    store.close()
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Barrier(workers + 1), ctx.Queue()
    procs = [ctx.Process(target=dispatcher, args=(kind, target, start, out)) for _ in range(workers)]
    for proc in procs:
        proc.start()
    start.wait()
    started = time.perf_counter()
    results = [out.get() for _ in procs]
    elapsed = time.perf_counter() - started
    for proc in procs:
        proc.join()
    delivered = [eid for taken in results for eid in taken]
    ok = len(delivered) == entries and len(set(delivered)) == entries
    shares = "/".join(str(len(t)) for t in results)
    verdict = f"{len(delivered)} delivered ({shares}), " + (
        "no duplicates" if ok else f"{len(delivered) - len(set(delivered))} DUPLICATES"
    )
    return entries / elapsed, verdict


# -------------------------------------------------------------------- main
def report(kind: str, target: str, load_s: float, plans: int, workers: list[int]) -> None:
    """Print every figure for one store."""
    print(f"\n== {kind}: {plans:,} plans ==")
    print(f"bulk load (one transaction): {load_s:.1f} s ({plans / load_s:,.0f} plans/s)")
    q = measure_query(kind, target)
    print(
        f"due_on(today): {q['best_s'] * 1000:.0f} ms best of 3 (first {q['first_s'] * 1000:.0f} ms)"
        f", {int(q['items']):,} items due or overdue"
    )
    print(
        f"  peak memory: {q['process_peak_rss_mb']:.0f} MB resident for the whole query "
        f"process (interpreter included); {q['python_peak_mb']:.0f} MB Python allocations "
        "during one query"
    )
    print(
        f"due_on(today + 92 days), a heavy day: {q['heavy_s'] * 1000:.0f} ms, "
        f"{int(q['heavy_items']):,} items, peak {q['heavy_rss_mb']:.0f} MB resident"
    )
    print(
        f"due_on(today, manager_id): {q['manager_ms']:.2f} ms mean over 1,000 managers "
        f"({q['manager_items']:.1f} items each)"
    )
    print(f"commit, one plan per transaction: {commit_throughput(kind, target):,.0f} plans/s")
    for count in workers:
        rate, verdict = outbox_throughput(kind, target, count, 20000)
        print(f"outbox, {count} dispatcher process(es): {rate:,.0f} entries/s; {verdict}")
    sealing(kind, target)


def main() -> None:
    """Parse arguments and run the benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", type=int, default=100_000)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--dsn", help="use this PostgreSQL database instead of a throwaway one")
    parser.add_argument("--query-child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    PLANS.append(args.plans)
    if args.query_child:
        KEY_FILE.extend(args.query_child[2:])
        query_child(*args.query_child[:2])
        return
    print(f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, day {TODAY}")
    with tempfile.TemporaryDirectory(prefix="careerconv-bench-") as folder:
        if args.only in (None, "sqlite"):
            path = str(Path(folder) / "plans.db")
            report("sqlite", path, load_sqlite(Path(path), args.plans), args.plans, [1, 2, 4])
        if args.only in (None, "postgres"):
            sys.path.insert(0, str(ROOT / "tests"))
            from servers.postgres import start_postgres  # noqa: PLC0415

            server = None if args.dsn else start_postgres(durable=True)
            try:
                dsn = args.dsn or (server.create_database("bench") if server else "")
                report("postgres", dsn, load_postgres(dsn, args.plans), args.plans, [1, 2, 4])
            finally:
                if server is not None:
                    server.stop()


if __name__ == "__main__":
    main()
