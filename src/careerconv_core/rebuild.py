"""Rebuild the files an adapter owns from what the outbox says it delivered.

The outbox keeps every delivered entry with its view. An adapter that owns
its files (``ports.Rebuildable``: the ics calendar, the files HR record) can
therefore be handed, again, the latest view of each key it took, and write
every file back, after a folder was deleted or a file damaged by hand. Only
the latest entry of a key counts: an earlier one is history the later one
already replaced. Nothing in the outbox changes; a pending entry is left to
``dispatch``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from attrs import frozen

from careerconv_core import serialization
from careerconv_core.dispatch import view_key
from careerconv_core.errors import AdapterError, CareerconvError
from careerconv_core.outbox import Channel, OutboxEntry
from careerconv_core.ports import DELIVERING, OutboxStore, OutcomeStatus, Rebuildable

BATCH = 200
"""Views handed to an adapter at once: bounded, so a large outbox never sits in one call."""


@frozen
class RebuildTally:
    """What rebuilding one adapter did: views handed over, files written, what failed."""

    channel: Channel
    views: int = 0
    written: int = 0
    unchanged: int = 0
    failures: tuple[str, ...] = ()


def latest_taken(entries: Sequence[OutboxEntry], channel: Channel, name: str) -> list[OutboxEntry]:
    """The newest entry of each key in ``channel`` that adapter ``name`` took, oldest key first.

    ``entries`` come oldest first (the store's order); a later entry of a key
    replaces an earlier one. Whatever its status, an entry the adapter took is
    what its files show (a failed entry may have been taken by some adapters).
    """
    latest: dict[str, OutboxEntry] = {}
    for entry in entries:
        if entry.channel is not channel or name not in entry.delivered_to:
            continue
        latest.pop(entry.key, None)
        latest[entry.key] = entry
    return list(latest.values())


def rebuild(
    store: OutboxStore,
    adapters: Mapping[Channel, Sequence[tuple[str, object]]],
    *,
    only: str | None = None,
) -> dict[tuple[Channel, str], RebuildTally]:
    """Hand every rebuildable adapter (or only those named ``only``) the latest views it took.

    The result is keyed by channel and instance name (one name may serve two
    channels). Adapters that are not ``Rebuildable`` are left out of it; an
    adapter's error is reported in its tally, never raised, so one broken
    folder does not stop the others.
    """
    entries = list(store.outbox())
    tallies: dict[tuple[Channel, str], RebuildTally] = {}
    for channel, named in adapters.items():
        view_type = DELIVERING[channel].view or object
        for name, adapter in named:
            if (only is not None and name != only) or not isinstance(adapter, Rebuildable):
                continue
            chosen = latest_taken(entries, channel, name)
            written = unchanged = 0
            failures: list[str] = []
            for start in range(0, len(chosen), BATCH):
                batch = chosen[start : start + BATCH]
                views: list[object] = [
                    serialization.loads(e.payload, view_type, f"outbox[{e.id}]") for e in batch
                ]
                try:
                    outcomes = list(adapter.rebuild(views))
                except (AdapterError, CareerconvError) as exc:
                    failures += [f"{view_key(channel, v)}: {exc}" for v in views]
                    continue
                for outcome in outcomes:
                    if outcome.status is OutcomeStatus.DELIVERED:
                        written += 1
                    elif outcome.status is OutcomeStatus.UNCHANGED:
                        unchanged += 1
                    else:
                        failures.append(f"{outcome.key}: {outcome.reason}")
            tallies[channel, name] = RebuildTally(channel, len(chosen), written, unchanged, tuple(failures))
    return tallies
