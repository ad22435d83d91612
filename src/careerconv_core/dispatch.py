"""Deliver the outbox to the configured adapters, with bounded, jittered retries.

Each channel is claimed on its own (up to the run's limit each), so one
channel's backlog or a tracker that asked to wait cannot hold back another
channel's entries. Each claimed entry goes to every adapter of its channel
that has not taken it yet; each adapter is called on its own, with one batch
per channel, so a failing adapter cannot hide another's result (no pluggy
collect-all here).
An entry is delivered when every adapter took it; it is retried with
exponential backoff (honouring Retry-After) while attempts remain, and ends
in the FAILED state (a dead letter) with the last reason after that.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from attrs import field, frozen

from careerconv_core import serialization
from careerconv_core.domain.clock import require_moment
from careerconv_core.errors import AdapterError, CareerconvError, InvalidInput, shown
from careerconv_core.outbox import Channel, OutboxEntry, OutboxStatus
from careerconv_core.ports import DELIVERING, DeliveryOutcome, OutboxStore, OutcomeStatus

log = logging.getLogger(__name__)

MOST_PER_RUN = 1_000_000
"""The most outbox entries one run may claim: far beyond a batch, well within what a store counts."""


def view_key(channel: Channel, view: object) -> str:
    """The key a view is delivered under: its uid, key or external id (the port table says which)."""
    port = DELIVERING[channel]
    if port.view is None or not isinstance(view, port.view):
        raise TypeError(f"not a {channel.value} view: {type(view).__name__}")
    return str(getattr(view, port.key))


@frozen
class RetryPolicy:
    """How often and how soon to try again: exponential from ``base_seconds``, capped, jittered."""

    max_attempts: int = 6
    base_seconds: float = 30.0
    cap_seconds: float = 3600.0
    jitter: float = 0.25  # up to +-25% so many entries do not retry in lockstep

    def delay(self, attempts: int, retry_after: float | None, rng: random.Random) -> timedelta:
        """The wait before attempt ``attempts + 1``; never shorter than the server's Retry-After."""
        backoff = min(self.cap_seconds, self.base_seconds * (2 ** max(0, attempts - 1)))
        backoff *= 1 + rng.uniform(-self.jitter, self.jitter)
        if retry_after is not None:
            backoff = max(backoff, min(retry_after, self.cap_seconds))
        return timedelta(seconds=backoff)


@frozen
class AdapterTally:
    """What one adapter did in one dispatch run."""

    delivered: int = 0
    unchanged: int = 0
    retried: int = 0
    failed: int = 0
    reasons: tuple[str, ...] = ()


@frozen
class DispatchReport:
    """Per-adapter counts, and the entries that ended the run delivered, pending or failed."""

    adapters: Mapping[str, AdapterTally]
    delivered: tuple[str, ...]
    retrying: tuple[str, ...]
    failed: tuple[str, ...]
    skipped: tuple[str, ...] = ()

    @property
    def claimed(self) -> int:
        """How many entries the run worked on."""
        return len(self.delivered) + len(self.retrying) + len(self.failed) + len(self.skipped)


@frozen
class Dispatcher:
    """Delivers claimed outbox entries to named adapters, per channel."""

    store: OutboxStore
    adapters: Mapping[Channel, Sequence[tuple[str, object]]]
    clock: Callable[[], datetime]
    policy: RetryPolicy = RetryPolicy()
    rng: random.Random = field(factory=random.Random)
    lease_seconds: float = 300.0

    def run_once(self, limit: int = 200, channels: Sequence[Channel] | None = None) -> DispatchReport:
        """Claim up to ``limit`` due entries of each channel and deliver them, channel by channel.

        ``channels``: only these (``sync-tickets`` pushes the tracker's pending changes
        before it reads statuses back). Never raises for an adapter's fault.
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MOST_PER_RUN:
            # A limit of 0 claims nothing and a caller looping "until a run claims fewer than
            # the limit" would spin for ever; one past what a store can count overflows it.
            raise InvalidInput("limit", f"a whole number from 1 to {MOST_PER_RUN}", f"got {shown(limit)}")
        now = require_moment(self.clock(), "clock()")
        tallies: dict[str, dict[str, int]] = {}
        reasons: dict[str, list[str]] = {}
        results: list[OutboxEntry] = []
        skipped: list[OutboxEntry] = []
        for channel in Channel if channels is None else [c for c in Channel if c in channels]:
            # Each channel claims its own ``limit``: a backlog of tickets (or a tracker that
            # asked to wait) never takes the places of invites and notices, and N tickets
            # reach the tracker in one call, so it can send them in as few batches as it may.
            # The lease starts when the channel's turn comes, not at the start of the run.
            lease = require_moment(self.clock(), "clock()") + timedelta(seconds=self.lease_seconds)
            batch = list(self.store.claim_outbox(now, limit, lease, channel))
            if not batch:
                continue
            targets = list(self.adapters.get(channel, ()))
            if not targets:
                # Nothing configured for this channel: keep the entries for when something is.
                skipped += [
                    e.retry_at(
                        now + timedelta(seconds=self.policy.cap_seconds),
                        f"no {channel.value} adapter configured",
                        (),
                    )
                    for e in batch
                ]
                continue
            outcomes = {name: self._deliver(channel, name, adapter, batch, now) for name, adapter in targets}
            for name, per_key in outcomes.items():
                tally = tallies.setdefault(name, {"delivered": 0, "unchanged": 0, "retried": 0, "failed": 0})
                for outcome in per_key.values():
                    if outcome.status is OutcomeStatus.DELIVERED:
                        tally["delivered"] += 1
                    elif outcome.status is OutcomeStatus.UNCHANGED:
                        tally["unchanged"] += 1
                    elif outcome.status is OutcomeStatus.RETRY:
                        tally["retried"] += 1
                    else:
                        tally["failed"] += 1
                        reasons.setdefault(name, []).append(f"{outcome.key}: {outcome.reason}")
            settled = [self._settle(entry, outcomes, now) for entry in batch]
            # Saved per channel, at once: a crash while a later channel is delivering must not
            # make this channel's adapters repeat what they already did.
            self.store.save_outbox(settled)
            results += settled
        if skipped:
            self.store.save_outbox(skipped)
        return DispatchReport(
            adapters={n: AdapterTally(**t, reasons=tuple(reasons.get(n, ()))) for n, t in tallies.items()},
            delivered=tuple(e.id for e in results if e.status is OutboxStatus.DELIVERED),
            retrying=tuple(e.id for e in results if e.status is OutboxStatus.PENDING),
            failed=tuple(e.id for e in results if e.status is OutboxStatus.FAILED),
            skipped=tuple(e.id for e in skipped),
        )

    def _deliver(
        self, channel: Channel, name: str, adapter: object, batch: list[OutboxEntry], now: datetime
    ) -> dict[str, DeliveryOutcome]:
        """Hand the entries this adapter has not taken yet to it; one outcome per entry id."""
        todo = [e for e in batch if name not in e.delivered_to]
        if not todo:
            return {}
        port = DELIVERING[channel]
        view_type = port.view or object
        views: list[object] = [serialization.loads(e.payload, view_type, f"outbox[{e.id}]") for e in todo]
        keys = [view_key(channel, v) for v in views]
        try:
            answered = list(getattr(adapter, port.deliver)(views))
        except AdapterError as exc:
            status = OutcomeStatus.RETRY if exc.retryable else OutcomeStatus.FAILED
            return {
                e.id: DeliveryOutcome(k, status, exc.reason, exc.retry_after)
                for e, k in zip(todo, keys, strict=True)
            }
        except CareerconvError as exc:
            return {
                e.id: DeliveryOutcome(k, OutcomeStatus.FAILED, str(exc))
                for e, k in zip(todo, keys, strict=True)
            }
        except Exception as exc:  # noqa: BLE001 - a bug in one adapter must not stop the others
            log.error(
                "adapter %s raised %s while delivering %d %s entries",
                name,
                type(exc).__name__,
                len(todo),
                channel.value,
            )
            reason = f"adapter raised {type(exc).__name__}"
            return {
                e.id: DeliveryOutcome(k, OutcomeStatus.RETRY, reason) for e, k in zip(todo, keys, strict=True)
            }
        by_key = {o.key: o for o in answered}
        out: dict[str, DeliveryOutcome] = {}
        for entry, key in zip(todo, keys, strict=True):
            out[entry.id] = by_key.get(key) or DeliveryOutcome(
                key, OutcomeStatus.RETRY, "adapter gave no outcome for this key"
            )
            # Keys and reasons carry no notes (DeliveryOutcome's promise): safe to log.
            log.info(
                "%s %s: %s %s %s", channel.value, name, out[entry.id].status.value, key, out[entry.id].reason
            )
        return out

    def _settle(
        self,
        entry: OutboxEntry,
        outcomes: Mapping[str, Mapping[str, DeliveryOutcome]],
        now: datetime,
    ) -> OutboxEntry:
        took: list[str] = []
        retry: list[DeliveryOutcome] = []
        final: list[tuple[str, DeliveryOutcome]] = []
        for name, per_entry in outcomes.items():
            outcome = per_entry.get(entry.id)
            if outcome is None or outcome.ok:
                if outcome is not None:
                    took.append(name)
                continue
            if outcome.status is OutcomeStatus.RETRY:
                retry.append(outcome)
            else:
                final.append((name, outcome))
        done = tuple(took)
        if final:
            reason = "; ".join(f"{n}: {o.status.value}: {o.reason}" for n, o in final)
            return entry.failed(reason, done)
        if retry:
            if entry.attempts + 1 >= self.policy.max_attempts:
                reason = f"gave up after {entry.attempts + 1} attempts: {retry[0].reason}"
                return entry.failed(reason, done)
            wait = self.policy.delay(
                entry.attempts + 1, max((o.retry_after or 0.0) for o in retry) or None, self.rng
            )
            return entry.retry_at(now + wait, retry[0].reason, done)
        return entry.delivered(done)
