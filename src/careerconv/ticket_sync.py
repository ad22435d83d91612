"""Reading ticket statuses back: careerconv's pending changes first, then each tracker's statuses.

A status change made in careerconv and still in the outbox is newer than what
the tracker shows, so it is pushed before anything is read (and what the read
changed is pushed right after, so it is recorded as asked while it holds); a ticket whose
change could not be delivered yet (the tracker asked to wait, or is down) is
not read at all, so the pull never sets an action back to what it was before
that change. ``sync-tickets`` and the Jira webhook receiver both use this.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from attrs import frozen

from careerconv_core.dispatch import AdapterTally
from careerconv_core.outbox import Channel
from careerconv_core.ports import AdapterKind

if TYPE_CHECKING:
    from careerconv.app import App


PUSH_RUN = 200
"""Tracker entries per dispatcher run while pushing (as ``dispatch`` claims by default)."""


@frozen
class TrackerSync:
    """What one tracker's sync did."""

    name: str
    read: int
    deleted: tuple[str, ...]
    waiting: int  # tickets left unread: their careerconv change is still in the outbox
    pushed: AdapterTally | None = None


def sync_tickets(app: App, keys: Sequence[str] | None = None) -> list[TrackerSync]:
    """Push pending tracker changes, then apply each tracker's statuses for ``keys`` (default: all).

    :raises CareerconvError: a tracker cannot be read (nothing is guessed).
    """
    svc = app.services()
    pushed = _push(app)
    # Outbox keys are "tracker:" + the ticket key (services.base).
    prefix = f"{Channel.TRACKER.value}:"
    unsent = {
        e.key.removeprefix(prefix) for e in app.store.outbox(["pending"]) if e.channel is Channel.TRACKER
    }
    known = svc.ticket_keys()
    wanted = known if keys is None else [k for k in dict.fromkeys(keys) if k in set(known)]
    readable = [k for k in wanted if k not in unsent]
    out: list[TrackerSync] = []
    for name, tracker in app.adapters(AdapterKind.TRACKER):
        statuses = tracker.pull_statuses(readable)
        deleted = svc.pull_ticket_statuses(statuses)
        out.append(
            TrackerSync(name, len(statuses), tuple(deleted), len(wanted) - len(readable), pushed.get(name))
        )
    # What the pull changed in the plans is queued for the tracker too; delivered now, while
    # the ticket still shows it, it only records the status careerconv asks. Left for later,
    # a person reopening the ticket meanwhile would have it taken for careerconv's newer close.
    _push(app)
    return out


def _push(app: App) -> dict[str, AdapterTally]:
    """Deliver every due tracker entry, in runs of the dispatcher's usual size (each run's
    lease covers only what it can deliver in time); the tallies per tracker, summed."""
    tallies: dict[str, list[int]] = {}
    reasons: dict[str, list[str]] = {}
    while True:
        report = app.dispatcher().run_once(PUSH_RUN, channels=(Channel.TRACKER,))
        for name, tally in report.adapters.items():
            sums = tallies.setdefault(name, [0, 0, 0, 0])
            for n, value in enumerate((tally.delivered, tally.unchanged, tally.retried, tally.failed)):
                sums[n] += value
            reasons.setdefault(name, []).extend(tally.reasons)
        # Entries that must wait are not claimed again, so a short run is the last.
        if report.claimed < PUSH_RUN:
            break
    return {
        n: AdapterTally(delivered=t[0], unchanged=t[1], retried=t[2], failed=t[3], reasons=tuple(reasons[n]))
        for n, t in tallies.items()
    }


def sync_named_issues(app: App, issues: Sequence[tuple[str, Sequence[str]]]) -> list[TrackerSync]:
    """The same sync as ``sync_tickets``, for the actions of the issues (id, labels) a tracker's
    webhook named; trackers that cannot tell which actions those are (no ``keys_for``) add none.
    """
    candidates = app.services().ticket_keys()
    keys: list[str] = []
    for _name, tracker in app.adapters(AdapterKind.TRACKER):
        keys_for = getattr(tracker, "keys_for", None)
        if callable(keys_for):
            keys += keys_for(issues, candidates)
    if not keys:
        return []
    return sync_tickets(app, keys)
