"""Run the outbox dispatcher in a process that dies by SIGKILL at a chosen point.

Two ways to run it:

* ``python tests/resilience/crash/child.py run <home> [--crash-at N] [--after]`` runs the
  dispatcher of ``<home>/careerconv.toml`` until nothing is due. With
  ``--crash-at N`` the process kills itself with SIGKILL at its N-th I/O call
  (an HTTP request, an SMTP send, a file write, a store commit, claim or save),
  before the call, or after it returned with ``--after``.
* ``python tests/resilience/crash/child.py serve`` imports everything once, then reads
  one JSON job per line on stdin and forks a fresh process per job, so a
  hundred crash runs do not pay a hundred interpreter starts. A job is
  ``{"home": ..., "now": ISO, "crash_at": N, "after": bool, "kill_after": s, "task": ...}``
  (``task`` is ``"dispatch"``, the default, or ``"sync"``: a full org read);
  ``kill_after`` (seconds) makes the server SIGKILL the job's process after a
  delay instead. The answer is one JSON line: ``{"pid", "killed", "code"}``.

The forked process opens the store and the adapters itself, after the fork,
so no connection or file handle is shared with the server process.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import smtplib
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests

# Imported here, before any fork, so a job pays no import time.
import careerconv_plugins.caldav.adapter
import careerconv_plugins.jira.adapter  # noqa: F401
from careerconv.app import App
from careerconv_core.plugins import PluginHost, make_plugin_manager
from careerconv_plugins.localfiles.client import JsonFolder
from careerconv_plugins.mail import notifier_adapter
from careerconv_plugins.sqlite_store.adapter import SqliteStore

_HOST: list[PluginHost] = []


def host() -> PluginHost:
    """One plugin host per process (finding entry points is the slow part of a start)."""
    if not _HOST:
        _HOST.append(make_plugin_manager())
    return _HOST[0]


STEP = timedelta(hours=2)
"""The dispatcher's clock moves this much per run, past any backoff (capped at 1 h)."""


class Tripwire:
    """Counts I/O calls and kills this process at the ``crash_at``-th one."""

    def __init__(self, crash_at: int, after: bool) -> None:
        self.crash_at = crash_at
        self.after = after
        self.calls = 0

    def wrap(self, owner: Any, name: str) -> None:
        """Replace ``owner.name`` with a version that counts and may kill."""
        original: Callable[..., Any] = getattr(owner, name)
        wire = self

        def tripped(*args: Any, **kwargs: Any) -> Any:
            wire.calls += 1
            hit = wire.calls == wire.crash_at
            if hit and not wire.after:
                os.kill(os.getpid(), signal.SIGKILL)
            result = original(*args, **kwargs)
            if hit:
                os.kill(os.getpid(), signal.SIGKILL)
            return result

        setattr(owner, name, tripped)

    def arm(self) -> None:
        """Wire every point where the dispatcher touches the world or the store."""
        self.wrap(requests.Session, "send")  # CalDAV and Jira
        self.wrap(smtplib.SMTP, "sendmail")  # SMTP notices and iMIP
        self.wrap(notifier_adapter, "write_atomic")  # .eml files
        self.wrap(JsonFolder, "write")  # HRIS summary files
        self.wrap(SqliteStore, "commit")  # a use case's one transaction (an org sync)
        self.wrap(SqliteStore, "claim_outbox")
        self.wrap(SqliteStore, "save_outbox")


def dispatch(home: Path, now: datetime, max_runs: int = 40) -> int:
    """Run the configured dispatcher until a run claims nothing; how many runs it took."""
    app = App.load(home, host())
    tick = [0]
    app.clock = lambda: now + STEP * tick[0]
    dispatcher = app.dispatcher()
    try:
        for runs in range(1, max_runs + 1):
            report = dispatcher.run_once()
            tick[0] += 1
            if report.claimed == 0:
                return runs
        return max_runs
    finally:
        app.close()


def sync(home: Path, now: datetime) -> None:
    """A full org read from the configured HRIS source, taken in by the use case."""
    app = App.load(home, host())
    app.clock = lambda: now
    try:
        snapshot = app.hris_source().read_people(None)
        app.services().sync_org(snapshot, complete=True)
    finally:
        app.close()


def _job(job: dict[str, Any]) -> None:
    """The body of one forked job; never returns."""
    code = 0
    try:
        crash_at = int(job.get("crash_at") or 0)
        if crash_at:
            Tripwire(crash_at, bool(job.get("after"))).arm()
        task = sync if job.get("task") == "sync" else dispatch
        task(Path(job["home"]), datetime.fromisoformat(job["now"]))
    except BaseException as exc:  # noqa: BLE001 - reported by exit code; the parent reads the log
        print(f"job failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        code = 3
    os._exit(code)


def serve() -> None:
    """Fork one process per job line on stdin; answer one JSON line per job."""
    host()  # loaded before the first fork, so every job inherits it
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _job(job)
        killed_by_us = False
        delay = job.get("kill_after")
        if delay is not None:
            deadline = time.monotonic() + float(delay)
            while time.monotonic() < deadline:
                done, _status = os.waitpid(pid, os.WNOHANG)
                if done:
                    _answer(pid, _status, False)
                    break
                time.sleep(0.001)
            else:
                os.kill(pid, signal.SIGKILL)  # not yet reaped, so the pid is still this job's
                killed_by_us = True
                _done, status = os.waitpid(pid, 0)
                _answer(pid, status, killed_by_us)
            continue
        _done, status = os.waitpid(pid, 0)
        _answer(pid, status, False)


def _answer(pid: int, status: int, killed_by_us: bool) -> None:
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    answer = {"pid": pid, "killed": killed, "by_timer": killed_by_us, "code": code}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    """Command line: ``run`` one dispatcher (maybe crashing) or ``serve`` jobs."""
    parser = argparse.ArgumentParser(prog="child.py")
    sub = parser.add_subparsers(dest="mode", required=True)
    run = sub.add_parser("run")
    run.add_argument("home")
    run.add_argument("--now", default=None, help="the dispatcher's clock (ISO, with offset)")
    run.add_argument("--crash-at", type=int, default=0)
    run.add_argument("--after", action="store_true")
    sub.add_parser("serve")
    args = parser.parse_args(argv)
    if args.mode == "serve":
        serve()
        return 0
    if args.crash_at:
        Tripwire(args.crash_at, args.after).arm()
    now = datetime.fromisoformat(args.now) if args.now else datetime.now().astimezone()
    dispatch(Path(args.home), now)
    return 0


if __name__ == "__main__":
    sys.exit(main())
