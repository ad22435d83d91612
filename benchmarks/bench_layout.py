"""Figures for the shape of the code: module sizes, and blocks repeated under src/.

Prints the largest modules under ``src/`` and how many are over 500 lines,
and, when the ``duplicates`` command is on PATH, how many pairs of places
under ``src/`` share six or more lines (the same, or alike but for names).
Start-up figures are in ``bench_core.py``.

    python benchmarks/bench_layout.py
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


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
    """Print the figures."""
    sizes = module_sizes()
    over = [s for s in sizes if s[0] > 500]
    print(f"modules under src/: {len(sizes)}; over 500 lines: {len(over)}")
    for lines, path in sizes[:5]:
        print(f"  {lines:4} {path}")
    print(duplicate_pairs())


if __name__ == "__main__":
    main()
