"""The org from the HRIS: ``org import FILE`` and ``org sync`` (M12 starts here)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from careerconv.cli._args import path_arg, shown
from careerconv.cli._common import Invocation, UsageError, add_command

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
        snapshot,
        complete=True,
        remove_missing=args.remove_missing,
        dry_run=args.dry_run,
        progress=inv.progress(f"org import: {len(snapshot.people)} people read; writes"),
    )
    show_org_report(inv, report, app)


def cmd_org_sync(args: argparse.Namespace, inv: Invocation) -> None:
    """Read what changed from the configured HRIS source."""
    app = inv.app()
    report = app.sync_org(full=args.full, remove_missing=args.remove_missing, dry_run=args.dry_run)
    show_org_report(inv, report, app)


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


def _has_conversations(plan: CareerPlan | None, status: ConversationStatus) -> bool:
    """Whether the plan has conversations in ``status``."""
    return plan is not None and any(c.status is status for c in plan.conversations)


def show_org_report(inv: Invocation, report: OrgSyncReport, app: App) -> None:
    """Who was added, updated, removed or kept; which plans start a handoff, end or reopen."""
    from careerconv.cli._run_documents import OrgChanges, PlanChange
    from careerconv_core.domain.conversations import ConversationStatus

    plans = _plans(app, report)

    def changes(ids: Sequence[str], affected: ConversationStatus | None = None) -> list[PlanChange]:
        return [
            PlanChange(
                i,
                None if (plan := plans[i]) is None else plan.report_id,
                affected is not None and _has_conversations(plans[i], affected),
            )
            for i in ids
        ]

    booked = ConversationStatus.SCHEDULED if report.dry_run else None  # cancelled only by a real run
    inv.show(
        OrgChanges(
            report.dry_run,
            list(report.added),
            list(report.updated),
            list(report.removed),
            changes(report.handoffs),
            changes(report.lapsed),
            changes(report.ended, booked),
            changes(report.restored, ConversationStatus.CANCELLED),
            list(report.missing),
        )
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
