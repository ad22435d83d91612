"""The Jira ticket tracker: GROW "Will" actions as Jira issues (M8, M10).

Each action has a deterministic key. The key is stored on its issue twice: as
a label (so one JQL search finds a whole batch) and as an issue property
(authoritative: a label copied onto another issue, by cloning for example,
does not make that issue ours). A delivery searches once per batch of 50,
creates what is missing with one bulk request, and writes only the fields
whose fingerprint changed since the last write; a re-run with nothing changed
sends no write at all.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from careerconv_core.errors import AdapterError, CareerconvError
from careerconv_core.ports import DeliveryOutcome, OutcomeStatus
from careerconv_core.views import TicketStatus, TicketView
from careerconv_plugins.jira import mapping
from careerconv_plugins.jira.client import JiraClient, JiraRequestError
from careerconv_plugins.jira.settings import JiraSettings
from careerconv_plugins.outcomes import error_outcome

log = logging.getLogger(__name__)

DELETED_REASON = (
    "ticket deleted in Jira; recreate with a delivery of the action as open "
    "(reopen the action) or close the action"
)


class JiraTracker:
    """A ``careerconv_core.ports.TicketTracker`` backed by Jira Cloud or Data Center."""

    def __init__(self, settings: JiraSettings, client: JiraClient | None = None) -> None:
        self.settings = settings
        self.client = client or JiraClient(settings)

    @property
    def _search_fields(self) -> list[str]:
        return ["labels", "status"]

    def label(self, key: str) -> str:
        """The label that marks the ticket of action ``key``."""
        return mapping.label_for(self.settings.label_prefix, key)

    def _find(self, keys: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Issues per key: those whose property names the key first, then label-only ones."""
        labels = {self.label(k): k for k in keys}
        found: dict[str, list[dict[str, Any]]] = {k: [] for k in keys}
        loose: dict[str, list[dict[str, Any]]] = {k: [] for k in keys}
        for issue in self.client.search(mapping.jql_for_labels(labels), self._search_fields):
            prop = mapping.issue_property(issue)
            if prop is not None:
                owner = prop.get("key")
                if owner in found and labels.get(self.label(str(owner))) == owner:
                    found[str(owner)].append(issue)
                continue  # the property belongs to another action: not ours
            for label in mapping.issue_labels(issue):
                if label in labels:
                    loose[labels[label]].append(issue)
        for key in keys:
            if not found[key] and len(loose[key]) == 1:
                found[key] = loose[key]  # label only (property lost): adopt and repair
            elif not found[key] and loose[key]:
                found[key] = loose[key]  # several label-only issues: reported as a conflict
        return found

    # -- delivering -------------------------------------------------------------

    def deliver_tickets(self, tickets: Sequence[TicketView]) -> Sequence[DeliveryOutcome]:
        """Create or update one issue per view, found by its key; write only what changed.

        Answers one outcome per view, in the order given.
        """
        counts = Counter(view.key for view in tickets)
        early: dict[str, DeliveryOutcome] = {}
        unique: list[TicketView] = []
        for view in tickets:
            if counts[view.key] > 1:
                reason = "the same key was given twice in one delivery; nothing was written"
                early[view.key] = DeliveryOutcome(view.key, OutcomeStatus.FAILED, reason)
            elif not view.key.strip():
                early[view.key] = DeliveryOutcome(view.key, OutcomeStatus.FAILED, "empty key")
            elif not mapping.summary_of(view):
                reason = "the action has no title; give it one"
                early[view.key] = DeliveryOutcome(view.key, OutcomeStatus.FAILED, reason)
            else:
                unique.append(view)
        outcomes: dict[str, DeliveryOutcome] = dict(early)
        for batch in mapping.batches(unique):
            try:
                outcomes.update(self._deliver_batch(batch))
            except AdapterError as error:
                for view in batch:
                    outcomes.setdefault(view.key, error_outcome(view.key, error))
            except CareerconvError as error:
                for view in batch:
                    failed = DeliveryOutcome(view.key, OutcomeStatus.FAILED, str(error))
                    outcomes.setdefault(view.key, failed)
            except Exception as exc:  # noqa: BLE001 - nothing but outcomes may leave the port
                log.error("jira delivery failed unexpectedly: %s", type(exc).__name__)
                reason = f"unexpected {type(exc).__name__} in the Jira adapter; see the log"
                for view in batch:
                    outcomes.setdefault(view.key, DeliveryOutcome(view.key, OutcomeStatus.RETRY, reason))
        return [outcomes[view.key] for view in tickets]

    def _deliver_batch(self, batch: Sequence[TicketView]) -> dict[str, DeliveryOutcome]:
        found = self._find([v.key for v in batch])
        outcomes: dict[str, DeliveryOutcome] = {}
        to_create: list[TicketView] = []
        for view in batch:
            issues = found[view.key]
            if len(issues) > 1:
                refs = ", ".join(sorted(str(i.get("key")) for i in issues))
                outcomes[view.key] = DeliveryOutcome(
                    view.key,
                    OutcomeStatus.CONFLICT,
                    f"several Jira issues claim this action ({refs}); delete or unlabel all but one",
                )
            elif issues:
                outcomes[view.key] = self._update(view, issues[0])
            elif view.status is TicketStatus.DELETED:
                outcomes[view.key] = DeliveryOutcome(view.key, OutcomeStatus.FAILED, DELETED_REASON)
            elif view.status is TicketStatus.DONE:
                outcomes[view.key] = DeliveryOutcome(
                    view.key,
                    OutcomeStatus.UNCHANGED,
                    "action is done and has no ticket; none created",
                )
            else:
                to_create.append(view)
        if to_create:
            try:
                outcomes.update(self._create(to_create))
            except AdapterError as error:
                # Only the views still to create are affected; updates above stand.
                for view in to_create:
                    outcomes.setdefault(view.key, error_outcome(view.key, error))
        return outcomes

    def _assignee(self, view: TicketView) -> str | None:
        if not view.owner.email.strip():
            return None
        return self.client.find_user(view.owner.email)

    def _create(self, views: Sequence[TicketView]) -> dict[str, DeliveryOutcome]:
        outcomes: dict[str, DeliveryOutcome] = {}
        payloads: list[dict[str, Any]] = []
        sent: list[TicketView] = []
        for view in views:
            user = self._assignee(view)
            if user is None:
                outcomes[view.key] = DeliveryOutcome(
                    view.key,
                    OutcomeStatus.FAILED,
                    f"owner {view.owner.person_id} has no active Jira user with their email; "
                    "add them to Jira (or fix their email) and deliver again",
                )
                continue
            payloads.append(mapping.create_payload(view, self.settings, self.label(view.key), user))
            sent.append(view)
        if not payloads:
            return outcomes
        results = self.client.bulk_create(payloads)
        for view, (issue_key, refused) in zip(sent, results, strict=True):
            if issue_key:
                outcomes[view.key] = DeliveryOutcome(
                    view.key, OutcomeStatus.DELIVERED, "created", None, issue_key
                )
            else:
                outcomes[view.key] = DeliveryOutcome(
                    view.key,
                    OutcomeStatus.FAILED,
                    mapping.explain_field_errors(refused, self.settings),
                )
        return outcomes

    def _update(self, view: TicketView, issue: Mapping[str, Any]) -> DeliveryOutcome:
        issue_key = str(issue.get("key"))
        stored = mapping.issue_property(issue)
        wanted = mapping.field_prints(view, self.settings)
        changed = mapping.changed_fields(wanted, stored)
        wrote = False
        try:
            if changed:
                desired = mapping.desired_fields(view, self.settings)
                fields = {name: desired[name] for name in changed if name in desired}
                if "assignee" in changed:
                    user = self._assignee(view)
                    if user is None:
                        return DeliveryOutcome(
                            view.key,
                            OutcomeStatus.FAILED,
                            f"owner {view.owner.person_id} has no active Jira user with their "
                            "email; the ticket was left as it is",
                            None,
                            issue_key,
                        )
                    fields["assignee"] = mapping.assignee_value(self.settings, user)
                if fields:
                    self.client.edit(issue_key, fields)
                self.client.set_property(issue_key, mapping.property_value(view, wanted))
                wrote = True
            is_open = mapping.issue_status(issue) is TicketStatus.OPEN
            if view.status is TicketStatus.DONE and is_open:
                failure = self._close(issue_key)
                if failure is not None:
                    return DeliveryOutcome(view.key, OutcomeStatus.FAILED, failure, None, issue_key)
                wrote = True
        except JiraRequestError as error:
            if error.fields and not error.retryable:
                reason = f"{issue_key}: " + mapping.explain_field_errors(error.fields, self.settings)
                return DeliveryOutcome(view.key, OutcomeStatus.FAILED, reason, None, issue_key)
            return error_outcome(view.key, error, reference=issue_key)
        except AdapterError as error:
            return error_outcome(view.key, error, reference=issue_key)
        if wrote:
            what = ", ".join(changed) if changed else "status"
            return DeliveryOutcome(view.key, OutcomeStatus.DELIVERED, f"updated {what}", None, issue_key)
        return DeliveryOutcome(view.key, OutcomeStatus.UNCHANGED, "", None, issue_key)

    def _close(self, issue_key: str) -> str | None:
        """Move the issue to a done status; the reason it could not, or None."""
        options = self.client.transitions(issue_key)
        wanted = self.settings.done_transition
        for transition in options:
            to = transition.get("to") or {}
            category = (to.get("statusCategory") or {}).get("key")
            named = wanted is not None and str(transition.get("name", "")).lower() == wanted.lower()
            if named or (wanted is None and category == "done"):
                self.client.transition(issue_key, str(transition.get("id")))
                return None
        names = ", ".join(sorted(str(t.get("name")) for t in options)) or "none"
        target = f"named {wanted!r}" if wanted else "to a done status"
        return (
            f"the workflow of {issue_key} has no transition {target} from its current status "
            f"(available: {names}); set 'done_transition' or close the ticket in Jira"
        )

    # -- pulling status back ----------------------------------------------------

    def pull_statuses(self, keys: Sequence[str]) -> Mapping[str, TicketStatus]:
        """DONE for issues in a done status category, OPEN otherwise, DELETED when gone.

        :raises AdapterError: when Jira cannot be searched (nothing is guessed).
        """
        wanted = list(dict.fromkeys(k for k in keys if k.strip()))
        statuses: dict[str, TicketStatus] = {}
        for batch in mapping.batches(wanted):
            try:
                found = self._find(batch)
            except CareerconvError:
                raise
            except Exception as exc:  # noqa: BLE001 - only careerconv errors leave a port
                raise AdapterError(
                    "jira", f"unexpected {type(exc).__name__} while reading statuses"
                ) from None
            for key in batch:
                issues = found[key]
                if not issues:
                    statuses[key] = TicketStatus.DELETED
                else:
                    # With several claimants, any open one keeps the action open.
                    states = {mapping.issue_status(i) for i in issues}
                    statuses[key] = TicketStatus.OPEN if TicketStatus.OPEN in states else TicketStatus.DONE
        return statuses

    def close(self) -> None:
        """Close the HTTP session."""
        self.client.close()
