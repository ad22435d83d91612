"""Web surface figures: page render time on SQLite with 10,000 plans, and 200 concurrent posts on one plan.

Run from the project root (needs the web extra)::

    python benchmarks/bench_web.py               # 10,000 plans
    python benchmarks/bench_web.py --plans 2000  # quicker

What it does:

1. Makes a careerconv home (SQLite, encrypted at rest, as ``careerconv init``
   writes it), takes in an org of 1,250 managers with 8 reports each, and
   proposes a plan to every report: N plans, each committed on its own.
2. Renders the report's proposal page, its consent page and the plan page
   (the export), and the manager's plan page (which is also recorded on the
   report's audit trail), for plans picked at random, each from its own signed link,
   through the whole ASGI application (link check, plan read, template,
   headers) with Starlette's TestClient: median and 95th percentile.
3. Serves the pages with uvicorn on 127.0.0.1 and has 200 browsers open one
   plan's consent page from the same link, then post their forms at the
   same moment. Counts the posts that were saved and those told the plan
   changed, and checks the plan's version rose by exactly the number saved
   (no update lost) and the consent stored is the one saved. A post loses
   in one of two ways, counted apart: at the form (the plan read is already
   past the version the form carries) or at the commit (it read the same
   version as the winner, and the store's version check refused its write,
   ``ConcurrentChange``). Run twice: as it comes, where most losers are
   told at the form, and with each read of the plan held a moment, so that
   every post reads the same current version and all but one lose at the
   commit: the race the store's check alone decides.

The machine is shared: the load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import anyio.to_thread  # noqa: E402
import uvicorn  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from careerconv.app import App  # noqa: E402
from careerconv.cli import main  # noqa: E402
from careerconv.web import Signer, create_app  # noqa: E402
from careerconv_core.domain.people import Person  # noqa: E402
from careerconv_core.errors import ConcurrentChange  # noqa: E402

NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
REPORTS_PER_MANAGER = 8
SECRET = b"bench-secret-0123456789abcdef"
POSTERS = 200
HOLD = 1.0  # seconds each read of the plan is held in the second run: longer than 200 reads take


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} (1 / 5 min), {os.cpu_count()} CPUs"


def build(home: Path, plans: int) -> App:
    assert main(["--home", str(home), "init"], clock=lambda: NOW) == 0
    app = App.load(home, clock=lambda: NOW)
    services = app.services()
    managers = plans // REPORTS_PER_MANAGER
    people = [Person("director", "Director", "director@example.com")]
    people += [
        Person(f"m{m}", f"Manager {m}", f"m{m}@example.com", manager_id="director") for m in range(managers)
    ]
    people += [
        Person(f"r{m}-{r}", f"Report {m}-{r}", f"r{m}-{r}@example.com", manager_id=f"m{m}")
        for m in range(managers)
        for r in range(REPORTS_PER_MANAGER)
    ]
    started = time.perf_counter()
    services.sync_people(people, complete=True)
    for m in range(managers):
        for r in range(REPORTS_PER_MANAGER):
            services.propose(f"m{m}", f"r{m}-{r}")
        if m % 250 == 0:
            print(f"  proposed {m * REPORTS_PER_MANAGER}/{plans}", flush=True)
    print(f"  {plans} plans proposed in {time.perf_counter() - started:.1f} s")
    return app


def timed(client: TestClient, paths: list[str]) -> tuple[float, float]:
    times = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def renders(app: App, signer: Signer, samples: int) -> None:
    client = TestClient(create_app(app.services(), signer, catalog=app.catalog()))
    plans = list(app.store.find_plans())
    picked = random.Random(7).sample(plans, min(samples, len(plans)))
    # The manager's plan page is also written to the report's audit trail before it leaves.
    for step, reader in (
        ("proposal", "report"),
        ("consent", "report"),
        ("plan", "report"),
        ("plan", "manager"),
    ):
        paths = [f"/l/{signer.sign(getattr(p, reader + '_id'), p.id, step, p.version, NOW)}" for p in picked]
        client.get(paths[0])  # templates compiled, caches warm
        median, p95 = timed(client, paths)
        figures = f"median {median:6.2f} ms, p95 {p95:6.2f} ms over {len(paths)} renders"
        print(f"  {step:9} page ({reader:7}): {figures} ({load()})")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Counted:
    """The store's commits and reads of one plan, watched: commits refused at the version check
    are counted, and each read of the plan may be held ``hold`` seconds (the commit race)."""

    def __init__(self, store: object, plan_id: str) -> None:
        self.store, self.plan_id, self.hold = store, plan_id, 0.0
        self.refused_at_commit = 0
        self._lock = threading.Lock()
        self._commit, self._load = store.commit, store.load_plan  # type: ignore[attr-defined]
        store.commit = self.commit  # type: ignore[attr-defined]
        store.load_plan = self.load_plan  # type: ignore[attr-defined]

    def commit(self, change: object) -> None:
        try:
            self._commit(change)
        except ConcurrentChange:
            with self._lock:
                self.refused_at_commit += 1
            raise

    def load_plan(self, plan_id: str) -> object:
        plan = self._load(plan_id)
        if self.hold and plan_id == self.plan_id:
            time.sleep(self.hold)  # every post reads before any commits: they race at the commit
        return plan


class Wide:
    """The application with as many worker threads as posters (``hold``): every post reads the
    plan before any commits, instead of 40 at a time (AnyIO's default)."""

    def __init__(self, app: object, threads: int) -> None:
        self.app, self.threads = app, threads

    async def __call__(self, scope: object, receive: object, send: object) -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = self.threads
        await self.app(scope, receive, send)  # type: ignore[operator]


def concurrent_posts(app: App, signer: Signer, watch: Counted, hold: float) -> None:  # noqa: PLR0915 - one scenario
    plan = app.store.load_plan(watch.plan_id)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            Wide(create_app(app.services(), signer), POSTERS + 8)
            if hold
            else create_app(app.services(), signer),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            access_log=False,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}/l/{signer.sign(plan.report_id, plan.id, 'consent', plan.version, NOW)}"
    opened = []
    for n in range(POSTERS):  # each browser opens the page: its own cookie, token and version
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        html = opener.open(url).read().decode()
        csrf = re.search(r'name="csrf" value="([^"]+)"', html)
        version = re.search(r'name="version" value="(\d+)"', html)
        assert csrf
        assert version
        choice = {"csrf": csrf.group(1), "version": version.group(1)}
        if n % 2:
            choice["summary_to_hris"] = "on"
        if n % 3:
            choice["share_goal_on_tickets"] = "on"
        opened.append((opener, choice))
    watch.hold, watch.refused_at_commit = hold, 0
    gate = threading.Barrier(POSTERS)
    outcomes: list[tuple[int, str, dict[str, str]]] = []
    lock = threading.Lock()

    def post(opener: urllib.request.OpenerDirector, choice: dict[str, str]) -> None:
        body = urllib.parse.urlencode(choice).encode()
        gate.wait()
        try:
            response = opener.open(urllib.request.Request(url, data=body, method="POST"))
            status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode()
        with lock:
            outcomes.append((status, text, choice))

    started = time.perf_counter()
    posters = [threading.Thread(target=post, args=pair) for pair in opened]
    for t in posters:
        t.start()
    for t in posters:
        t.join()
    elapsed = time.perf_counter() - started
    server.should_exit = True
    thread.join(10)
    watch.hold = 0.0
    saved = [c for s, _, c in outcomes if s == 200]
    told = [s for s, text, _ in outcomes if s == 409 and "the plan changed since you opened it" in text]
    other = [
        s for s, text, _ in outcomes if s != 200 and not (s == 409 and "changed since you opened" in text)
    ]
    after = app.store.load_plan(plan.id)
    lost = after.version - plan.version - len(saved)
    at_commit = watch.refused_at_commit
    how = f"each read held {hold:.1f} s" if hold else "as they come"
    print(
        f"  {POSTERS} concurrent posts on one plan ({how}) in {elapsed:.2f} s: {len(saved)} saved, "
        f"{len(told)} told 'the plan changed since you opened it' ({len(told) - at_commit} at the form, "
        f"{at_commit} at the commit), {len(other)} other {sorted(set(other))}; "
        f"version {plan.version} -> {after.version}, lost updates {lost} ({load()})"
    )
    assert at_commit <= len(told)
    assert lost == 0
    assert len(saved) + len(told) == POSTERS
    assert not other
    winner = saved[-1]
    assert after.consent.summary_to_hris == ("summary_to_hris" in winner)
    assert after.consent.share_goal_on_tickets == ("share_goal_on_tickets" in winner)


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=400)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-web-"))
    try:
        print(f"web surface on SQLite, {args.plans} plans ({load()})")
        app = build(folder / "home", args.plans)
        signer = Signer(SECRET, 14)
        renders(app, signer, args.samples)
        watch = Counted(app.store, next(iter(app.store.find_plans(report_id="r0-0"))).id)
        concurrent_posts(app, signer, watch, 0.0)
        concurrent_posts(app, signer, watch, HOLD)
        app.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    run()
