"""GROW actions and their tickets: done, reopened, read back from the tracker."""

from __future__ import annotations

from collections.abc import Mapping

from careerconv_core.boundary import checked
from careerconv_core.domain.events import EventName
from careerconv_core.domain.grow import ActionStatus
from careerconv_core.domain.tickets import parse_ticket_key, ticket_key
from careerconv_core.errors import NotFound
from careerconv_core.services.base import ServiceBase, StepReport
from careerconv_core.views import TicketStatus


class TicketSteps(ServiceBase):
    """An action's state, and ticket statuses read back from the tracker."""

    __slots__ = ()

    @checked
    def set_action_status(self, plan_id: str, person_id: str, action_id: str, done: bool) -> StepReport:
        """Mark a GROW action done or reopen it; its ticket follows."""
        status = ActionStatus.DONE if done else ActionStatus.OPEN
        return self._step(
            plan_id,
            person_id,
            EventName.ACTION_DONE if done else EventName.ACTION_REOPENED,
            lambda p, _a, t: p.set_action_status(action_id, status, t.date(), t),
        )

    def ticket_keys(self) -> list[str]:
        """The tracker key of every GROW action in the store, to read their statuses back."""
        return [
            ticket_key(plan.id, action.id)
            for plan in self.store.find_plans()
            if plan.grow is not None
            for action in plan.grow.actions
        ]

    @checked
    def pull_ticket_statuses(self, statuses: Mapping[str, TicketStatus]) -> list[str]:
        """Apply ticket statuses from the tracker: done closes an action, reopened reopens it.

        A deleted ticket is recorded on its action and returned, so the
        tracker is never asked to recreate it silently; ``resync_action``
        asks for it again. A ticket reported deleted and then seen again
        clears the mark. A key the tracker gives no status for is left as it is.
        """
        deleted: list[str] = []
        by_plan: dict[str, dict[str, TicketStatus]] = {}
        for key, status in statuses.items():
            plan_id, action_id = parse_ticket_key(key)
            if status is TicketStatus.DELETED:
                deleted.append(key)
            by_plan.setdefault(plan_id, {})[action_id] = status
        for plan_id, changes in by_plan.items():
            try:
                plan = self.store.load_plan(plan_id)
            except NotFound:
                continue  # a ticket of a plan this store does not hold: nothing to update
            if plan.grow is None:
                continue
            at = self.now()
            after = plan
            for action_id, status in changes.items():
                known = {a.id: a for a in after.grow.actions} if after.grow else {}
                action = known.get(action_id)
                if action is None:
                    continue
                if status is TicketStatus.DELETED:
                    if not action.ticket_deleted:
                        after = after.set_ticket_deleted(action_id, True, at)
                    continue
                if action.ticket_deleted:
                    # Seen again (a search that had not caught up, or restored in the tracker).
                    after = after.set_ticket_deleted(action_id, False, at)
                want = ActionStatus.DONE if status is TicketStatus.DONE else ActionStatus.OPEN
                if action.status is not want:
                    after = after.set_action_status(action_id, want, at.date(), at)
            if after is not plan:
                self._commit(plan, after, EventName.ACTIONS_SYNCED, at)
        return deleted

    @checked
    def resync_action(self, plan_id: str, person_id: str, action_id: str) -> StepReport:
        """Ask the tracker to create an action's ticket again after it was deleted there."""
        return self._step(
            plan_id,
            person_id,
            EventName.ACTION_RESYNCED,
            lambda p, _a, t: p.set_ticket_deleted(action_id, False, t),
        )
