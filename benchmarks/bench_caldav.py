"""CalDAV sync figures against a real Radicale: requests per event and time.

A team of 8 reports: the three career conversations each (24) plus the first
year of monthly check-ins (96), 120 events in all. Prints, for a first sync,
a re-sync with nothing changed, and one moved conversation: requests by
method (counted by the client and, for writes, confirmed from Radicale's log)
and wall time. Run: ``python benchmarks/bench_caldav.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from careerconv_plugins.caldav.adapter import CalDavCalendar, from_settings
from servers.calendars import start_radicale
from support.invites import moved, team

ENV = "BENCH_CALDAV_PASSWORD"


def _writes_in_log(log: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for line in log.splitlines():
        for method in ("PUT", "DELETE", "MKCALENDAR"):
            if f"] {method} request for" in line:
                found[method] += 1
    return found


def _run(label: str, backend: CalDavCalendar, views: list, events: int) -> None:
    backend.client.requests_made.clear()
    began = time.perf_counter()
    outcomes = backend.deliver_invites(views)
    took = time.perf_counter() - began
    made = backend.client.requests_made
    writes = made["PUT"] + made["DELETE"] + made["MKCALENDAR"]
    statuses = Counter(o.status.value for o in outcomes)
    print(
        f"{label:<28} events={events:<4} outcomes={dict(statuses)} requests={dict(made)} "
        f"writes={writes} writes/event={writes / events:.3f} "
        f"requests/event={sum(made.values()) / events:.3f} time={took * 1000:.0f} ms"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        server = start_radicale(Path(folder) / "radicale")
        try:
            settings = {
                "url": server.home_url + "career/",
                "user": server.user,
                "password_env": ENV,
            }
            views = team(reports=8, check_ins=12)
            n = len(views)
            print(f"Radicale {server.base_url}, team of 8 reports, {n} events")
            environ = {ENV: server.password}
            _run("first sync (one batch)", from_settings(settings, environ=environ), views, n)
            _run("re-sync, nothing changed", from_settings(settings, environ=environ), views, n)
            changed = [moved(views[1]) if i == 1 else v for i, v in enumerate(views)]
            _run("re-sync, one event moved", from_settings(settings, environ=environ), changed, n)
            # The same team delivered one invite per call, as a dispatcher without batching would.
            single = from_settings(settings, environ=environ)
            single.client.requests_made.clear()
            began = time.perf_counter()
            for view in changed:
                single.deliver_invites([view])
            took = time.perf_counter() - began
            made = single.client.requests_made
            print(
                f"{'re-sync, one call per event':<28} events={n:<4} requests={dict(made)} "
                f"writes={made['PUT'] + made['DELETE']} time={took * 1000:.0f} ms"
            )
            print(f"writes seen in Radicale's log: {dict(_writes_in_log(server.log_text()))}")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
