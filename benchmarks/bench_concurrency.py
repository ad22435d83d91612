"""Processes side by side on one home: overlapping bookings, lost or doubled effects, tracebacks.

Run from the project root::

    python benchmarks/bench_concurrency.py                 # seeds 1-5, six rounds each
    python benchmarks/bench_concurrency.py --seeds 20 --rounds 8

Each seed starts a fresh home with Maya's eight reports ready for their
conversations. Each round starts between two and eight careerconv processes
at once (``python -m careerconv.cli``), drawn by the seed from: ``schedule``
of one report, ``record`` of a scheduled report's life story, ``org import``
of the unchanged org, ``dispatch --limit K`` and ``status``. After the last
round a final ``dispatch`` empties the outbox, and the home is checked:

- **overlaps**: two of the manager's booked conversations that overlap, and
  weeks over the weekly cap (4 h);
- **lost**: a scheduled conversation without its invite file at the time the
  store says, or missing from a participant's calendar file; an outbox entry
  still pending or failed;
- **doubled**: a conversation with more than one invite file, or an event
  twice in a person's file, or a notice mailed twice;
- **leftover temporary files** of interrupted writes;
- **tracebacks**: any process that printed one, or exited other than 0 or 1.

Every figure must be 0; a refusal (exit 1 with a one-line reason, such as a
report whose month is full) is counted, not an error.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from careerconv.app import App
from careerconv_core.domain.conversations import ConversationStatus

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the home check the crash tests use too

from support.home_check import FIGURES, check_home  # noqa: E402 - after the path above

EXAMPLES = ROOT / "examples"
NOW = "2027-01-04T08:00:00+00:00"
MANAGER = "maya"
TEAM = ("jonas", "aylin", "lukas", "sofia", "emil", "priya", "marcus", "hannah")
CAP_MINUTES = 4 * 60


def careerconv(home: Path, *argv: str) -> list[str]:
    """The command line of one careerconv process on ``home``."""
    return [sys.executable, "-m", "careerconv.cli", "--home", str(home), *argv]


def environment() -> dict[str, str]:
    """The processes' environment: the fixed clock, and this checkout's sources."""
    return {
        **os.environ,
        "CAREERCONV_NOW": NOW,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *sys.path]),
    }


def run(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """One process, waited for."""
    return subprocess.run(
        careerconv(home, *argv), capture_output=True, text=True, env=environment(), check=False
    )


def at_once(home: Path, commands: Sequence[Sequence[str]]) -> list[subprocess.CompletedProcess[str]]:
    """Start every command before waiting for any."""
    started = [
        subprocess.Popen(
            careerconv(home, *argv),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(),
        )
        for argv in commands
    ]
    done = []
    for process, argv in zip(started, commands, strict=True):
        out, err = process.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(list(argv), process.returncode, out, err))
    return done


def prepared_home(folder: Path) -> Path:
    """A home with the example org and Maya's eight reports ready for conversation 1."""
    home = folder / "home"
    steps = [
        ["init"],
        ["org", "import", str(EXAMPLES / "org.toml")],
        ["propose", "--team", MANAGER],
        *[["accept", report, "--as", report] for report in TEAM],
        ["ready", *TEAM],
    ]
    for argv in steps:
        done = run(home, *argv)
        if done.returncode != 0:
            raise SystemExit(f"setup step {' '.join(argv)} failed: {done.stderr}")
    return home


def draw(rng: random.Random, scheduled: set[str]) -> list[str]:
    """One command for a round."""
    unscheduled = [r for r in TEAM if r not in scheduled]
    pool = ["dispatch"] * 4 + ["status", "org"]
    pool += ["schedule"] * (5 if unscheduled else 0)
    pool += ["record"] * (2 if scheduled else 0)
    kind = rng.choice(pool)
    if kind == "schedule":
        return ["schedule", rng.choice(unscheduled), "--start", "2027-01-05"]
    if kind == "record":
        report = rng.choice(sorted(scheduled))
        life_story = str(EXAMPLES / "records" / "jonas-life-story.toml")
        return ["record", report, "life_story", "--file", life_story, "--as", MANAGER]
    if kind == "org":
        return ["org", "import", str(EXAMPLES / "org.toml")]
    if kind == "dispatch":
        return ["dispatch", "--limit", str(rng.randint(1, 5))]
    return ["status"]


def one_seed(
    seed: int, rounds: int, *, verbose: bool = False
) -> tuple[collections.Counter[str], int, int, float]:
    """Run one seed; its figures, how many processes ran, how many were refusals, seconds."""
    rng = random.Random(seed)
    started = time.perf_counter()
    figures: collections.Counter[str] = collections.Counter()
    processes = refusals = 0
    with tempfile.TemporaryDirectory() as folder:
        home = prepared_home(Path(folder))
        for _ in range(rounds):
            scheduled = _scheduled_reports(home)
            commands = [draw(rng, scheduled) for _ in range(rng.randint(2, 8))]
            for done in at_once(home, commands):
                processes += 1
                text = done.stdout + done.stderr
                if "Traceback" in text or done.returncode not in (0, 1):
                    figures["tracebacks"] += 1
                    print(f"  seed {seed}: {' '.join(done.args)} exited {done.returncode}:\n{text}")
                elif done.returncode == 1:
                    refusals += 1
                    if verbose:
                        print(f"  seed {seed}: refused: {' '.join(done.args[:2])}: {done.stderr.strip()}")
        final = run(home, "dispatch")
        figures["tracebacks"] += "Traceback" in final.stdout + final.stderr
        figures.update(check_home(home, MANAGER, cap_minutes=CAP_MINUTES))
    return figures, processes, refusals, time.perf_counter() - started


def _scheduled_reports(home: Path) -> set[str]:
    app = App.load(home)
    try:
        return {
            plan.report_id
            for plan in app.store.find_plans(manager_id=MANAGER)
            if any(c.status is ConversationStatus.SCHEDULED for c in plan.conversations)
        }
    finally:
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds 1..N")
    parser.add_argument("--rounds", type=int, default=6, help="rounds of processes per seed")
    parser.add_argument("--verbose", action="store_true", help="print each refusal's reason")
    args = parser.parse_args()
    total: collections.Counter[str] = collections.Counter()
    keys = (*FIGURES, "tracebacks")
    runs = refused = 0
    for seed in range(1, args.seeds + 1):
        figures, processes, refusals, seconds = one_seed(seed, args.rounds, verbose=args.verbose)
        total.update(figures)
        runs += processes
        refused += refusals
        shown = ", ".join(f"{k} {figures[k]}" for k in keys)
        print(f"seed {seed}: {processes} processes ({refusals} refused), {shown}; {seconds:.1f}s", flush=True)
    shown = ", ".join(f"{k} {total[k]}" for k in keys)
    print(f"all {args.seeds} seeds: {runs} processes ({refused} refused in one line), {shown}")


if __name__ == "__main__":
    main()
