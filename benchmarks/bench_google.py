"""Google Calendar sync figures against the fake Calendar API: requests per event and time.

A team of 8 reports: the three career conversations each (24) plus a year of
monthly check-ins (96), 120 events in all, written as the manager through a
service account (tokens made by google-auth, signed with a fresh RSA key).
Prints, for a first sync, a re-sync with nothing changed and one moved
conversation: requests by kind (counted by the client and, for writes,
confirmed from the fake's log) and wall time; then free/busy for the
manager and the 8 reports over three months, and for a 120-person org. Every
exchange is checked against the discovery document. The load average is
printed beside the figures: the machine may be shared.

Run: ``python benchmarks/bench_google.py``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from careerconv_core.views import Participant
from careerconv_plugins.google.adapter import GoogleCalendar
from careerconv_plugins.google.auth import SCOPES
from careerconv_plugins.google.plugin import make_backend
from fakes.fake_google import FakeGoogle, running
from support.invites import MANAGER, moved, team


def _run(label: str, fake: FakeGoogle, backend: GoogleCalendar, views: list) -> None:
    backend.client.requests_made.clear()
    writes_before = len(fake.writes())
    began = time.perf_counter()
    outcomes = backend.deliver_invites(views)
    took = time.perf_counter() - began
    statuses: dict[str, int] = {}
    for outcome in outcomes:
        statuses[outcome.status.value] = statuses.get(outcome.status.value, 0) + 1
    writes = len(fake.writes()) - writes_before
    asked = dict(sorted(backend.client.requests_made.items()))
    print(
        f"{label:<22} {len(views):>4} events  writes {writes:>4} ({writes / len(views):.2f}/event)  "
        f"requests {asked}  {statuses}  {took * 1000:7.0f} ms"
    )


def main() -> None:
    with running() as fake:
        views = team()
        people = [MANAGER, *{a.person_id: a for v in views for a in v.attendees}.values()]
        fake.state.users |= {p.email for p in people}
        fake.state.granted_scopes |= set(SCOPES)
        key = fake.add_service_account("careers@bench.iam.gserviceaccount.com")
        settings = {"credentials_env": "BENCH_G", "api_url": fake.api_url, "token_uri": fake.token_uri}
        backend = make_backend(settings, environ={"BENCH_G": json.dumps(key)})
        assert isinstance(backend, GoogleCalendar)
        print(f"load average {os.getloadavg()}")
        _run("first sync", fake, backend, views)
        _run("re-sync, unchanged", fake, backend, views)
        _run("one conversation moved", fake, backend, [moved(views[0]), *views[1:]])
        start = datetime(2027, 1, 1, tzinfo=UTC)
        for label, who in (
            ("free/busy, team of 8", people),
            ("free/busy, 120 people", [Participant(f"p{n}", "P", f"p{n}@example.com") for n in range(120)]),
        ):
            fake.state.users |= {p.email for p in who}
            backend.client.requests_made.clear()
            began = time.perf_counter()
            report = backend.busy(who, start, start + timedelta(days=90))
            took = time.perf_counter() - began
            print(
                f"{label:<22} {len(who):>4} people  available={report.available}  "
                f"requests {dict(backend.client.requests_made)}  {took * 1000:7.0f} ms"
            )
        print(
            f"token requests {len([e for e in fake.state.log if e.path == '/token'])}; "
            f"discovery violations {len(fake.state.problems)}"
        )
        print(f"load average {os.getloadavg()}")
        backend.close()


if __name__ == "__main__":
    main()
