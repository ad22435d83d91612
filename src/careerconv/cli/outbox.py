"""Delivering the side effects: ``dispatch`` the outbox, its ``status``, ``retry`` the failed,
``rebuild`` the files an adapter owns."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from careerconv.cli._common import Invocation, add_command, named, positive, shown

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
        _show_run(inv, report)
        if not args.loop and report.claimed < args.limit:
            break
        if args.loop and args.runs and runs >= args.runs:
            break
        if args.loop:
            time.sleep(args.interval)
    if report is not None and report.claimed == 0 and runs == 1:
        _show_nothing_due(inv, app)


def _due_count(app: App) -> int:
    """How many pending entries a dispatch can take now: the total its progress counts to."""
    now = app.clock()
    pending = app.store.outbox(["pending"])
    return sum(1 for e in pending if e.next_attempt_at <= now and not e.leased_at(now))


def _show_run(inv: Invocation, report: DispatchReport) -> None:
    for name, tally in sorted(report.adapters.items()):
        inv.out(
            f"{name:10} delivered {tally.delivered}, unchanged {tally.unchanged}, "
            f"retrying {tally.retried}, failed {tally.failed}"
        )
        for reason in tally.reasons:
            inv.out(f"  failed: {reason}")
    if report.skipped:
        inv.out(f"{len(report.skipped)} entries wait for an adapter that is not configured")


def _show_nothing_due(inv: Invocation, app: App) -> None:
    """Why a run took nothing, when entries are pending: out with a dispatcher, or not due yet."""
    now = app.clock()
    pending = app.store.outbox(["pending"])
    leased = [e for e in pending if e.leased_at(now)]
    waiting = [e for e in pending if not e.leased_at(now) and e.next_attempt_at > now]
    if not leased and not waiting:
        inv.out("nothing to deliver")
        return
    inv.out("nothing to deliver now:")
    if leased:
        until = max(e.leased_until for e in leased if e.leased_until is not None)
        inv.out(
            f"  {len(leased)} entr{'y is' if len(leased) == 1 else 'ies are'} out with another dispatcher "
            f"until {until:%Y-%m-%d %H:%M}Z at the latest (if it stopped, they are free again then)"
        )
    if waiting:
        first = min(e.next_attempt_at for e in waiting)
        inv.out(
            f"  {len(waiting)} entr{'y waits' if len(waiting) == 1 else 'ies wait'} for a later attempt, "
            f"the first at {first:%Y-%m-%d %H:%M}Z ('careerconv status' lists them)"
        )


def cmd_status(args: argparse.Namespace, inv: Invocation) -> None:
    """What is pending or failed in the outbox, and why."""
    app = inv.app()
    now = app.clock()
    entries = app.store.outbox(["pending", "failed"])
    pending = [e for e in entries if e.status.value == "pending"]
    failed = [e for e in entries if e.status.value == "failed"]
    inv.out(f"outbox: {len(pending)} pending, {len(failed)} failed")
    for e in pending:
        why = f" (last: {e.last_error})" if e.last_error else ""
        when = (
            f"out with a dispatcher until {e.leased_until:%Y-%m-%d %H:%M}Z"
            if e.leased_at(now) and e.leased_until is not None
            else f"attempt {e.attempts + 1} at {e.next_attempt_at:%Y-%m-%d %H:%M}Z"
        )
        inv.out(f"  pending {e.id} {e.key} {when}{why}")
    for e in failed:
        inv.out(f"  failed  {e.id} {e.key} after {e.attempts} attempt(s): {e.last_error}")
    # 'retry' sends a deleted ticket's entry again and fails again; a resync is what works.
    deleted = [e for e in failed if "ticket deleted in" in e.last_error]
    if len(deleted) < len(failed):
        inv.out("run 'careerconv retry' to queue the failed ones again")
    if deleted:
        inv.out("for a ticket deleted in the tracker: 'careerconv action resync REPORT:ACTION'")
    _answers(app, inv)


def _answers(app: App, inv: Invocation) -> None:
    """Upcoming meetings an attendee declined or answered tentatively, or a person deleted."""
    from careerconv.cli.answers import answer_lines

    lines = answer_lines(app)
    if lines:
        inv.out(f"answers: {len(lines)} upcoming meeting(s) declined, tentative or deleted")
        for line in lines:
            inv.out(line)


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
    inv.out(f"{count} failed entr{'y' if count == 1 else 'ies'} queued again")


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
    tallies = rebuild(app.store, delivering, only=args.adapter)
    failed = 0
    for channel, name in configured:
        if args.adapter is not None and name != args.adapter:
            continue
        label = f"{channel.value} {name}"
        tally = tallies.get((channel, name))
        if tally is None:
            inv.out(f"{label:20} left as it is: what it sent or wrote is not careerconv's to write again")
            continue
        inv.out(
            f"{label:20} {tally.views} view(s) written again: "
            f"{tally.written} file(s) restored or corrected, {tally.unchanged} already right"
        )
        for reason in tally.failures:
            inv.out(f"  failed: {reason}")
        failed += len(tally.failures)
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
    p.add_argument("--limit", type=positive(int), default=200, help="entries per run")
    add_command(sub, "status", cmd_status, "what is pending or failed in the outbox, and why")
    p = add_command(sub, "retry", cmd_retry, "queue failed outbox entries again")
    p.add_argument("entries", nargs="*", metavar="ENTRY_ID")
    p = add_command(
        sub, "rebuild", cmd_rebuild, "write every file an adapter owns again from the store (ics, files)"
    )
    p.add_argument(
        "--adapter", type=named, metavar="NAME", help="only this configured adapter (its name or 'name')"
    )
