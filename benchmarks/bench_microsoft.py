"""Microsoft Graph sync figures against the fake Graph: requests per event, getSchedule calls, time.

A team of 8 reports: the three career conversations each (24) plus the first
year of monthly check-ins (96), 120 events in all, in the manager's mailbox.
Prints, for a first sync, a re-sync with nothing changed and one moved
conversation: Graph requests by kind (the lookups by key go 20 to a JSON
batch; counted by the client, and the writes confirmed from the fake's log),
writes per event, and wall time; then free/busy for the
manager and the 8 reports, and the load average beside the figures (the
machine is shared). Run: ``python benchmarks/bench_microsoft.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from careerconv_core.views import InviteView, Participant
from careerconv_plugins.microsoft.adapter import GraphCalendar
from careerconv_plugins.microsoft.plugin import make_backend
from fakes.fake_graph import FakeGraph
from support.invites import MANAGER, moved, team

WRITES = ("POST events", "PATCH events", "POST cancel", "DELETE events")


def _run(label: str, backend: GraphCalendar, graph: FakeGraph, views: list[InviteView]) -> None:
    backend.client.requests_made.clear()
    graph.log.clear()
    began = time.perf_counter()
    outcomes = backend.deliver_invites(views)
    took = time.perf_counter() - began
    made = backend.client.requests_made
    writes = sum(made[w] for w in WRITES)
    reads = made["POST $batch"] + made["GET events"]  # lookups: 20 to a JSON batch
    n = len(views)
    statuses = Counter(o.status.value for o in outcomes)
    print(
        f"{label:<26} events={n:<4} outcomes={dict(statuses)} requests={dict(made)} "
        f"writes/event={writes / n:.3f} lookup requests/event={reads / n:.3f} "
        f"writes seen by the fake={len(graph.writes())} time={took * 1000:.0f} ms "
        f"({took * 1000 / n:.1f} ms/event)"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, FakeGraph(Path(folder)) as graph:
        os.environ["REQUESTS_CA_BUNDLE"] = str(graph.cert)
        os.environ["CAREERCONV_GRAPH_SECRET"] = graph.client_secret
        views = team(reports=8, check_ins=12)
        people = [MANAGER] + [Participant(f"r{n}", f"Report {n}", f"report{n}@example.com") for n in range(8)]
        for person in people:
            graph.add_mailbox(person.email)
        backend = make_backend(graph.settings)
        assert isinstance(backend, GraphCalendar)
        print(f"fake Graph {graph.base}, team of 8 reports, {len(views)} events, load {os.getloadavg()}")
        _run("first sync", backend, graph, views)
        _run("re-sync, nothing changed", backend, graph, views)
        changed = [moved(views[1]) if i == 1 else v for i, v in enumerate(views)]
        _run("re-sync, one event moved", backend, graph, changed)
        backend.client.requests_made.clear()
        began = time.perf_counter()
        start = views[0].start
        report = backend.busy(people, start, start + timedelta(days=31))
        took = time.perf_counter() - began
        spans = sum(len(v) for v in report.busy.values())
        print(
            f"{'free/busy, 9 people':<26} "
            f"getSchedule requests={backend.client.requests_made['POST getSchedule']} "
            f"busy spans={spans} available={report.available} time={took * 1000:.0f} ms"
        )
        print(
            f"tokens asked of the identity platform: {backend.client.token_requests}; load {os.getloadavg()}"
        )


if __name__ == "__main__":
    main()
