"""Core start-up figures: import time of the core, what it loads, and `careerconv --help`.

Run: python benchmarks/bench_core.py
Prints medians over several runs of fresh interpreters; asserts nothing.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

FORBIDDEN = ("careerconv_plugins", "requests", "jira", "icalendar", "caldav", "psycopg", "sqlite3")
RUNS = 11


def import_ms(statement: str) -> tuple[float, list[str]]:
    """Median cumulative import time (ms) of ``statement`` and the forbidden modules it loaded."""
    times = []
    loaded: list[str] = []
    for _ in range(RUNS):
        code = f"{statement}\nimport sys\nprint(sorted(n for n in sys.modules if n.split('.')[0] in {FORBIDDEN!r}))"
        out = subprocess.run([sys.executable, "-X", "importtime", "-c", code],
                             capture_output=True, text=True, check=True)
        total = 0
        for line in out.stderr.splitlines():
            parts = line.split("|")
            if len(parts) == 3 and parts[2].strip().startswith("careerconv_core") and "." not in parts[2].strip():
                total = max(total, int(parts[1]))
            if len(parts) == 3 and parts[2].rstrip() == parts[2].strip() and parts[2].strip().startswith("careerconv"):
                pass
        # cumulative time of top-level imports done by the statement (lines with no indent)
        top = [int(p[1]) for p in (ln.split("|") for ln in out.stderr.splitlines())
               if len(p) == 3 and not p[2].startswith("  ") and p[2].strip() and p[1].strip().isdigit()
               and p[2].strip().split(".")[0] in ("careerconv_core", "attrs", "cattrs", "pluggy")]
        times.append(sum(top) / 1000 if top else total / 1000)
        loaded = eval(out.stdout.strip() or "[]")  # noqa: S307 - our own printed list
    return statistics.median(times), loaded


def help_ms() -> float:
    """Median wall time of `careerconv --help` in a fresh process."""
    exe = Path(sys.executable).with_name("careerconv")
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([str(exe), "--help"], capture_output=True, check=True)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def python_ms() -> float:
    """Median wall time of a bare interpreter start, for comparison."""
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    """Print the figures."""
    for label, stmt in (
        ("import careerconv_core", "import careerconv_core"),
        ("import the whole core (services, dispatch, plugins, serialization, cli)",
         "import careerconv_core.services, careerconv_core.dispatch, careerconv_core.plugins, "
         "careerconv_core.serialization, careerconv_core.cli, careerconv_core.app"),
    ):
        ms, loaded = import_ms(stmt)
        print(f"{label}: {ms:.1f} ms (median of {RUNS}); forbidden modules loaded: {loaded or 'none'}")
    print(f"python -c pass: {python_ms():.0f} ms; careerconv --help: {help_ms():.0f} ms (medians of {RUNS})")


if __name__ == "__main__":
    main()
