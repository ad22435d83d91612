"""Steps killed while a dispatcher runs: ``schedule``, ``record`` and ``org import`` by SIGKILL.

Each run copies a prepared home, starts ``dispatch --loop`` and one step as
real processes at once. The step kills itself at a seeded one of its store
commits, before or right after it (``step_child.py``); in most runs the
dispatcher kills itself too, just before a seeded one of its file renames,
which leaves a temporary file behind. Then the step runs again, a
dispatcher empties the outbox, and ``support.home_check`` looks at the files
against the store: nothing lost, nothing doubled, no overlap, no temporary
file left, no traceback. The figures are printed.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from careerconv.app import App
from support.cli import NOW
from support.home_check import FIGURES, check_home
from tests_support_paths import EXAMPLES

SEED = 20261203
RUNS = 15
CHILD = Path(__file__).with_name("step_child.py")
COMMITS = {"schedule": 6, "record": 1, "org import": 3}  # how many commits each makes at most
TEAM = ("jonas", "aylin", "lukas", "sofia", "emil", "priya", "marcus", "hannah")
STORY = str(EXAMPLES / "records" / "jonas-life-story.toml")
STEPS = {
    "schedule": ["schedule", "--team", "maya", "--start", "2027-01-05"],
    "record": ["record", "jonas", "life_story", "--file", STORY, "--as", "maya"],
    "org import": ["org", "import", str(EXAMPLES / "org-later.toml")],  # priya to Daniel: a handoff
}


LATER = "2027-01-04T08:10:00+00:00"
"""The last dispatch's clock: past the lease (5 minutes) a killed dispatcher held its entries for."""


def environment(now: str = NOW) -> dict[str, str]:
    return {**os.environ, "CAREERCONV_NOW": now, "PYTHONPATH": os.pathsep.join(sys.path)}


def start(
    home: Path,
    *argv: str,
    crash_at: int = 0,
    after: bool = False,
    point: str = "commit",
    now: str = NOW,
) -> subprocess.Popen[str]:
    """``careerconv --home HOME ARGS``, killing itself at its ``crash_at``-th ``point`` when given."""
    when = "after" if after else "before"
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(crash_at), when, point, "--", "--home", str(home), *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(now),
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out + err


def run(home: Path, *argv: str, now: str = NOW) -> tuple[int, str]:
    return finish(start(home, *argv, now=now))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A home with the team ready, jonas and aylin scheduled, and everything delivered."""
    home = tmp_path_factory.mktemp("crash-steps") / "template"
    steps = [
        ["init"],
        ["org", "import", str(EXAMPLES / "org.toml")],
        ["propose", "--team", "maya"],
        *[["accept", r, "--as", r] for r in TEAM],
        ["ready", *TEAM],
        ["schedule", "jonas", "aylin", "--start", "2027-01-05"],
        ["dispatch"],
    ]
    for argv in steps:
        code, text = run(home, *argv)
        assert code == 0, f"{argv}: {text}"
    yield home


def state_after(home: Path, step: str) -> list[str]:
    """What the step must have done exactly once, once it ran again: the problems found."""
    app = App.load(home)
    try:
        plans = {p.report_id: p for p in app.store.find_plans() if p.status.is_open}
        problems = []
        if step == "schedule":
            placed = [r for r in TEAM if any(c.start for c in plans[r].conversations)]
            problems += [] if len(placed) >= 6 else [f"only {placed} placed"]
        elif step == "record":
            problems += [] if plans["jonas"].life_story is not None else ["jonas's life story lost"]
        else:
            priya = app.store.load_person("priya")
            problems += [] if priya.manager_id == "daniel" else ["priya's manager change lost"]
            problems += [] if plans["priya"].handoffs else ["no handoff for priya"]
        return problems
    finally:
        app.close()


def test_steps_killed_while_a_dispatcher_runs_lose_and_double_nothing(
    template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(SEED)
    figures: Counter[str] = Counter()
    killed: Counter[str] = Counter()
    started = time.monotonic()
    for n in range(RUNS):
        step = list(STEPS)[n % len(STEPS)]
        home = tmp_path / f"run-{n}"
        shutil.copytree(template, home)
        renames = rng.randint(1, 6) if rng.random() < 0.6 else 0
        loop = ["dispatch", "--loop", "--interval", "0.05", "--runs", "6"]
        dispatcher = start(home, *loop, crash_at=renames, point="replace")
        at = rng.randint(1, COMMITS[step])
        worker = start(home, *STEPS[step], crash_at=at, after=rng.random() < 0.5)
        texts = [finish(p)[1] for p in (dispatcher, worker)]
        killed[step] += worker.returncode == -signal.SIGKILL
        killed["dispatcher"] += dispatcher.returncode == -signal.SIGKILL
        leftovers = sum(1 for p in home.rglob(".*.tmp"))
        figures["temporary files a crash left"] += leftovers
        code, again = run(home, *STEPS[step])  # the user runs the interrupted step again
        assert code == 0, f"run {n} ({step}): ran again: {again}"
        code, last = run(home, "dispatch", now=LATER)
        assert code == 0, f"run {n} ({step}): the last dispatch: {last}"
        for text in (*texts, again, last):
            figures["tracebacks"] += "Traceback" in text
        found = check_home(home, "maya")
        figures.update(found)
        problems = state_after(home, step)
        figures["step lost"] += len(problems)
        assert not problems and not +found, f"run {n} ({step}): {problems} {dict(found)}"
    with capsys.disabled():
        keys = ("temporary files a crash left", *FIGURES, "step lost", "tracebacks")
        shown = ", ".join(f"{k} {figures[k]}" for k in keys)
        print(
            f"\nstep crash runs (seed {SEED}): {RUNS} runs; killed mid-run: "
            + ", ".join(f"{k} {v}" for k, v in sorted(killed.items()))
            + f"; {shown}; {time.monotonic() - started:.1f}s"
        )
    assert figures["tracebacks"] == 0
    assert sum(killed[s] for s in STEPS) >= RUNS // 2, "most steps must really die mid-run"
