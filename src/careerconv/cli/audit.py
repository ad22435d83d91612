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
    from careerconv.cli._rights_documents import Audit
    from careerconv_core.errors import AuditTrailBroken

    app = inv.app()
    checked = None
    try:
        if args.verify:
            verdict = trail_of(app.store, "verify_audit")()
            if not verdict.ok:
                raise AuditTrailBroken(verdict.broken_at, verdict.reason)
            checked = verdict.checked
        entries = trail_of(app.store, "audit_trail")(args.report)
        if not entries:  # an unknown id is said, not shown as an empty trail (an erased one has records)
            app.store.load_person(args.report)
    finally:
        app.close()
    inv.show(Audit(args.report, checked, [_disclosed(e) for e in entries]))


def _disclosed(entry: Any) -> Any:
    """One record of the trail as the ``audit`` document shows it."""
    from careerconv.cli._rights_documents import Disclosed

    d = entry.detail or {}

    def text(key: str) -> str | None:
        value = d.get(key)
        return str(value) if value else None

    data = [str(x) for x in d.get("data", ())]
    return Disclosed(
        entry.seq,
        str(entry.at),
        entry.kind.value,
        entry.plan_id or None,
        entry.detail is None,
        text("recipient"),
        data,
        text("consent"),
        text("ref"),
    )


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
