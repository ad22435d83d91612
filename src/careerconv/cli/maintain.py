"""``careerconv maintain``: the retention rule applied, then the store vacuumed.

Plans that ended (or were declined) more than ``[retention] months_after_end``
months ago are erased (their keys destroyed, one record each on the trail).
Safe from cron: a second run finds nothing more to do.
"""

from __future__ import annotations

import argparse

from careerconv.cli._common import Invocation, add_command

_BATCH = 200  # plans erased per commit: progress shows, and one commit stays short


def cmd_maintain(args: argparse.Namespace, inv: Invocation) -> None:
    """Erase expired plans (or, dry, list them) and vacuum."""
    from careerconv import config
    from careerconv.cli._rights_documents import ExpiredPlan, Maintenance
    from careerconv_core.disclosures import DisclosureKind
    from careerconv_core.domain.retention import PlanEnding
    from careerconv_core.domain.status import PlanStatus

    app = inv.app()
    vacuumed = False
    try:
        months = (
            args.months
            if args.months is not None
            else config.retention_months(config.table(app.config, "retention"))
        )
        if months == 0:
            expired = []
        else:
            services = app.services()
            reader = getattr(app.store, "plan_endings", None)
            closed = [PlanStatus.ENDED.value, PlanStatus.DECLINED.value]
            candidates = (
                reader(closed)
                if callable(reader)
                else (PlanEnding.of(p) for p in app.store.find_plans() if p.status.value in closed)
            )
            expired = services.expired_plans(candidates, months)
            if args.dry_run:
                listed = [
                    ExpiredPlan(p.plan_id, p.report_id, p.ended_at)
                    for p in expired
                    if p.ended_at is not None  # always so: only an ended plan expires
                ]
                inv.show(Maintenance(True, months, len(expired), listed, 0, False))
                return
            show = inv.progress("erased")
            for start in range(0, len(expired), _BATCH):
                services.erase_plans(expired[start : start + _BATCH], DisclosureKind.RETENTION)
                show(min(start + _BATCH, len(expired)), len(expired))
        dropped = _sent_retractions(app.store, dry_run=args.dry_run)
        vacuum = getattr(app.store, "vacuum", None)
        if not args.dry_run and callable(vacuum):
            vacuum()
            vacuumed = True
        inv.show(Maintenance(args.dry_run, months, len(expired), [], dropped, vacuumed))
    finally:
        app.close()


def _sent_retractions(store: object, *, dry_run: bool) -> int:
    """Drop the retractions an erasure queued once all of one plan's were sent (they name people);
    how many erased plans' were (or, dry, would be) dropped."""
    from careerconv_core.disclosures import ERASED_PREFIX

    listed = getattr(store, "outbox_plan_ids", None)
    destroy = getattr(store, "destroy_plan_key", None)
    if not callable(listed) or not callable(destroy):
        return 0
    done = [key_id for key_id, waiting in listed(ERASED_PREFIX) if waiting == 0]
    if not dry_run:
        for key_id in done:
            destroy(key_id)
    return len(done)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``maintain``."""
    p = add_command(
        sub, "maintain", cmd_maintain, "apply the retention rule (erase long-ended plans), then vacuum"
    )
    p.add_argument("--dry-run", action="store_true", help="list what would be erased; change nothing")
    p.add_argument(
        "--months", type=int, help="months after a plan ended (default: [retention] months_after_end)"
    )
