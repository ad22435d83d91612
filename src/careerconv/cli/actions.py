"""The GROW plan's actions and their tickets (M8): actions, action, sync-tickets."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from careerconv.cli._args import named, positive, shown
from careerconv.cli._common import Invocation, UsageError, add_as, add_command, plan_of, step_done, who

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
    """Push careerconv's pending ticket changes, then read statuses back from each tracker.

    A deleted ticket is reported, not recreated.
    """
    from careerconv.cli._upkeep_documents import DeletedTicket, Pushed, TicketSync, TrackerRead
    from careerconv.ticket_sync import sync_tickets

    app = inv.app()
    trackers = []
    for result in sync_tickets(app):
        p = result.pushed
        pushed = None if p is None else Pushed(p.delivered, p.retried, p.failed, list(p.reasons))
        deleted = [DeletedTicket(key, _action_name(app, key)) for key in result.deleted]
        trackers.append(TrackerRead(result.name, pushed, result.read, result.waiting, deleted))
    inv.show(TicketSync(trackers))


def cmd_jira_webhook(args: argparse.Namespace, inv: Invocation) -> None:
    """Receive Jira's issue webhooks and apply each named ticket's status as it changes.

    Runs until interrupted; ``sync-tickets`` stays the fallback for missed deliveries.
    """
    import os
    import threading

    from careerconv.ticket_sync import sync_named_issues
    from careerconv_plugins.jira.asgi_http import serve
    from careerconv_plugins.jira.webhook import ChangedIssue, JiraWebhookApp
    from careerconv_plugins.settings import shown_env

    secret = os.environ.get(args.secret_env, "")
    if not secret:
        # Named only when it looks like a variable's name: a secret pasted there is never echoed.
        raise UsageError(
            f"the environment variable {shown_env(args.secret_env)} is not set; set it to the secret "
            "given to Jira for this webhook (System > WebHooks), or name another with --secret-env"
        )
    app = inv.app()
    lock = threading.Lock()  # one sync at a time: deliveries arrive on several threads

    def on_issues(issues: Sequence[ChangedIssue]) -> None:
        with lock:
            for result in sync_named_issues(app, [(i.issue_id, i.labels) for i in issues]):
                inv.out(f"{result.name}: {result.read} ticket(s) read, {len(result.deleted)} deleted")

    try:
        server = serve(JiraWebhookApp(secret.encode(), on_issues), args.host, args.port)
    except (OSError, UnicodeError, ValueError, TypeError) as exc:  # TypeError: an unencodable host
        why = getattr(exc, "strerror", None) or type(exc).__name__
        raise UsageError(
            f"cannot listen on {shown(args.host)} port {args.port} ({why}); check --host and --port"
        ) from None
    host, port = server.server_address[:2]
    inv.out(f"receiving Jira webhooks on http://{host!s}:{port}/ (Ctrl-C stops)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        inv.out("stopped")
    finally:
        server.shutdown()
        server.server_close()


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
    """Add ``actions``, ``action``, ``sync-tickets`` and ``jira-webhook``."""
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
    p = add_command(
        sub, "jira-webhook", cmd_jira_webhook, "receive Jira's issue webhooks: statuses as they change"
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument(
        "--port",
        type=positive(int, zero=True, most=65535),
        default=8765,
        help="port to listen on (default 8765; 0 picks a free one)",
    )
    p.add_argument(
        "--secret-env",
        default="JIRA_WEBHOOK_SECRET",
        help="environment variable holding the webhook's secret (default JIRA_WEBHOOK_SECRET)",
    )
