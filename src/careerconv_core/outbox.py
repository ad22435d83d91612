"""Side effects waiting to be delivered: the outbox.

A use case never calls an adapter. It records what must happen (an invite
to send, a ticket to sync, a summary to write, a notice to send) as outbox
entries, committed in the same transaction as the plan change. A dispatcher
delivers them later; a crash between the two loses nothing, and the
deterministic ``key`` makes a second delivery update instead of duplicate.
"""

from __future__ import annotations

import enum
from datetime import datetime

from attrs import evolve, field, frozen

from careerconv_core.domain.clock import require_aware


class Channel(enum.Enum):
    """Which kind of adapter delivers an entry."""

    CALENDAR = "calendar"
    TRACKER = "tracker"
    HRIS = "hris"
    NOTIFIER = "notifier"


class OutboxStatus(enum.Enum):
    """Where an entry is in its life."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    SUPERSEDED = "superseded"


def _aware(_instance: object, attribute: object, value: datetime) -> None:
    require_aware(value, getattr(attribute, "name", "datetime"))


@frozen
class OutboxEntry:
    """One side effect to deliver.

    ``key`` identifies the thing in the outside world (an invite UID, a ticket
    key, an HRIS external id): entries with the same key update one thing.
    ``payload`` is the JSON of a view from ``careerconv_core.views``; nothing
    else is ever stored for delivery. ``delivered_to`` lists the adapters that
    already took it, so a retry goes only to the ones that did not.
    ``leased_until`` is set on entries read while a dispatcher holds them.
    """

    id: str
    key: str
    channel: Channel
    payload: str
    plan_id: str
    created_at: datetime = field(validator=_aware)
    next_attempt_at: datetime = field(validator=_aware)
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    delivered_to: tuple[str, ...] = ()
    last_error: str = ""
    # Not part of what the entry is: the store's note, on reads, that a dispatcher took it
    # and until when (a dispatcher that died frees it then). Never written back.
    leased_until: datetime | None = field(default=None, eq=False)

    def leased_at(self, now: datetime) -> bool:
        """Whether a dispatcher holds this entry at ``now`` (so no other will take it yet)."""
        return self.leased_until is not None and self.leased_until > now

    def delivered(self, adapters: tuple[str, ...]) -> OutboxEntry:
        """This entry, taken by every adapter in ``adapters``."""
        return evolve(
            self,
            status=OutboxStatus.DELIVERED,
            attempts=self.attempts + 1,
            delivered_to=tuple(dict.fromkeys(self.delivered_to + adapters)),
            last_error="",
        )

    def retry_at(self, when: datetime, reason: str, delivered_to: tuple[str, ...]) -> OutboxEntry:
        """This entry, to be tried again at ``when`` for the adapters still missing."""
        return evolve(
            self,
            attempts=self.attempts + 1,
            next_attempt_at=when,
            delivered_to=tuple(dict.fromkeys(self.delivered_to + delivered_to)),
            last_error=reason,
        )

    def failed(self, reason: str, delivered_to: tuple[str, ...]) -> OutboxEntry:
        """This entry, given up on (dead letter) with ``reason``."""
        return evolve(
            self,
            status=OutboxStatus.FAILED,
            attempts=self.attempts + 1,
            delivered_to=tuple(dict.fromkeys(self.delivered_to + delivered_to)),
            last_error=reason,
        )
