"""Figures for the Jira tracker against the local fake Jira (Cloud and Data Center).

Prints, per deployment: HTTP requests for syncing 500 new actions (against the
target of ceil(500/50) bulk creates plus one search per batch plus what the
client itself needs), the time it took, and the requests for re-syncing the
same 500 unchanged (target: no write); then a status read-back by a new
process right after creation while the search lags 5 s behind (target: 0
false deletions), and 500 new actions on a site that takes 10 issues per bulk
create (target: 50 bulk creates, 0 failures); and 120 tickets queued with 220
notices, through the dispatcher with its default limit of 200 per run (target:
ceil(120/50) = 3 bulk creates, and the notices claimed beside them, up to
their own limit, delivered in the same run). The
load average is printed beside the figures (the machine may be shared). Run
from the project root:

    python benchmarks/bench_jira.py
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

# The fake Jira lives in the test tree (tests/ is on the path for the tests too).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "src"))

from careerconv_core import serialization
from careerconv_core.dispatch import Dispatcher
from careerconv_core.domain.notices import NoticeKind
from careerconv_core.outbox import Channel, OutboxEntry
from careerconv_core.ports import PlanChange
from careerconv_core.testing import InMemoryStore, RecordingNotifier
from careerconv_core.views import NoticeView, Participant, TicketView
from careerconv_plugins.jira.adapter import JiraTracker
from careerconv_plugins.jira.mapping import BATCH_SIZE
from careerconv_plugins.jira.settings import JiraSettings, parse_settings
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


def _owners(fake: FakeJira) -> list[Participant]:
    owners = []
    for n in range(OWNERS):
        email = f"owner{n}@example.com"
        fake.add_user(f"Owner {n}", email, f"acc-{n}", f"owner{n}")
        owners.append(Participant(f"p-{n}", f"Owner {n}", email))
    return owners


def _views(owners: list[Participant]) -> list[TicketView]:
    return [
        TicketView(
            key=f"cc-plan{n // 5}-a-{n % 5}", plan_key=f"plan{n // 5}",
            title=f"Lead the design review {n}", due=date(2027, 1, 1) + timedelta(days=n % 180),
            owner=owners[n % OWNERS], done_when="the review checklist is in use",
            link=f"https://careers.example.com/plans/plan{n // 5}",
        )
        for n in range(N)
    ]  # fmt: skip


def _settings(fake: FakeJira, **extra: str) -> JiraSettings:
    cloud = fake.state.deployment == "Cloud"
    raw = {"url": fake.url, "project": "CAREER", "email": "bot@example.com",
           "deployment": "cloud" if cloud else "datacenter", "token_env": "T", **extra}  # fmt: skip
    return parse_settings(raw, {"T": fake.state.token})


def run(deployment: str) -> None:
    """Sync 500 new actions, then the same 500 again, and print the figures."""
    cloud = deployment == "Cloud"
    with FakeJira(deployment) as fake:
        views = _views(_owners(fake))
        settings = _settings(fake)

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


def lagging(deployment: str) -> None:
    """Create 500, then read their statuses from a new process while the search lags 5 s."""
    with FakeJira(deployment) as fake, tempfile.TemporaryDirectory() as state:
        fake.state.search_lag = 5.0
        views = _views(_owners(fake))
        settings = _settings(fake, state_directory=state)
        maker = JiraTracker(settings)
        maker.deliver_tickets(views)
        maker.close()  # the process ends; the next one has only the record in state_directory
        fake.clear_log()
        reader = JiraTracker(settings)
        statuses = reader.pull_statuses([v.key for v in views])
        reader.close()
        false = sum(s.value == "deleted" for s in statuses.values())
        seen = sum(s.value == "open" for s in statuses.values())
        print(
            f"  sync-tickets right after creation, search {fake.state.search_lag:g} s behind: "
            f"{seen} open, {false} false deletions, {len(fake.requests())} requests "
            f"({dict(sorted(kinds(fake.requests()).items()))})"
        )


def limited(deployment: str) -> None:
    """500 new actions on a site that takes 10 issues per bulk create."""
    with FakeJira(deployment) as fake:
        fake.state.bulk_limit = 10
        views = _views(_owners(fake))
        tracker = JiraTracker(_settings(fake))
        outcomes = tracker.deliver_tickets(views)
        tracker.close()
        bulks = [e for e in fake.requests("POST") if e.path.endswith("/issue/bulk")]
        made = sum(e.status == 201 for e in bulks)
        refused = sum(e.status == 400 for e in bulks)
        failures = sum(o.status.value != "delivered" for o in outcomes)
        print(
            f"  site limited to 10 per bulk create: {made} bulk creates (+{refused} refused, then "
            f"split), {failures} failures, {len(fake.state.issues)} issues"
        )


def through_dispatcher(deployment: str) -> None:
    """120 tickets queued behind 220 older notices, one dispatcher run (limit 200)."""
    with FakeJira(deployment) as fake:
        views = _views(_owners(fake))[:120]
        at = datetime(2027, 1, 4, 9, tzinfo=UTC)
        notices = [
            NoticeView(f"n-{n}", NoticeKind.PROPOSAL, views[0].owner, "A proposal", "body")
            for n in range(220)
        ]
        entries = [
            OutboxEntry(f"n{n}", v.key, Channel.NOTIFIER, serialization.dumps(v), "p", at, at)
            for n, v in enumerate(notices)
        ] + [
            OutboxEntry(f"t{n}", v.key, Channel.TRACKER, serialization.dumps(v), v.plan_key, at, at)
            for n, v in enumerate(views)
        ]
        store = InMemoryStore()
        store.commit(PlanChange(outbox=tuple(entries)))
        tracker, notifier = JiraTracker(_settings(fake)), RecordingNotifier()
        adapters = {Channel.TRACKER: [("jira", tracker)], Channel.NOTIFIER: [("mail", notifier)]}
        report = Dispatcher(store, adapters, lambda: at + timedelta(minutes=1)).run_once(200)
        tracker.close()
        bulks = sum(1 for e in fake.requests("POST") if e.path.endswith("/issue/bulk"))
        print(
            f"  one dispatch of 120 tickets behind 220 notices (limit 200): {bulks} bulk creates "
            f"(target {math.ceil(120 / BATCH_SIZE)}), {report.adapters['jira'].delivered} tickets and "
            f"{len(notifier.sent)} of 220 notices (their channel's own limit) delivered in the run"
        )


if __name__ == "__main__":
    for deployment in ("Cloud", "Server"):
        run(deployment)
        lagging(deployment)
        limited(deployment)
        through_dispatcher(deployment)
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
