"""A process killed by SIGKILL after Graph stored its event, before the answer: no second event."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from careerconv_core.ports import OutcomeStatus
from careerconv_plugins.microsoft.adapter import GraphCalendar
from fakes.fake_graph import FakeGraph
from fakes.graph_invites import invite

TESTS = Path(__file__).resolve().parents[2]

CHILD = """
import json, sys
sys.path.insert(0, sys.argv[2])
from careerconv_plugins.microsoft.plugin import make_backend
from fakes.graph_invites import invite
backend = make_backend(json.loads(sys.argv[1]))
print(backend.deliver_invites([invite()]), flush=True)
"""


def test_a_kill_between_the_store_and_the_answer_leaves_one_event(
    graph: FakeGraph, backend: GraphCalendar, tmp_path: Path
) -> None:
    graph.hold_creates = True
    log = tmp_path / "child.log"
    with (
        log.open("wb") as out,
        subprocess.Popen(
            [sys.executable, "-c", CHILD, json.dumps(graph.settings), str(TESTS)],
            env=dict(os.environ),
            stdout=out,
            stderr=subprocess.STDOUT,
        ) as child,
    ):
        try:
            assert graph.stored.wait(60), log.read_text()
            os.kill(child.pid, signal.SIGKILL)
            assert child.wait(10) == -signal.SIGKILL
        finally:
            graph.hold_creates = False
            graph.release.set()
    assert len(graph.events("maya@example.com")) == 1
    for _rerun in range(2):
        [outcome] = backend.deliver_invites([invite()])
        assert outcome.status is OutcomeStatus.UNCHANGED
    assert len(graph.events("maya@example.com")) == 1
    assert len(graph.requests("POST", "/events")) == 1
