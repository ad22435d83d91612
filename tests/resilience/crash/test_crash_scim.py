"""Crash tests for the org sync from scim2-server: SIGKILL mid-sync, then sync again.

Each run has a SCIM tenant of its own (two managers and a report) and a
home whose SQLite store already holds the org and a plan for the report.
The report's manager is then changed in SCIM, and a forked ``org sync``
process (full read, then the use case's one commit) is killed with SIGKILL at
a seeded I/O call (a SCIM request or the store commit, before or after it)
or after a seeded delay. A second sync runs to completion. Afterwards the
store must name the new manager, and the manager change must have started
exactly one handoff with exactly one consent request (M12): none lost
because of the crash, none doubled by the second sync.

``CAREERCONV_CRASH_SCIM_RUNS`` (default 30) and ``CAREERCONV_CRASH_SEED`` set
the runs and the seed.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from careerconv.app import App
from careerconv_core import serialization
from careerconv_core.outbox import Channel
from careerconv_core.services import Services
from careerconv_core.testing import FixedClock, SequentialIds
from careerconv_core.views import NoticeKind, NoticeView
from careerconv_plugins.sql.sealing import create_key_file
from resilience.crash.child import host
from resilience.crash.scenario import T0, Zygote, fast_folder, started
from servers.scim import ScimAdmin, ScimServer

pytestmark = pytest.mark.servers

RUNS = int(os.environ.get("CAREERCONV_CRASH_SCIM_RUNS", "30"))
SEED = int(os.environ.get("CAREERCONV_CRASH_SEED", "20261125"))
TOKEN_ENV = "CC_CRASH_SCIM_TOKEN"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = fast_folder(tmp_path_factory, "crash-scim")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def zygote(scim_server: ScimServer, folder: Path) -> Iterator[Zygote]:
    os.environ[TOKEN_ENV] = scim_server.token  # the parent reads the same org first
    server = Zygote({**os.environ}, folder / "child.log")
    yield server
    server.close()
    os.environ.pop(TOKEN_ENV, None)


def build(folder: Path, run: int, admin: ScimAdmin) -> tuple[Path, str, str]:
    """A home synced from the tenant, with a plan for the report; (home, plan id, new manager id)."""
    old = admin.create(f"maya{run}", display_name="Maya Manager", timezone="Europe/Berlin")
    new = admin.create(f"noor{run}", display_name="Noor Newmanager", timezone="UTC")
    report = admin.create(f"rae{run}", display_name="Rae Report", timezone="Europe/Berlin", manager=old)
    home = folder / f"run{run:03d}"
    home.mkdir()
    create_key_file(home / "careerconv.key")
    (home / "careerconv.toml").write_text(
        f"""\
[store]
adapter = "sqlite"
settings = {{ path = "careerconv.db", key_file = "careerconv.key" }}

[[notifier]]
adapter = "mailfiles"
settings = {{ directory = "mail" }}

[hris_source]
adapter = "scim"
settings = {{ url = "{admin.url}", token_env = "{TOKEN_ENV}" }}

[catalog]
adapter = "builtin"
""",
        encoding="utf-8",
    )
    app = App.load(home, host())
    clock = FixedClock(T0)
    app.clock = clock
    try:
        svc = Services(app.store, clock, SequentialIds(f"s{run}p"), app.settings)
        svc.sync_org(app.hris_source().read_people(None), complete=True)
        svc_plan = started(_Renamed(svc, {"m1": old, "r1": report}), clock, "r1")
    finally:
        app.close()
    admin.set_manager(report, new)  # the change the killed sync is taking in
    return home, svc_plan, new


class _Renamed:
    """The scenario's people ids ("m1", "r1") mapped onto this tenant's SCIM ids."""

    def __init__(self, svc: Services, ids: dict[str, str]) -> None:
        self._svc, self._ids = svc, ids

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._svc, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return method(*(self._ids.get(a, a) if isinstance(a, str) else a for a in args), **kwargs)

        return call


def check(home: Path, plan_id: str, new_manager: str) -> list[str]:
    """Problems: the change lost, or its handoff or consent request doubled."""
    app = App.load(home, host())
    try:
        plan = app.store.load_plan(plan_id)
        report = app.store.load_person(plan.report_id)
        asks = [
            e
            for e in app.store.outbox()
            if e.channel is Channel.NOTIFIER
            and serialization.loads(e.payload, NoticeView).kind is NoticeKind.CONSENT_REQUEST
        ]
    finally:
        app.close()
    problems = []
    if report.manager_id != new_manager:
        problems.append(f"the store still names manager {report.manager_id}")
    if len(plan.handoffs) != 1:
        problems.append(f"{len(plan.handoffs)} handoffs started")
    if len(asks) != 1:
        problems.append(f"{len(asks)} consent requests queued")
    return problems


def test_a_killed_org_sync_takes_a_manager_change_in_exactly_once(
    scim_server: ScimServer, zygote: Zygote, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(SEED)
    started_at = time.monotonic()
    now = (T0 + timedelta(days=1)).isoformat()
    outcomes: list[tuple[int, dict[str, Any], list[str]]] = []
    for run in range(RUNS):
        admin = scim_server.tenant()
        try:
            home, plan_id, new_manager = build(folder, run, admin)
        finally:
            admin.session.close()
        job: dict[str, Any] = {"home": str(home), "now": now, "task": "sync"}
        if rng.random() < 0.75:
            job |= {"crash_at": rng.randint(1, 5), "after": rng.random() < 0.5}
        else:
            job["kill_after"] = rng.uniform(0.0, 0.3)
        crash = zygote.run(job)
        assert crash["killed"] or crash["code"] == 0, f"run {run}: the sync failed: {crash}"
        again = zygote.run({"home": str(home), "now": now, "task": "sync"})
        assert again["code"] == 0, f"run {run}: the second sync failed; see {zygote.log}"
        outcomes.append((run, crash, check(home, plan_id, new_manager)))
    killed = sum(1 for _r, crash, _p in outcomes if crash["killed"])
    survived = sum(1 for *_x, problems in outcomes if not problems)
    with capsys.disabled():
        print(
            f"\nscim crash runs (seed {SEED}): {survived}/{len(outcomes)} took the manager change in "
            f"exactly once; {killed} killed mid-sync; {time.monotonic() - started_at:.1f}s"
        )
    for run, crash, problems in outcomes:
        assert not problems, f"run {run} {crash}: {problems}"
    assert killed >= len(outcomes) // 2, "most runs must really die mid-sync"
