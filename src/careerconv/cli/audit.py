"""``careerconv audit REPORT``: what of a report's plan left the pair, to whom, when, under which consent.

``--verify`` checks the whole trail's chain and names the first broken link.
"""

from __future__ import annotations

import argparse
from typing import Any

from careerconv.cli._common import Invocation, add_command


def trail_of(store: Any, what: str) -> Any:
    """The store's audit method ``what``; a store without a trail is refused in one line."""
    from careerconv_core.errors import ConfigurationError

    method = getattr(store, what, None)
    if not callable(method):
        raise ConfigurationError(
            "the configured store keeps no audit trail of disclosures; use the sqlite or postgres store"
        )
    return method


def record_export(app: Any, plan: Any, viewer: str, where: str) -> None:
    """Put an export of ``plan`` for ``viewer`` on the report's trail (before the page is written)."""
    from careerconv_core.disclosures import Disclosure, DisclosureKind

    role = "the report" if viewer == plan.report_id else "a reader of the plan (M12)"
    if viewer == plan.manager_id:
        role = "the current manager"
    record = Disclosure(
        app.clock(), DisclosureKind.EXPORT, plan.report_id, plan.id, viewer, ("the plan page",), role, where
    )
    trail_of(app.store, "record_disclosures")([record])


def cmd_audit(args: argparse.Namespace, inv: Invocation) -> None:
    """Print the report's disclosures, oldest first; with --verify, check the whole chain first."""
    from careerconv_core.errors import AuditTrailBroken

    app = inv.app()
    try:
        if args.verify:
            verdict = trail_of(app.store, "verify_audit")()
            if not verdict.ok:
                raise AuditTrailBroken(verdict.broken_at, verdict.reason)
            inv.out(f"the audit trail holds: {verdict.checked} record(s), every link checked")
        entries = trail_of(app.store, "audit_trail")(args.report)
        if not entries:  # an unknown id is said, not shown as an empty trail (an erased one has records)
            app.store.load_person(args.report)
    finally:
        app.close()
    if not entries:
        inv.out(f"nothing of {args.report}'s plans has left the pair")
    for e in entries:
        inv.out(_line(e))


def _line(entry: Any) -> str:
    where = f" plan {entry.plan_id}" if entry.plan_id else ""
    head = f"#{entry.seq} {entry.at} {entry.kind.value}{where}"
    d = entry.detail
    if d is None:
        return f"{head}: details destroyed with the plan's key"
    data = ", ".join(str(x) for x in d.get("data", ()))
    consent = f"; consent: {d['consent']}" if d.get("consent") else ""
    ref = f" [{d['ref']}]" if d.get("ref") else ""
    return f"{head}: to {d.get('recipient', '?')}: {data}{consent}{ref}"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``audit``."""
    p = add_command(
        sub, "audit", cmd_audit, "what of a report's plan left the pair: to whom, when, under which consent"
    )
    p.add_argument("report", help="the report whose disclosures to show")
    p.add_argument(
        "--verify",
        action="store_true",
        help="check the whole trail's hash chain first; name the first broken link",
    )
