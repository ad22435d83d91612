"""The Jira ticket tracker: GROW "Will" actions as Jira issues (M8, M10).

Each action has a deterministic key. The key is stored on its issue twice: as
a label (so one JQL search finds a whole batch) and as an issue property
(authoritative: a label copied onto another issue, by cloning for example,
does not make that issue ours). A delivery searches once per batch of 50,
creates what is missing with bulk requests, and writes only the fields whose
fingerprint changed since the last write; a re-run with nothing changed sends
no write at all.

Jira Cloud's search is eventually consistent, so the search alone never
decides that an issue is missing: the id of every issue the tracker made or
found is kept (``known``), passed to the search as ``reconcileIssues``, and
an issue still missing is read by id. Only a 404 on a known issue is a
deletion; an action whose issue was never made has no status to report.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from careerconv_core.errors import AdapterError, CareerconvError, ConfigurationError
from careerconv_core.ports import DeliveryOutcome, OutcomeStatus
from careerconv_core.views import TicketStatus, TicketView
from careerconv_plugins.jira import changelog, edits, mapping, newer
from careerconv_plugins.jira.client import JiraClient, JiraRequestError
from careerconv_plugins.jira.known import KnownTickets
from careerconv_plugins.jira.settings import JiraSettings
from careerconv_plugins.jira.workflow import Workflow
from careerconv_plugins.outcomes import error_outcome

log = logging.getLogger(__name__)

DELETED_REASON = (
    "ticket deleted in Jira; it is not recreated: run 'careerconv action resync "
    "REPORT:ACTION' to create it again, or close the action"
)

UNREPORTED_REASON = (
    "ticket deleted in Jira; it is not recreated: run 'careerconv sync-tickets', then "
    "'careerconv action resync REPORT:ACTION' to create it again, or close the action"
)

CONFIGURATION_RETRY = 3600.0
"""Seconds before entries held back by a configuration error are tried again (once it is fixed,
``careerconv dispatch`` after the wait, or at once after ``retry``, delivers them)."""

SEARCH_FIELDS = ("labels", "status")
"""Read with every issue, besides the text fields whose edits in Jira are told apart (``edits``)."""


class _Found:
    """What was found for one batch: issues per key, and keys whose known issue is gone (404)."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.issues: dict[str, list[dict[str, Any]]] = {k: [] for k in keys}
        self.gone: set[str] = set()


class JiraTracker:
    """A ``careerconv_core.ports.TicketTracker`` backed by Jira Cloud or Data Center.

    :param state_directory: where the issues it made are recorded (see ``known``);
        without it they are known for the life of the tracker only.
    :param unusable: why the tracker cannot talk to Jira at all (an unset token);
        every delivery is then held back with that reason, reported once.
    """

    def __init__(
        self,
        settings: JiraSettings,
        client: JiraClient | None = None,
        *,
        state_directory: Path | None = None,
        unusable: str | None = None,
    ) -> None:
        self.settings = settings
        self.client = client or JiraClient(settings)
        folder = state_directory or (Path(settings.state_directory) if settings.state_directory else None)
        self.known = KnownTickets(folder, settings.url, settings.project)
        self.workflow = Workflow(self.client, settings.done_transition)
        self.unusable = unusable
        self._reported: set[str] = set()
        self._quiet_until = 0.0  # time.monotonic() before which Jira asked not to be called
        self.monotonic = time.monotonic
        self.watched = edits.watched(settings)
        self.read_fields = (*SEARCH_FIELDS, *self.watched)

    def label(self, key: str) -> str:
        """The label that marks the ticket of action ``key``."""
        return mapping.label_for(self.settings.label_prefix, key)

    def _remember(
        self, tickets: Mapping[str, tuple[str, str]], reported: Mapping[str, str] | None = None
    ) -> None:
        try:
            self.known.remember(tickets, reported)
        except OSError as exc:
            # The issues exist; only the record of them could not be written. Searches still
            # find them once indexed, so this is logged, not failed.
            log.warning("jira: could not record %d issue id(s): %s", len(tickets), type(exc).__name__)

    def _find(self, keys: Sequence[str]) -> _Found:
        """Issues per key: those whose property names the key first, then label-only ones.

        A known issue the search did not return is read by id: found, it is used
        (the search had not indexed it yet); 404, its key is in ``gone``.
        """
        labels = {self.label(k): k for k in keys}
        result = _Found(keys)
        loose: dict[str, list[dict[str, Any]]] = {k: [] for k in keys}
        reconcile = self.known.ids(keys) if self.settings.deployment == "cloud" else []
        for issue in self.client.search(mapping.jql_for_labels(labels), self.read_fields, reconcile):
            prop = mapping.issue_property(issue)
            if prop is not None:
                owner = prop.get("key")
                if owner in result.issues and labels.get(self.label(str(owner))) == owner:
                    result.issues[str(owner)].append(issue)
                continue  # the property belongs to another action: not ours
            for label in mapping.issue_labels(issue):
                if label in labels:
                    loose[labels[label]].append(issue)
        learnt: dict[str, tuple[str, str]] = {}
        for key in keys:
            issues = result.issues[key]
            if not issues and loose[key]:
                # Label only (property lost): one is adopted and repaired, several are a conflict.
                issues = result.issues[key] = loose[key]
            if not issues:
                known = self.known.get(key)
                if known is not None:
                    read = self.client.get_issue(known[0], self.read_fields)
                    if read is None:
                        result.gone.add(key)
                    else:
                        result.issues[key] = [read]
            if len(result.issues[key]) == 1:
                issue = result.issues[key][0]
                learnt[key] = (str(issue.get("id")), str(issue.get("key")))
        self._remember({k: v for k, v in learnt.items() if v[0].isdigit()})
        return result

    # -- delivering -------------------------------------------------------------

    def _held(self, key: str, error: CareerconvError) -> DeliveryOutcome:
        """A configuration error: the same for every ticket, so reported once and held back.

        The entry stays pending (``RETRY``), not dead-lettered: nothing is wrong
        with the ticket, and it goes out once the setting is fixed.
        """
        reason = error.reason if isinstance(error, AdapterError) else str(error)
        if reason not in self._reported:
            self._reported.add(reason)
            log.error("jira: %s (deliveries are held back until this is fixed)", reason)
        return DeliveryOutcome(key, OutcomeStatus.RETRY, f"configuration: {reason}", CONFIGURATION_RETRY)

    def _quiet(self, error: AdapterError) -> None:
        """Jira asked for a wait longer than a delivery may block: keep it for the whole run."""
        if (
            error.retryable
            and error.retry_after is not None
            and error.retry_after > self.client.retry.max_wait
        ):
            self._quiet_until = max(self._quiet_until, self.monotonic() + error.retry_after)

    def _waiting(self) -> float | None:
        """Seconds still to wait before Jira may be called again in this run, or None."""
        left = self._quiet_until - self.monotonic()
        return left if left > 0 else None

    def _outcome(self, key: str, error: CareerconvError, reference: str | None = None) -> DeliveryOutcome:
        if isinstance(error, AdapterError):
            self._quiet(error)
        if isinstance(error, ConfigurationError) or (
            isinstance(error, JiraRequestError) and error.configuration
        ):
            return self._held(key, error)
        if isinstance(error, AdapterError):
            return error_outcome(key, error, reference=reference)
        return DeliveryOutcome(key, OutcomeStatus.FAILED, str(error), None, reference)

    @staticmethod
    def _checked(tickets: Sequence[TicketView]) -> tuple[dict[str, DeliveryOutcome], list[TicketView]]:
        """Outcomes for views refused before any request, and the views to deliver."""
        counts = Counter(view.key for view in tickets)
        outcomes: dict[str, DeliveryOutcome] = {}
        unique: list[TicketView] = []
        for view in tickets:
            if counts[view.key] > 1:
                reason = "the same key was given twice in one delivery; nothing was written"
                outcomes[view.key] = DeliveryOutcome(view.key, OutcomeStatus.FAILED, reason)
            elif not view.key.strip():
                outcomes[view.key] = DeliveryOutcome(view.key, OutcomeStatus.FAILED, "empty key")
            elif not mapping.summary_of(view):
                reason = "the action has no title; give it one"
                outcomes[view.key] = DeliveryOutcome(view.key, OutcomeStatus.FAILED, reason)
            else:
                unique.append(view)
        return outcomes, unique

    def deliver_tickets(self, tickets: Sequence[TicketView]) -> Sequence[DeliveryOutcome]:
        """Create or update one issue per view, found by its key; write only what changed.

        Answers one outcome per view, in the order given.
        """
        outcomes, unique = self._checked(tickets)
        if self.unusable is not None:
            held = ConfigurationError(self.unusable)
            outcomes.update({view.key: self._held(view.key, held) for view in unique})
            return [outcomes[view.key] for view in tickets]
        for batch in mapping.batches(unique):
            wait = self._waiting()
            if wait is not None:
                # Jira asked this run to wait (Retry-After): no request until then, not even
                # from the next batch or the dispatcher's next claim.
                reason = f"Jira asked to wait (Retry-After); not called again for {math.ceil(wait)} s"
                for view in batch:
                    outcomes[view.key] = DeliveryOutcome(view.key, OutcomeStatus.RETRY, reason, wait)
                continue
            try:
                outcomes.update(self._deliver_batch(batch))
            except CareerconvError as error:
                for view in batch:
                    outcomes.setdefault(view.key, self._outcome(view.key, error))
            except Exception as exc:  # noqa: BLE001 - nothing but outcomes may leave the port
                log.error("jira delivery failed unexpectedly: %s", type(exc).__name__)
                reason = f"unexpected {type(exc).__name__} in the Jira adapter; see the log"
                for view in batch:
                    outcomes.setdefault(view.key, DeliveryOutcome(view.key, OutcomeStatus.RETRY, reason))
        return [outcomes[view.key] for view in tickets]

    def _deliver_batch(self, batch: Sequence[TicketView]) -> dict[str, DeliveryOutcome]:
        found = self._find([v.key for v in batch])
        # Cloud: the changelogs the batch needs, in one request (Data Center reads each issue's).
        pairs = [(v, found.issues[v.key][0]) for v in batch if len(found.issues[v.key]) == 1]
        times = newer.prefetch(self.client, pairs, self.settings, self.watched)
        outcomes: dict[str, DeliveryOutcome] = {}
        to_create: list[TicketView] = []
        for view in batch:
            issues = found.issues[view.key]
            if len(issues) > 1:
                refs = ", ".join(sorted(str(i.get("key")) for i in issues))
                outcomes[view.key] = DeliveryOutcome(
                    view.key,
                    OutcomeStatus.CONFLICT,
                    f"several Jira issues claim this action ({refs}); delete or unlabel all but one",
                )
            elif issues:
                outcomes[view.key] = self._update(view, issues[0], times.get(str(issues[0].get("id"))))
            elif view.status is TicketStatus.DELETED:
                outcomes[view.key] = DeliveryOutcome(view.key, OutcomeStatus.FAILED, DELETED_REASON)
            elif (
                view.key in found.gone
                and view.status is TicketStatus.OPEN
                and not self.known.reported_deleted(view.key)
            ):
                # Deleted in Jira, and the plan does not know yet: never resurrected silently.
                # Once sync-tickets has reported it, an open view is the report's resync.
                outcomes[view.key] = DeliveryOutcome(view.key, OutcomeStatus.FAILED, UNREPORTED_REASON)
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
            except CareerconvError as error:
                # Only the views still to create are affected; updates above stand.
                for view in to_create:
                    outcomes.setdefault(view.key, self._outcome(view.key, error))
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
            seen = edits.seen_prints(mapping.desired_fields(view, self.settings), self.watched)
            payloads.append(mapping.create_payload(view, self.settings, self.label(view.key), user, seen))
            sent.append(view)
        if not payloads:
            return outcomes
        results = self.client.bulk_create(payloads)
        made: dict[str, tuple[str, str]] = {}
        for view, (issue, refused) in zip(sent, results, strict=True):
            if issue is not None:
                made[view.key] = (str(issue["id"]), str(issue["key"]))
                outcomes[view.key] = DeliveryOutcome(
                    view.key, OutcomeStatus.DELIVERED, "created", None, str(issue["key"])
                )
            else:
                outcomes[view.key] = DeliveryOutcome(
                    view.key,
                    OutcomeStatus.FAILED,
                    mapping.explain_field_errors(refused, self.settings),
                )
        # Recorded at once: a crash before the outbox saves these outcomes must not lead
        # the next run, whose search may not see them yet, to create them again.
        self._remember(made)
        return outcomes

    def _times(self, issue: Mapping[str, Any]) -> dict[str, datetime]:
        """When Jira last changed each watched field and the status (its changelog)."""
        names, issue_id = (*self.watched, "status"), str(issue.get("id"))
        if self.settings.deployment == "cloud":
            return changelog.bulk_last_changes(self.client, [issue_id], names)[issue_id]
        found = changelog.histories(self.client, issue_id)
        return changelog.last_changes(found, names, self.client.field_names)

    def _update(  # noqa: PLR0912, PLR0915
        self, view: TicketView, issue: Mapping[str, Any], known_times: dict[str, datetime] | None = None
    ) -> DeliveryOutcome:
        issue_key = str(issue.get("key"))
        stored = mapping.issue_property(issue)
        wanted = mapping.field_prints(view, self.settings)
        changed = mapping.changed_fields(wanted, stored)
        # A field a person edited in Jira since careerconv wrote it: the later change wins.
        edited = edits.edited_in_jira(issue, stored, self.watched)
        in_jira = mapping.issue_status(issue)
        status_id = str(((issue.get("fields") or {}).get("status") or {}).get("id", ""))
        last_asked = stored.get("status") if stored else None
        moved: list[str] = []
        try:
            # The changelog is read only where both sides changed something since the last write.
            times: dict[str, datetime] = {}
            if newer.needs_times(view, issue, self.settings, self.watched):
                times = known_times if known_times is not None else self._times(issue)
            call = newer.fields(changed, edited, view.changed_at, times)
            status = newer.status(view, in_jira, stored, times.get("status"))
            writing = list(call.writing)
            if writing:
                desired = mapping.desired_fields(view, self.settings)
                fields = {name: desired[name] for name in writing if name in desired}
                if "assignee" in writing:
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
            if status.move:
                walk = self.workflow.walk(issue_key, status_id, to_done=status.to_done)
                moved = list(walk.taken)
                if walk.failure is not None:
                    return DeliveryOutcome(view.key, OutcomeStatus.FAILED, walk.failure, None, issue_key)
            # An issue made before the status was kept has none: no write just to add it.
            status_news = status.asked != last_asked and not (last_asked is None and status.asked == "open")
            if changed or status_news or edited or status.said or status.record:
                # Seen: Jira's values now, with what was just written over them. A reported
                # edit is recorded as seen, so it is reported once; careerconv's change to it
                # counts as superseded by the newer edit.
                seen = edits.seen_prints(issue.get("fields") or {}, self.watched)
                if writing:
                    written = mapping.desired_fields(view, self.settings)
                    seen.update(
                        edits.seen_prints({n: written[n] for n in writing if n in written}, self.watched)
                    )
                value = mapping.property_value(view, wanted, status.asked, seen)
                self.client.set_property(issue_key, value)
        except JiraRequestError as error:
            if error.fields and not error.retryable:
                reason = f"{issue_key}: " + mapping.explain_field_errors(error.fields, self.settings)
                return DeliveryOutcome(view.key, OutcomeStatus.FAILED, reason, None, issue_key)
            return self._outcome(view.key, error, issue_key)
        except CareerconvError as error:
            return self._outcome(view.key, error, issue_key)
        if moved:
            log.info("jira %s (%s): moved through %s", issue_key, view.key, " -> ".join(moved))
        said = [*call.said, *([status.said] if status.said else [])]
        if said:
            # One line per ticket, once (the property now records it as seen): ids, field
            # names and times only, never a value.
            log.warning("jira %s (%s): %s", issue_key, view.key, "; ".join(said))
        done: list[str] = []
        if writing:
            done.append("updated " + ", ".join(writing))
        if moved:
            done.append("moved through " + " -> ".join(moved))
        done += said
        if done:
            return DeliveryOutcome(view.key, OutcomeStatus.DELIVERED, "; ".join(done), None, issue_key)
        if status_news or status.record:
            return DeliveryOutcome(view.key, OutcomeStatus.DELIVERED, "recorded status", None, issue_key)
        return DeliveryOutcome(view.key, OutcomeStatus.UNCHANGED, "", None, issue_key)

    # -- pulling status back ----------------------------------------------------

    def pull_statuses(self, keys: Sequence[str]) -> Mapping[str, TicketStatus]:
        """DONE for issues in a done status category, OPEN otherwise, DELETED when gone.

        DELETED only for an issue this tracker knows (it made or saw it) and that
        answers 404 when read by id; a key with no issue known and none found has
        no status and is left out (its ticket was never made).

        :raises AdapterError: when Jira cannot be searched (nothing is guessed).
        :raises ConfigurationError: the tracker cannot be used (an unset token).
        """
        wanted = list(dict.fromkeys(k for k in keys if k.strip()))
        if not wanted:
            return {}  # nothing to read: no reason to refuse, even while Jira asked to wait
        if self.unusable is not None:
            raise ConfigurationError(self.unusable)
        wait = self._waiting()
        if wait is not None:
            raise AdapterError(
                "jira",
                f"Jira asked to wait (Retry-After); not called again for {math.ceil(wait)} s",
                retryable=True,
                retry_after=wait,
            )
        statuses: dict[str, TicketStatus] = {}
        try:
            self.known.refresh()  # once per read-back: what other processes made since
        except OSError as exc:
            log.warning("jira: could not read the record of issues: %s", type(exc).__name__)
        for batch in mapping.batches(wanted):
            try:
                found = self._find(batch)
            except AdapterError as error:
                self._quiet(error)
                raise
            except CareerconvError:
                raise
            except Exception as exc:  # noqa: BLE001 - only careerconv errors leave a port
                raise AdapterError(
                    "jira", f"unexpected {type(exc).__name__} while reading statuses"
                ) from None
            unseen = sum(1 for key in batch if not found.issues[key] and key not in found.gone)
            if unseen and self.known.path is None and "unseen" not in self._reported:
                self._reported.add("unseen")
                log.warning(
                    "jira: %d ticket(s) not found; without the setting state_directory a ticket "
                    "deleted in Jira cannot be told from one never made or not yet searchable, so "
                    "none is reported deleted",
                    unseen,
                )
            reported = {k: pair[0] for k in found.gone if (pair := self.known.get(k)) is not None}
            self._remember({}, reported)
            for key in batch:
                issues = found.issues[key]
                if key in found.gone:
                    statuses[key] = TicketStatus.DELETED
                elif issues:
                    # With several claimants, any open one keeps the action open.
                    states = {mapping.issue_status(i) for i in issues}
                    statuses[key] = TicketStatus.OPEN if TicketStatus.OPEN in states else TicketStatus.DONE
        return statuses

    def keys_for(self, issues: Sequence[tuple[str, Sequence[str]]], candidates: Sequence[str]) -> list[str]:
        """The action keys among ``candidates`` that the issues (id, labels) a webhook named
        belong to: by the issue id this tracker recorded, or by the action's label.

        The labels only narrow what is read back; ``pull_statuses`` then decides, from
        the issue's property, whether it is ours.
        """
        ids = {issue_id for issue_id, _ in issues}
        labels = {label for _, found in issues for label in found}
        out: list[str] = []
        for key in dict.fromkeys(candidates):
            known = self.known.get(key)
            if (known is not None and known[0] in ids) or self.label(key) in labels:
                out.append(key)
        return out

    def close(self) -> None:
        """Close the HTTP sessions."""
        self.client.close()
