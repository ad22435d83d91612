"""Figures for the shape of the code: start-up cost, module size, repeated blocks.

Prints, each the median of ``--runs`` fresh interpreters:

- ``python -X importtime -c "import careerconv"`` (the lazy facade), total microseconds;
- ``import careerconv_core.services`` (every use case), total microseconds;
- wall time of ``careerconv --help``;

each with bytecode, as an installed package runs: the runs share a bytecode
cache in a temporary folder (``PYTHONPYCACHEPREFIX``) and one warm-up run
fills it, whatever ``PYTHONDONTWRITEBYTECODE`` says, so nothing is written
into the checkout;

then the largest modules under ``src/`` and how many are over 500 lines, and,
when the ``duplicates`` command is on PATH, how many pairs of places under
``src/`` share six or more lines (the same, or alike but for names).

    python benchmarks/bench_layout.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


CACHE = tempfile.mkdtemp(prefix="careerconv-bench-pycache-")
ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "PYTHONPYCACHEPREFIX": CACHE,
}


def import_micros(module: str, runs: int) -> float:
    """Median cumulative import time of ``module`` in a fresh interpreter, in microseconds."""
    totals = []
    for n in range(runs + 1):
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            capture_output=True,
            text=True,
            check=True,
            env=ENV,
        )
        if n == 0:
            continue  # the warm-up run writes the bytecode
        for line in out.stderr.splitlines():
            parts = [p.strip() for p in line.split("|")]
            if len(parts) == 3 and parts[2] == module:
                totals.append(int(parts[1]))
    return statistics.median(totals)


def help_seconds(runs: int) -> float:
    """Median wall time of ``careerconv --help``."""
    script = Path(sys.executable).with_name("careerconv")
    times = []
    for n in range(runs + 1):
        start = time.perf_counter()
        subprocess.run([str(script), "--help"], capture_output=True, check=True, env=ENV)
        if n:  # the first run only warms the bytecode cache
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def module_sizes() -> list[tuple[int, str]]:
    """(lines, path) of every module under src/, largest first."""
    sizes = [
        (len(p.read_text(encoding="utf-8").splitlines()), str(p.relative_to(SRC))) for p in SRC.rglob("*.py")
    ]
    return sorted(sizes, reverse=True)


def duplicate_pairs() -> str:
    """The ``duplicates`` command's count line for src/, or why there is none."""
    tool = shutil.which("duplicates")
    if tool is None:
        return "duplicates: the command is not on PATH here"
    out = subprocess.run(
        [tool, "--repo", str(SRC), "--seconds", "60"], capture_output=True, text=True, check=False
    )
    first = out.stdout.splitlines()[0] if out.stdout else "no output"
    match = re.match(r"(\d+) pairs", first)
    return f"duplicates under src/: {match.group(1) if match else first} pairs ({first})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    facade = import_micros("careerconv", args.runs)
    services = import_micros("careerconv_core.services", args.runs)
    print(f"import careerconv (lazy facade): {facade / 1000:.1f} ms (target < 50 ms)")
    print(f"import careerconv_core.services: {services / 1000:.1f} ms (target < 150 ms)")
    print(f"careerconv --help: {help_seconds(args.runs) * 1000:.0f} ms (target < 150 ms)")
    sizes = module_sizes()
    over = [s for s in sizes if s[0] > 500]
    print(f"modules under src/: {len(sizes)}; over 500 lines: {len(over)}")
    for lines, path in sizes[:5]:
        print(f"  {lines:4} {path}")
    print(duplicate_pairs())


if __name__ == "__main__":
    main()
