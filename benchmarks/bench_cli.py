"""Command-line figures: ``careerconv due --json`` over 100,000 plans on SQLite, and ``--help``.

Run from the project root::

    python benchmarks/bench_cli.py                 # 100,000 plans
    python benchmarks/bench_cli.py --plans 20000   # quicker

It makes a home with ``careerconv init`` (the embedded defaults: an SQLite
store encrypted at rest under careerconv.key), bulk-loads the plans the way
``bench_store.py`` does (real plan JSON in a steady state of the method, eight
reports a manager), and opens the store once, which seals every plan (timed
apart). Then each command is run as a
user runs it, a new process each time, several times; it prints the median
and range of the wall-clock time and of the CPU time the process used (what
a busy, shared machine blurs least), the size of the answer, and the load
average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_store  # the plan loader is shared with the store benchmark

CAREERCONV = str(Path(sys.executable).parent / "careerconv")


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run(home: Path, *argv: str) -> tuple[float, float, str]:
    """Wall-clock and CPU seconds of ``careerconv --home HOME ARGV``, and what it printed."""
    env = {**os.environ, "CAREERCONV_NOW": bench_store.NOW.isoformat()}
    cpu, started = _cpu(), time.perf_counter()
    done = subprocess.run(
        [CAREERCONV, "--home", str(home), *argv], env=env, capture_output=True, text=True, check=False
    )
    took, used = time.perf_counter() - started, _cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"careerconv {' '.join(argv)} exited {done.returncode}: {done.stderr}")
    return took, used, done.stdout


def timed(home: Path, runs: int, *argv: str) -> tuple[list[float], list[float], str]:
    """Each run's wall-clock and CPU seconds, and the last run's output."""
    walls, cpus, out = [], [], ""
    for _ in range(runs):
        wall, cpu, out = run(home, *argv)
        walls.append(wall)
        cpus.append(cpu)
    return walls, cpus, out


def _ms(times: list[float]) -> str:
    return (
        f"median {statistics.median(times) * 1000:.0f} ms ({min(times) * 1000:.0f}-{max(times) * 1000:.0f})"
    )


def show(label: str, walls: list[float], cpus: list[float]) -> None:
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"{label}: wall {_ms(walls)}, CPU {_ms(cpus)}; {len(walls)} runs; load average {load}")


def main() -> None:
    """Build the store, then time the commands."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    bench_store.PLANS.append(args.plans)
    folder = Path(tempfile.mkdtemp(prefix="careerconv-bench-cli-"))
    try:
        home = folder / "home"
        run(home, "init")
        for made in home.glob("careerconv.db*"):  # the store init made, with its journal files
            made.unlink()
        load_s = bench_store.load_sqlite(home / "careerconv.db", args.plans)
        print(f"Python {sys.version.split()[0]}; {args.plans:,} plans loaded in {load_s:.1f} s")
        seal_s, _, _ = run(home, "status")
        print(f"first open (seals every plan under careerconv.key): {seal_s:.1f} s")
        day = bench_store.TODAY.isoformat()
        walls, cpus, out = timed(home, args.runs, "due", "--json", "--on", day)
        doc = json.loads(out)
        show(f"due --json ({len(doc['items']):,} items, {len(out) / 1024:.0f} KiB)", walls, cpus)
        walls, cpus, out = timed(home, args.runs, "due", "--on", day)
        show(f"due, as text ({len(out.splitlines()):,} lines)", walls, cpus)
        manager = doc["items"][0]["manager_id"] if doc["items"] else "mgr-00000"
        walls, cpus, _ = timed(home, args.runs, "due", "--json", "--on", day, "--manager", manager)
        show(f"due --json --manager {manager}", walls, cpus)
        walls, cpus, _ = timed(home, args.runs, "--help")
        show("--help", walls, cpus)
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
