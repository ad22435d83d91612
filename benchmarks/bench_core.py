"""Start-up figures: what importing careerconv costs, what it loads, and `careerconv --help`.

Run: python benchmarks/bench_core.py [--runs 11]
Prints medians over fresh interpreters; asserts nothing. Every run uses
bytecode, as an installed package does: the runs share a bytecode cache in a
temporary folder (``PYTHONPYCACHEPREFIX``) that one warm-up run fills,
whatever ``PYTHONDONTWRITEBYTECODE`` says, so nothing is written into the
checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FORBIDDEN = ("careerconv_plugins", "requests", "jira", "icalendar", "caldav", "psycopg", "sqlite3")
PROBE = "import sys, json; print(json.dumps(sorted(n for n in sys.modules if n.split('.')[0] in {!r})))"
ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "PYTHONPYCACHEPREFIX": tempfile.mkdtemp(prefix="careerconv-bench-pycache-"),
}


def import_ms(modules: list[str], runs: int) -> tuple[float, list[str]]:
    """Median cumulative import time (ms) of ``modules`` and the forbidden modules they load."""
    times = []
    loaded: list[str] = []
    code = "\n".join([*(f"import {m}" for m in modules), PROBE.format(FORBIDDEN)])
    for n in range(runs + 1):
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env=ENV,
        )
        total = 0
        for line in out.stderr.splitlines():
            parts = line.split("|")
            # Top-level entries (no indent) for the modules asked for: cumulative microseconds.
            if len(parts) == 3 and parts[2].strip() in modules and not parts[2].startswith("  "):
                total += int(parts[1])
        if n:  # the first run only warms the bytecode cache
            times.append(total / 1000)
        loaded = json.loads(out.stdout.strip())
    return statistics.median(times), loaded


def wall_ms(argv: list[str], runs: int) -> float:
    """Median wall time of a fresh process running ``argv``."""
    samples = []
    for n in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True, env=ENV)
        if n:
            samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    whole = [
        "careerconv_core.services",
        "careerconv_core.dispatch",
        "careerconv_core.plugins",
        "careerconv_core.serialization",
        "careerconv_core.ports",
    ]
    for label, modules, target in (
        ("import careerconv (the facade, lazy)", ["careerconv"], "under 50 ms"),
        ("import careerconv_core", ["careerconv_core"], "under 150 ms"),
        ("import careerconv_core.services (every use case)", ["careerconv_core.services"], "under 150 ms"),
        ("the whole core (services, dispatch, plugin host, serialization, ports)", whole, "-"),
    ):
        ms, loaded = import_ms(modules, runs)
        print(f"{label}: {ms:.1f} ms (target {target}); loads of {FORBIDDEN}: {loaded or 'none'}")
    exe = str(Path(sys.executable).with_name("careerconv"))
    bare = wall_ms([sys.executable, "-c", "pass"], runs)
    helped = wall_ms([exe, "--help"], runs)
    print(f"python -c pass: {bare:.0f} ms; careerconv --help: {helped:.0f} ms (target under 150 ms)")
    print(f"(medians of {runs} fresh processes each)")


if __name__ == "__main__":
    main()
