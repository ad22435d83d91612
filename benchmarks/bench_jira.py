"""Figures for the Jira tracker against the local fake Jira (Cloud and Data Center).

Prints, per deployment: HTTP requests for syncing 500 new actions (against the
target of ceil(500/50) bulk creates plus one search per batch plus what the
client itself needs), the time it took, and the requests for re-syncing the
same 500 unchanged (target: no write). Run from the project root:

    python benchmarks/bench_jira.py
"""

from __future__ import annotations

import math
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

# The fake Jira lives in the test tree (tests/ is on the path for the tests too).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "src"))

from careerconv_core.views import Participant, TicketView
from careerconv_plugins.jira.adapter import JiraTracker
from careerconv_plugins.jira.mapping import BATCH_SIZE
from careerconv_plugins.jira.settings import parse_settings
from fakes.fake_jira import Exchange, FakeJira

N = 500
OWNERS = 5


def kinds(exchanges: list[Exchange]) -> Counter[str]:
    """Requests by what they did."""
    out: Counter[str] = Counter()
    for e in exchanges:
        rest = e.path.split("/rest/api/", 1)[1][2:]
        if rest.startswith("search"):
            out["search"] += 1
        elif rest == "issue/bulk":
            out["bulk create"] += 1
        elif "/properties/" in rest:
            out[f"{e.method} property"] += 1
        elif rest.startswith("issue/"):
            out[f"{e.method} issue"] += 1
        else:
            out[f"{e.method} {rest.split('/')[0]}"] += 1
    return out


def run(deployment: str) -> None:
    """Sync 500 new actions, then the same 500 again, and print the figures."""
    with FakeJira(deployment) as fake:
        owners = []
        for n in range(OWNERS):
            email = f"owner{n}@example.com"
            fake.add_user(f"Owner {n}", email, f"acc-{n}", f"owner{n}")
            owners.append(Participant(f"p-{n}", f"Owner {n}", email))
        views = [
            TicketView(
                key=f"cc-plan{n // 5}-a-{n % 5}", plan_key=f"plan{n // 5}",
                title=f"Lead the design review {n}", due=date(2027, 1, 1) + timedelta(days=n % 180),
                owner=owners[n % OWNERS], done_when="the review checklist is in use",
                link=f"https://careers.example.com/plans/plan{n // 5}",
            )
            for n in range(N)
        ]  # fmt: skip
        cloud = deployment == "Cloud"
        raw = {"url": fake.url, "project": "CAREER", "email": "bot@example.com",
               "deployment": "cloud" if cloud else "datacenter", "token_env": "T"}  # fmt: skip
        settings = parse_settings(raw, {"T": fake.state.token})

        tracker = JiraTracker(settings)
        start = time.perf_counter()
        outcomes = tracker.deliver_tickets(views)
        took = time.perf_counter() - start
        first = fake.requests()
        delivered = sum(o.status.value == "delivered" for o in outcomes)
        batches = math.ceil(N / BATCH_SIZE)
        own = sum(1 for e in first if e.path.endswith(("/serverInfo", "/field"))
                  or "/project/" in e.path or "/user/search" in e.path)  # fmt: skip
        name = "Jira Cloud (REST v3)" if cloud else "Jira Data Center (REST v2)"
        print(f"{name}: syncing {N} new actions ({delivered} created)")
        print(f"  HTTP requests: {len(first)}  ({dict(sorted(kinds(first).items()))})")
        print(
            f"  target: {batches} bulk creates + {batches} searches + {own} set-up/lookups "
            f"(server info, project, {OWNERS} owners) = {2 * batches + own}"
        )
        print(f"  time against the local fake: {took:.2f} s")
        tracker.close()

        fake.clear_log()
        again = JiraTracker(settings)
        start = time.perf_counter()
        outcomes = again.deliver_tickets(views)
        took = time.perf_counter() - start
        second = fake.requests()
        unchanged = sum(o.status.value == "unchanged" for o in outcomes)
        print(
            f"  re-sync of the same {N} unchanged ({unchanged} unchanged): writes "
            f"{len(fake.writes())}, reads {len(second)} "
            f"({dict(sorted(kinds(second).items()))}), {took:.2f} s"
        )
        again.close()


if __name__ == "__main__":
    for deployment in ("Cloud", "Server"):
        run(deployment)
