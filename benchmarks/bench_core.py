"""Core start-up figures: import time of the core, what it loads, and `careerconv --help`.

Run: python benchmarks/bench_core.py
Prints medians over several fresh interpreters; asserts nothing.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

FORBIDDEN = ("careerconv_plugins", "requests", "jira", "icalendar", "caldav", "psycopg", "sqlite3")
RUNS = 11
PROBE = "import sys, json; print(json.dumps(sorted(n for n in sys.modules if n.split('.')[0] in {!r})))"


def import_ms(modules: list[str]) -> tuple[float, list[str]]:
    """Median cumulative import time (ms) of ``modules`` and the forbidden modules they load."""
    times = []
    loaded: list[str] = []
    for _ in range(RUNS):
        code = "\n".join([*(f"import {m}" for m in modules), PROBE.format(FORBIDDEN)])
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
        )
        total = 0
        for line in out.stderr.splitlines():
            parts = line.split("|")
            # Top-level entries (no indent) for the modules asked for: cumulative microseconds.
            if len(parts) == 3 and parts[2].strip() in modules and not parts[2].startswith("  "):
                total += int(parts[1])
        times.append(total / 1000)
        loaded = json.loads(out.stdout.strip())
    return statistics.median(times), loaded


def wall_ms(argv: list[str]) -> float:
    """Median wall time of a fresh process running ``argv``."""
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    """Print the figures."""
    whole = [
        "careerconv_core.services",
        "careerconv_core.dispatch",
        "careerconv_core.plugins",
        "careerconv_core.serialization",
        "careerconv.app",
    ]
    for label, modules in (("import careerconv_core", ["careerconv_core"]), ("the whole core", whole)):
        ms, loaded = import_ms(modules)
        print(f"{label}: {ms:.1f} ms (median of {RUNS}); forbidden modules loaded: {loaded or 'none'}")
    exe = str(Path(sys.executable).with_name("careerconv"))
    bare = wall_ms([sys.executable, "-c", "pass"])
    helped = wall_ms([exe, "--help"])
    print(f"python -c pass: {bare:.0f} ms; careerconv --help: {helped:.0f} ms (medians of {RUNS})")


if __name__ == "__main__":
    main()
