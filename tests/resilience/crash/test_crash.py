"""Crash tests: SIGKILL the dispatcher at many points; a restart delivers every effect once.

Each run builds a fresh home (SQLite store, a calendar collection of its own
on Radicale) whose outbox holds invites, invite updates or cancellations,
Jira tickets, notices (SMTP and ``.eml``) and sometimes an HRIS summary. A
forked dispatcher process is then killed with SIGKILL, either at its N-th I/O
call (before or after the call: an HTTP request, an SMTP send, a file write,
a store claim or save) or after a random delay. A fresh dispatcher process
runs to completion, and the servers are asked what they hold.

``CAREERCONV_CRASH_RUNS`` (default 100) and ``CAREERCONV_CRASH_SEED`` set the
number of runs and the seed. The figures are printed at the end.
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

from fakes.fake_jira import FakeJira
from resilience.crash.scenario import (
    CALDAV_ENV,
    JIRA_ENV,
    T0,
    Findings,
    MailIds,
    Servers,
    Zygote,
    build_home,
    check_home,
    fast_folder,
)
from servers.calendars import CalendarServer, start_radicale
from servers.smtp import SmtpServer

pytestmark = pytest.mark.servers

RUNS = int(os.environ.get("CAREERCONV_CRASH_RUNS", "100"))
SEED = int(os.environ.get("CAREERCONV_CRASH_SEED", "20261125"))
CRASH_NOW = T0 + timedelta(days=10)  # after every entry is due
RESTART_NOW = T0 + timedelta(days=40)  # after every lease and backoff the crashed run left


@pytest.fixture(scope="module")
def fast_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = fast_folder(tmp_path_factory, "crash")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def radicale_fast(fast_tmp: Path) -> Iterator[CalendarServer]:
    """Radicale of this module's own, storing in memory."""
    server = start_radicale(fast_tmp / "radicale")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def jira() -> Iterator[FakeJira]:
    """The fake Jira, served from this (the parent) process so it outlives every crash."""
    with FakeJira("Cloud") as fake:
        fake.add_user("Rae Report", "rae@example.com", "acc-rae", "rae")
        fake.add_user("Sam Second", "sam@example.com", "acc-sam", "sam")
        yield fake


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    """aiosmtpd in a thread of this process."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def servers(radicale_fast: CalendarServer, jira: FakeJira, smtp: SmtpServer) -> Servers:
    radicale = radicale_fast
    return Servers(
        radicale.home_url,
        radicale.user,
        radicale.password,
        jira.url,
        jira.state.token,
        smtp.port,
        radicale.folder / "collections",
    )


@pytest.fixture(scope="module")
def zygote(servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zygote]:
    env = {**os.environ, CALDAV_ENV: servers.caldav_password, JIRA_ENV: servers.jira_token}
    os.environ[CALDAV_ENV] = servers.caldav_password  # the parent builds homes with the same config
    os.environ[JIRA_ENV] = servers.jira_token
    server = Zygote(env, tmp_path_factory.mktemp("crash-log") / "child.log")
    yield server
    server.close()
    os.environ.pop(CALDAV_ENV, None)
    os.environ.pop(JIRA_ENV, None)


def test_a_restart_after_sigkill_delivers_every_effect_exactly_once(  # noqa: PLR0917 - fixtures
    servers: Servers,
    zygote: Zygote,
    jira: FakeJira,
    smtp: SmtpServer,
    fast_tmp: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rng = random.Random(SEED)
    started = time.monotonic()
    results: list[tuple[int, dict[str, Any], Findings]] = []
    phases = dict.fromkeys(("setup", "crash", "restart", "check"), 0.0)
    mail_ids = MailIds(smtp.messages)
    for run in range(RUNS):
        t0 = time.monotonic()
        home = build_home(fast_tmp, servers, run, rng)
        t1 = time.monotonic()
        job: dict[str, Any] = {"home": str(home), "now": CRASH_NOW.isoformat()}
        if rng.random() < 0.75:
            job |= {"crash_at": rng.randint(1, 24), "after": rng.random() < 0.5}
        else:
            job["kill_after"] = rng.uniform(0.0, 0.4)
        crash = zygote.run(job)
        t2 = time.monotonic()
        assert crash["killed"] or crash["code"] == 0, f"run {run}: the dispatcher failed: {crash}"
        restart = zygote.run({"home": str(home), "now": RESTART_NOW.isoformat()})
        t3 = time.monotonic()
        assert restart["code"] == 0, f"run {run}: the restart failed; see {zygote.log}"
        results.append((run, crash, check_home(home, run, servers, jira, mail_ids.update())))
        for phase, spent in zip(phases, (t1 - t0, t2 - t1, t3 - t2, time.monotonic() - t3), strict=True):
            phases[phase] += spent

    killed = sum(1 for _r, crash, _f in results if crash["killed"])
    survived = sum(1 for *_x, f in results if f.exactly_once)
    but_mail = sum(1 for *_x, f in results if not (f.missing or f.duplicates or f.stuck))
    effects = sum(f.effects for *_x, f in results)
    mail_dups = [d for *_x, f in results for d in f.mail_duplicates]
    with capsys.disabled():
        print(
            f"\ncrash runs (seed {SEED}): {survived}/{len(results)} survived with exactly-once "
            f"effects ({but_mail}/{len(results)} apart from SMTP notices); {killed} killed mid-run "
            "(the rest finished before their kill point); "
            f"{effects} effects checked at the servers; {len(mail_dups)} SMTP notice(s) mailed "
            f"twice; {time.monotonic() - started:.1f}s ("
            + ", ".join(f"{k} {v:.1f}s" for k, v in phases.items())
            + ")"
        )
    # Nothing is ever lost, and nothing the adapters can recognise is ever duplicated.
    for run, crash, found in results:
        assert not found.stuck, f"run {run} {crash}: not delivered after the restart: {found.stuck}"
        assert not found.missing, f"run {run} {crash}: lost: {found.missing}"
        assert not found.duplicates, f"run {run} {crash}: duplicated: {found.duplicates}"
    assert killed >= len(results) // 2, "most runs must really die mid-run, or the test proves little"
