"""The org from the HRIS: ``org import FILE`` and ``org sync`` (M12 starts here)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from careerconv.cli._common import Invocation, add_command


def cmd_org_import(args: argparse.Namespace, inv: Invocation) -> None:
    """Import (or re-import) an org file as the whole org."""
    app = inv.app()
    source = app.hris_source(path=str(Path(args.file).resolve()))
    snapshot = source.read_people()
    show_org_report(inv, app.services().sync_org(snapshot, complete=True))


def cmd_org_sync(args: argparse.Namespace, inv: Invocation) -> None:
    """Read what changed from the configured HRIS source."""
    show_org_report(inv, inv.app().sync_org(full=args.full))


def show_org_report(inv: Invocation, report: Any) -> None:
    """Who was added, updated, removed; which plans start a handoff or end."""
    inv.out(f"org: {len(report.added)} added, {len(report.updated)} updated, {len(report.removed)} removed")
    for plan_id in report.handoffs:
        inv.out(f"  manager change on plan {plan_id}: the report is asked for consent first (M12)")
    for plan_id in report.lapsed:
        inv.out(f"  manager change on plan {plan_id}: the proposal, not yet accepted, lapsed (M1)")
    for plan_id in report.ended:
        inv.out(f"  plan {plan_id} ended: the report left")


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
    p.add_argument("file", help="org file, .toml or .csv")
    p.set_defaults(fn=cmd_org_import)
    p = org_sub.add_parser(
        "sync",
        help="read changes from the configured HRIS source (SCIM, BambooHR, ...)",
        description="read what changed since the last sync from the configured HRIS "
        "source; the first sync, or --full, reads everyone and finds who left",
    )
    p.add_argument("--full", action="store_true", help="read the whole org, not only changes")
    p.set_defaults(fn=cmd_org_sync)
