"""Delivering the side effects: ``dispatch`` the outbox, its ``status``, ``retry`` the failed,
``rebuild`` the files an adapter owns."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from careerconv.cli._args import named, positive, shown
from careerconv.cli._common import Invocation, add_command

if TYPE_CHECKING:
    from careerconv.app import App
    from careerconv_core.dispatch import DispatchReport


BUSY_WAIT = 5.0
"""Seconds ``dispatch --loop`` waits when another writer holds the store, before trying again."""


def cmd_dispatch(args: argparse.Namespace, inv: Invocation) -> None:
    """Deliver queued entries once, or keep running with ``--loop``."""
    import time

    from careerconv_core.errors import AdapterError

    app = inv.app()
    runs = claimed = 0
    report: DispatchReport | None = None
    due = 0 if args.loop else _due_count(app)
    shown = inv.progress("delivering") if due > args.limit else None
    while True:
        try:
            report = app.dispatcher().run_once(args.limit)
        except AdapterError as exc:
            # Another process holding the store for a moment is no reason to stop a loop.
            if not (args.loop and exc.retryable):
                raise
            wait = min(BUSY_WAIT, args.interval)
            inv.err(f"{exc}; trying again in {wait:g} s")
            time.sleep(wait)
            continue
        runs += 1
        claimed += report.claimed
        if shown is not None:  # several batches: say how far (on a terminal; -q silences it)
            shown(min(claimed, due), due)
        _show_run(inv, report, each=args.loop)
        if not args.loop and report.claimed < args.limit:
            break
        if args.loop and args.runs and runs >= args.runs:
            break
        if args.loop:
            time.sleep(args.interval)
    if report is not None and report.claimed == 0 and runs == 1:
        _show_nothing_due(inv, app, each=args.loop)


def _due_count(app: App) -> int:
    """How many pending entries a dispatch can take now: the total its progress counts to."""
    now = app.clock()
    pending = app.store.outbox(["pending"])
    return sum(1 for e in pending if e.next_attempt_at <= now and not e.leased_at(now))


def _show_run(inv: Invocation, report: DispatchReport, *, each: bool) -> None:
    """One batch's tallies; ``each`` (--loop): with --json, a document of its own at once."""
    from careerconv.cli._run_documents import AdapterTally, Dispatch

    tallies = [
        AdapterTally(name, t.delivered, t.unchanged, t.retried, t.failed, list(t.reasons))
        for name, t in sorted(report.adapters.items())
    ]
    inv.show(Dispatch(tallies, len(report.skipped), None), now=each)


def _show_nothing_due(inv: Invocation, app: App, *, each: bool) -> None:
    """Why a run took nothing, when entries are pending: out with a dispatcher, or not due yet."""
    from careerconv.cli._run_documents import Dispatch, NothingDue

    now = app.clock()
    pending = app.store.outbox(["pending"])
    leased = [e for e in pending if e.leased_at(now)]
    waiting = [e for e in pending if not e.leased_at(now) and e.next_attempt_at > now]
    until = max((e.leased_until for e in leased if e.leased_until is not None), default=None)
    first = min((e.next_attempt_at for e in waiting), default=None)
    inv.show(Dispatch([], 0, NothingDue(len(leased), until, len(waiting), first)), now=each)


def cmd_status(args: argparse.Namespace, inv: Invocation) -> None:
    """What is pending or failed in the outbox, and why."""
    from careerconv.cli._run_documents import OutboxEntry, OutboxStatus

    app = inv.app()
    now = app.clock()
    entries = app.store.outbox(["pending", "failed"])
    pending = [
        OutboxEntry(
            e.id,
            e.key,
            e.attempts,
            e.next_attempt_at,
            e.leased_until if e.leased_at(now) else None,
            e.last_error or None,
        )
        for e in entries
        if e.status.value == "pending"
    ]
    failed = [
        OutboxEntry(e.id, e.key, e.attempts, None, None, e.last_error)
        for e in entries
        if e.status.value == "failed"
    ]
    from careerconv.cli.answers import answer_entries

    inv.show(OutboxStatus(pending, failed, answer_entries(app)))


def cmd_retry(args: argparse.Namespace, inv: Invocation) -> None:
    """Queue failed entries (all, or those named) again."""
    from careerconv_core.errors import CareerconvError
    from careerconv_core.outbox import OutboxStatus

    app = inv.app()
    if args.entries:
        # Name every id that cannot be queued again before touching any, so a typo is
        # never reported as success and a half-applied retry never happens.
        known = {e.id: e.status for e in app.store.outbox()}
        problems = [
            f"{shown(ident)} is {known[ident].value}, not failed"
            if ident in known
            else f"no outbox entry {shown(ident)}"
            for ident in dict.fromkeys(args.entries)
            if known.get(ident) is not OutboxStatus.FAILED
        ]
        if problems:
            raise CareerconvError(
                f"cannot retry: {'; '.join(problems)}. Fix: 'careerconv status' lists the failed entries' ids"
            )
    count = app.store.requeue(args.entries or None, now=app.clock())
    from careerconv.cli._upkeep_documents import Retried

    inv.show(Retried(count))


def cmd_rebuild(args: argparse.Namespace, inv: Invocation) -> None:
    """Write every file the file-owning adapters made again, from what the outbox delivered."""
    from careerconv_core.errors import CareerconvError
    from careerconv_core.rebuild import rebuild

    app = inv.app()
    delivering = app.delivering()
    configured = [(channel, name) for channel, named in delivering.items() for name, _ in named]
    if args.adapter is not None and args.adapter not in {name for _, name in configured}:
        listed = ", ".join(dict.fromkeys(name for _, name in configured)) or "none"
        raise CareerconvError(
            f"no adapter named {shown(args.adapter)} in careerconv.toml (configured: {listed}). "
            "Fix: give one of those names, or leave --adapter out to rebuild them all"
        )
    from careerconv.cli._upkeep_documents import Rebuilt, RebuiltAdapter
    from careerconv_core.rebuild import RebuildTally

    tallies = rebuild(app.store, delivering, only=args.adapter)
    done = [
        RebuiltAdapter(
            channel.value, name, (channel, name) in tallies, t.views, t.written, t.unchanged, list(t.failures)
        )
        for channel, name in configured
        if args.adapter is None or name == args.adapter
        for t in [tallies.get((channel, name), RebuildTally(channel))]
    ]
    inv.show(Rebuilt(done))
    failed = sum(len(a.failures) for a in done)
    if failed:
        raise CareerconvError(
            f"{failed} view(s) could not be written back (listed above). "
            "Fix: make the folders named there writable, then run 'careerconv rebuild' again"
        )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``dispatch``, ``status``, ``retry`` and ``rebuild``."""
    p = add_command(sub, "dispatch", cmd_dispatch, "deliver queued invites, tickets, summaries and notices")
    p.add_argument("--loop", action="store_true", help="keep running")
    p.add_argument(
        "--interval", type=positive(float, most=86_400), default=30.0, help="seconds between runs with --loop"
    )
    p.add_argument(
        "--runs", type=positive(int, zero=True), default=0, help="stop after this many runs with --loop"
    )
    p.add_argument(
        "--limit",
        type=positive(int),
        default=200,
        help="entries per channel per run (each channel is claimed on its own)",
    )
    add_command(sub, "status", cmd_status, "what is pending or failed in the outbox, and why")
    p = add_command(sub, "retry", cmd_retry, "queue failed outbox entries again")
    p.add_argument("entries", nargs="*", metavar="ENTRY_ID")
    p = add_command(
        sub, "rebuild", cmd_rebuild, "write every file an adapter owns again from the store (ics, files)"
    )
    p.add_argument(
        "--adapter", type=named, metavar="NAME", help="only this configured adapter (its name or 'name')"
    )
