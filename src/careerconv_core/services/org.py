"""Org sync: people from the HRIS, manager changes (M12) and people who left."""

from __future__ import annotations

from attrs import frozen

from careerconv_core.domain.events import EventName
from careerconv_core.domain.org import apply_snapshot, diff_org, validate_org
from careerconv_core.ports import OrgSnapshot, PlanChange
from careerconv_core.services.base import StepReport
from careerconv_core.services.handoff import HandoffSteps


class OrgSync(HandoffSteps):
    """Taking the org in from an HRIS source."""

    __slots__ = ()

    def report_left(self, report_id: str) -> list[StepReport]:
        """The report left: cancel everything on their plans."""
        at = self.now()
        return [
            self._commit(plan, plan.report_left(at), EventName.PLAN_REPORT_LEFT, at)
            for plan in self.store.find_plans(report_id=report_id)
            if plan.status.is_open
        ]

    def sync_org(self, snapshot: OrgSnapshot, *, complete: bool, cursor_name: str = "org") -> OrgSyncReport:
        """Take people from an HRIS source (M12).

        ``complete`` says the snapshot is the whole org (a full read): anyone
        stored but missing from it has left. Otherwise it is a poll: its people
        replace or join the stored ones and only ``snapshot.removed`` leave.
        The merged org is validated first (unknown managers, cycles, duplicate
        emails), so a bad read changes nothing. Then people are stored,
        handoffs start for changed managers (consent first), and plans of
        people who left end.
        """
        known = {p.id: p for p in self.store.list_people()}
        if complete:
            merged = tuple(snapshot.people)
            present = {p.id for p in merged}  # built once: a set per person made re-imports quadratic
            leaving = tuple(pid for pid in known if pid not in present)
        else:
            leaving = tuple(pid for pid in snapshot.removed if pid in known)
            merged = apply_snapshot(tuple(known.values()), snapshot.people, leaving)
        validate_org(merged)
        diff = diff_org(tuple(known.values()), merged)
        changed = tuple(p for p in merged if known.get(p.id) != p)
        cursors = ((cursor_name, snapshot.cursor),) if snapshot.cursor else ()
        added = tuple(p for p in changed if p.id not in known)
        # The order makes a sync cut short (a crash) safe to repeat: people new to the store
        # first (handoffs name them), then handoffs and ends, and only then the changed people
        # and the cursor, so a repeat still sees every manager change that needs a handoff.
        if added:
            self.store.commit(PlanChange(people=added))
        handoffs = [
            r
            for move in diff.manager_changes
            if move.new_manager_id is not None
            for r in self.manager_changed(move.person_id, move.new_manager_id)
        ]
        left = [r for pid in leaving for r in self.report_left(pid)]
        updated = tuple(p for p in changed if p.id in known)
        self.store.commit(PlanChange(people=updated, removed_people=leaving, cursors=cursors))
        return OrgSyncReport(
            added=tuple(p.id for p in added),
            updated=tuple(p.id for p in updated),
            removed=leaving,
            handoffs=tuple(r.plan.id for r in handoffs if EventName.PLAN_LAPSED not in r.events),
            ended=tuple(r.plan.id for r in left),
            lapsed=tuple(r.plan.id for r in handoffs if EventName.PLAN_LAPSED in r.events),
        )


@frozen
class OrgSyncReport:
    """What an org sync changed: people, handoffs started, plans ended, proposals lapsed."""

    added: tuple[str, ...]
    updated: tuple[str, ...]
    removed: tuple[str, ...]
    handoffs: tuple[str, ...]  # the report is asked for consent first (M12)
    ended: tuple[str, ...]  # the report left
    lapsed: tuple[str, ...] = ()  # a proposal not yet accepted lapses with the old manager
