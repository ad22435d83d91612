"""The org from the HRIS: ``org import FILE`` and ``org sync`` (M12 starts here)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from careerconv.cli._common import Invocation, UsageError, add_command, path_arg, shown

if TYPE_CHECKING:  # building the parser loads no core
    from careerconv.app import App
    from careerconv_core.domain.conversations import ConversationStatus
    from careerconv_core.domain.plan import CareerPlan
    from careerconv_core.services import OrgSyncReport


def cmd_org_import(args: argparse.Namespace, inv: Invocation) -> None:
    """Import (or re-import) an org file as the whole org."""
    if Path(args.file).suffix.lower() not in (".toml", ".csv"):
        # Said of the file given here: the adapter's own message names its 'path' setting.
        raise UsageError(f"the org file must be a .toml or .csv file, got {shown(args.file)}")
    app = inv.app()
    source = app.hris_source(path=str(Path(args.file).resolve()))
    snapshot = source.read_people()
    report = app.services().sync_org(
        snapshot, complete=True, remove_missing=args.remove_missing, dry_run=args.dry_run
    )
    show_org_report(inv, report, app)


def cmd_org_sync(args: argparse.Namespace, inv: Invocation) -> None:
    """Read what changed from the configured HRIS source."""
    app = inv.app()
    report = app.sync_org(full=args.full, remove_missing=args.remove_missing, dry_run=args.dry_run)
    show_org_report(inv, report, app)


_SHOWN_IDS = 20  # ids listed per line; the count is always whole


def _ids(ids: Sequence[str]) -> str:
    listed = ", ".join(ids[:_SHOWN_IDS])
    return listed + (f" and {len(ids) - _SHOWN_IDS} more" if len(ids) > _SHOWN_IDS else "")


def _plans(app: App, report: OrgSyncReport) -> dict[str, CareerPlan | None]:
    """Each plan the report names, read once (None for one no longer stored)."""
    from careerconv_core.errors import NotFound

    found: dict[str, CareerPlan | None] = {}
    for plan_id in (*report.handoffs, *report.lapsed, *report.ended, *report.restored):
        try:
            found[plan_id] = app.store.load_plan(plan_id)
        except NotFound:
            found[plan_id] = None
    return found


def _whose(plan_id: str, plan: CareerPlan | None) -> str:
    """``jonas's plan 1a2b3c`` (the report named: a plan id alone tells a reader nothing)."""
    return f"plan {plan_id}" if plan is None else f"{plan.report_id}'s plan {plan_id}"


def _has_conversations(plan: CareerPlan | None, status: ConversationStatus) -> bool:
    """Whether the plan has conversations in ``status``."""
    return plan is not None and any(c.status is status for c in plan.conversations)


def show_org_report(inv: Invocation, report: OrgSyncReport, app: App) -> None:
    """Who was added, updated, removed or kept; which plans start a handoff, end or reopen."""
    from careerconv_core.domain.conversations import ConversationStatus

    dry = report.dry_run
    would = "would be " if dry else ""
    head = "org (dry run, nothing changed)" if dry else "org"
    inv.out(
        f"{head}: {len(report.added)} {would}added, {len(report.updated)} {would}updated, "
        f"{len(report.removed)} {would}removed"
    )
    if dry:
        for label, ids in (("added", report.added), ("updated", report.updated), ("removed", report.removed)):
            if ids:
                inv.out(f"  {label}: {_ids(ids)}")
    plans = _plans(app, report)
    handoff = "would be" if dry else "is"
    for plan_id in report.handoffs:
        whose = _whose(plan_id, plans[plan_id])
        inv.out(f"  manager change on {whose}: the report {handoff} asked for consent first (M12)")
    lapse = "would lapse" if dry else "lapsed"
    for plan_id in report.lapsed:
        whose = _whose(plan_id, plans[plan_id])
        inv.out(f"  manager change on {whose}: the proposal, not yet accepted, {lapse} (M1)")
    for plan_id in report.ended:
        booked = dry and _has_conversations(plans[plan_id], ConversationStatus.SCHEDULED)
        cancel = "; its booked conversations would be cancelled" if booked else ""
        inv.out(f"  {_whose(plan_id, plans[plan_id])} {would}ended: the report left{cancel}")
    for plan_id in report.restored:
        plan = plans[plan_id]
        again = ""
        if plan is not None and _has_conversations(plan, ConversationStatus.CANCELLED):
            command = f"careerconv schedule {plan.report_id}"
            again = f"; its conversations were cancelled: '{command}' places them again"
        back = "the report is back within the grace period"
        inv.out(f"  {_whose(plan_id, plan)} {would}reopened: {back}{again}")
    if report.missing:
        inv.out(
            f"  {len(report.missing)} stored people are not in this read and were kept "
            f"({_ids(report.missing)}); to remove them and end their plans, add --remove-missing"
        )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``org import`` and ``org sync``."""
    org = add_command(sub, "org", None, "read the org from the HRIS source")
    org_sub = org.add_subparsers(dest="org_command", required=True, metavar="SUBCOMMAND")
    p = org_sub.add_parser(
        "import",
        help="import (or re-import) an org file; manager changes start a handoff",
        description="import (or re-import) an org file (TOML or CSV); a changed manager "
        "starts the consent-first handoff (M12)",
    )
    p.add_argument("file", type=path_arg, help="org file, .toml or .csv")
    _removal_options(p)
    p.set_defaults(fn=cmd_org_import)
    p = org_sub.add_parser(
        "sync",
        help="read changes from the configured HRIS source (SCIM, BambooHR, ...)",
        description="read what changed since the last sync from the configured HRIS "
        "source; the first sync, or --full, reads everyone and finds who left",
    )
    p.add_argument("--full", action="store_true", help="read the whole org, not only changes")
    _removal_options(p)
    p.set_defaults(fn=cmd_org_sync)


def _removal_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--remove-missing",
        action="store_true",
        help="remove stored people this read lacks and end their plans (otherwise they are kept and counted)",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="show what would be added, changed, removed and handed off; change nothing",
    )
