"""Org import figures: a first import, an unchanged re-import and a re-import with a few changes.

Run from the project root::

    python benchmarks/bench_org.py                  # 100,000 people, SQLite store
    python benchmarks/bench_org.py --people 20000   # quicker
    python benchmarks/bench_org.py --store memory   # the in-memory store
    python benchmarks/bench_org.py --zones 40       # people spread over 40 time zones

Each step reads the org file (CSV, as a spreadsheet exports it) and takes it
in with ``sync_org`` as ``org import`` does, and prints the time of the read,
the time of the sync, the process's peak resident memory so far (``ru_maxrss``)
and the writes it made (people and plans committed, people
removed). An unchanged re-import must write nothing. The org is a tree:
managers of ten reports each, spread over five time zones (``--zones`` up to
40: a company across many offices).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from careerconv import connect
from careerconv_core.ports import PlanChange, PlanStore
from careerconv_core.testing import InMemoryStore
from careerconv_plugins.orgfile.adapter import OrgFileSource
from careerconv_plugins.sqlite_store.adapter import SqliteStore

T = TypeVar("T")

# The first five are the default spread; the rest are offices a larger company adds.
ZONES = (
    *("Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC", "Australia/Sydney"),
    *("Europe/London", "Europe/Paris", "Europe/Madrid", "Europe/Rome", "Europe/Warsaw"),
    *("Europe/Stockholm", "Europe/Dublin", "Europe/Lisbon", "Europe/Zurich", "Europe/Istanbul"),
    *("America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto", "America/Sao_Paulo"),
    *("America/Mexico_City", "America/Bogota", "America/Vancouver", "America/Halifax", "Asia/Kolkata"),
    *("Asia/Singapore", "Asia/Shanghai", "Asia/Seoul", "Asia/Dubai", "Asia/Jakarta"),
    *("Asia/Manila", "Asia/Bangkok", "Asia/Jerusalem", "Africa/Lagos", "Africa/Johannesburg"),
    *("Africa/Nairobi", "Africa/Cairo", "Australia/Melbourne", "Australia/Perth", "Pacific/Auckland"),
)


def org_csv(people: int, changed: int = 0, zones: int = 5) -> str:
    """A CSV org of ``people`` over the first ``zones`` zones; the last ``changed`` get another zone."""
    spread = ZONES[:zones]
    lines = ["id,name,email,time_zone,working_hours,weekdays,manager"]
    for n in range(people):
        manager = "" if n == 0 else f"p{(n - 1) // 10}"
        zone = spread[n % len(spread)]
        if n >= people - changed:
            zone = spread[(n + 1) % len(spread)]
        lines.append(f"p{n},Person {n},p{n}@example.com,{zone},09:00-17:00,Mon-Fri,{manager}")
    return "\n".join(lines) + "\n"


class CountingStore:
    """A store that counts what each commit writes, passing everything on."""

    def __init__(self, inner: PlanStore) -> None:
        self.inner = inner
        self.writes = 0

    def commit(self, change: PlanChange) -> None:
        """Count the people and plans written or removed, then commit."""
        self.writes += len(change.people) + len(change.plans) + len(change.removed_people)
        self.inner.commit(change)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def measure(work: Callable[[], T]) -> tuple[float, T]:
    """Run ``work``; return its seconds and its result."""
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def peak_mib() -> float:
    """The process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Parse the arguments, run the three imports, print a line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--store", choices=("sqlite", "memory"), default="sqlite")
    parser.add_argument("--zones", type=int, choices=range(2, len(ZONES) + 1), default=5, metavar="2-40")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inner: PlanStore = (
            SqliteStore(folder / "careerconv.db") if args.store == "sqlite" else InMemoryStore()
        )
        store = CountingStore(inner)
        services = connect(store, clock=lambda: datetime(2027, 3, 1, 9, tzinfo=UTC))  # type: ignore[arg-type]
        unchanged = folder / "org.csv"
        unchanged.write_text(org_csv(args.people, zones=args.zones), encoding="utf-8")
        changed = folder / "org-changed.csv"
        changed.write_text(org_csv(args.people, args.changes, args.zones), encoding="utf-8")
        print(
            f"{args.people:,} people, {args.zones} time zones, {args.store} store, "
            f"Python {sys.version.split()[0]}"
        )
        steps = (
            ("first import", unchanged),
            ("unchanged re-import", unchanged),
            (f"re-import, {args.changes} changed", changed),
        )
        for label, path in steps:
            source = OrgFileSource(path)
            read_s, snapshot = measure(source.read_people)
            before = store.writes
            sync_s, _report = measure(lambda snapshot=snapshot: services.sync_org(snapshot, complete=True))
            print(
                f"{label:>26}: read {read_s:6.2f} s, sync {sync_s:6.2f} s, "
                f"total {read_s + sync_s:6.2f} s, writes {store.writes - before:,}, "
                f"peak memory so far {peak_mib():,.0f} MiB"
            )
        services.close()


if __name__ == "__main__":
    main()
