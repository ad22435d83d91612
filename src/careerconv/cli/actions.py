"""The GROW plan's actions and their tickets (M8): actions, action, sync-tickets."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from careerconv.cli._common import (
    Invocation,
    UsageError,
    add_as,
    add_command,
    named,
    plan_of,
    shown,
    step_done,
    who,
)

if TYPE_CHECKING:
    from careerconv.app import App


def cmd_actions(args: argparse.Namespace, inv: Invocation) -> None:
    """List the GROW actions, report by report, of the plans the reader may read.

    The reader is ``--as`` (default: each plan's manager). For one named report
    the plan's refusal is the error (M1, M12); across all plans, those the
    reader may not read are left out.
    """
    app = inv.app()
    now = app.clock()
    if args.report:
        plan = plan_of(app, args.report)
        plan.require_viewer(plan.manager_id if args.as_ is None else args.as_, now)
        plans = [plan]
    else:
        plans = [
            p
            for p in app.store.find_plans()
            if p.can_view(p.manager_id if args.as_ is None else args.as_, now)
        ]
    from careerconv.cli._documents import ActionEntry, Actions

    rows = [
        ActionEntry(plan.report_id, a.id, a.status.value, a.due, a.owner_id, a.title)
        for plan in sorted(plans, key=lambda p: p.report_id)
        for a in (plan.grow.actions if plan.grow is not None else ())
    ]
    inv.show(Actions(rows))


def cmd_action(args: argparse.Namespace, inv: Invocation) -> None:
    """Mark one action done, reopen it, or create its deleted ticket again."""
    report_id, sep, action_id = args.action_id.partition(":")
    if not sep or not action_id:
        raise UsageError(
            f"name the action as REPORT:ACTION (see 'careerconv actions'), not {shown(args.action_id)}"
        )
    app = inv.app()
    plan = plan_of(app, report_id)
    svc = app.services()
    if args.state == "resync":
        step_done(inv, svc.resync_action(plan.id, who(args, plan), action_id))
        return
    step_done(inv, svc.set_action_status(plan.id, who(args, plan), action_id, args.state == "done"))


def cmd_sync_tickets(args: argparse.Namespace, inv: Invocation) -> None:
    """Read ticket statuses back from each tracker; a deleted ticket is reported, not recreated."""
    app = inv.app()
    from careerconv_core.ports import AdapterKind

    svc = app.services()
    keys = svc.ticket_keys()
    for name, tracker in app.adapters(AdapterKind.TRACKER):
        statuses = tracker.pull_statuses(keys)
        deleted = svc.pull_ticket_statuses(statuses)
        inv.out(f"{name}: {len(statuses)} ticket(s) read, {len(deleted)} deleted")
        for key in deleted:
            named = _action_name(app, key)
            inv.out(
                f"  {key}: ticket deleted in the tracker; it is not recreated. Close the action, "
                f"or run 'careerconv action resync {named}' to create it again"
            )


def _action_name(app: App, key: str) -> str:
    """``REPORT:ACTION`` for a ticket key, as ``action`` takes it; the key's own form when unknown."""
    from careerconv_core.domain.tickets import parse_ticket_key
    from careerconv_core.errors import CareerconvError

    try:
        plan_id, action_id = parse_ticket_key(key)
        return f"{app.store.load_plan(plan_id).report_id}:{action_id}"
    except CareerconvError:
        return "REPORT:ACTION"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``actions``, ``action`` and ``sync-tickets``."""
    p = add_command(sub, "actions", cmd_actions, "list GROW actions (the embedded tracker)")
    p.add_argument("--report", type=named)
    add_as(p)
    p = add_command(sub, "action", cmd_action, "mark a GROW action done or reopen it")
    p.add_argument(
        "state",
        choices=("done", "reopen", "resync"),
        help="done, reopen, or resync (create again a ticket that was deleted in the tracker)",
    )
    p.add_argument("action_id", metavar="REPORT:ACTION")
    add_as(p)
    add_command(sub, "sync-tickets", cmd_sync_tickets, "read ticket statuses back from the tracker")
