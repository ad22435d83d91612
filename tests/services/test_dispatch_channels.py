"""Each channel is claimed on its own: a ticket backlog or a tracker that asked to wait
never holds back invites and notices, and N tickets reach the tracker in one call."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from careerconv_core import serialization
from careerconv_core.dispatch import Dispatcher
from careerconv_core.domain.notices import NoticeKind
from careerconv_core.outbox import Channel, OutboxEntry, OutboxStatus
from careerconv_core.ports import DeliveryOutcome, OutcomeStatus, PlanChange
from careerconv_core.testing import InMemoryStore, RecordingNotifier
from careerconv_core.views import NoticeView, Participant, TicketView

T0 = datetime(2027, 1, 4, 9, tzinfo=UTC)
ANA = Participant("p-ana", "Ana Report", "ana@example.com")


class WaitingTracker:
    """A tracker that answers every ticket 'wait 600 s' (a long Retry-After), and counts calls."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def deliver_tickets(self, tickets: Sequence[TicketView]) -> Sequence[DeliveryOutcome]:
        self.calls.append(len(tickets))
        return [DeliveryOutcome(t.key, OutcomeStatus.RETRY, "Jira asked to wait", 600.0) for t in tickets]


def _ticket(n: int) -> OutboxEntry:
    view = TicketView(f"cc-p1-a-{n}", "p1", f"Action {n}", date(2027, 3, 1), ANA, "done")
    at = T0 + timedelta(seconds=n)  # older than every notice
    return OutboxEntry(f"t{n}", view.key, Channel.TRACKER, serialization.dumps(view), "p1", at, at)


def _notice(n: int) -> OutboxEntry:
    view = NoticeView(f"n-{n}", NoticeKind.PROPOSAL, ANA, "A proposal", "body")
    at = T0 + timedelta(hours=1, seconds=n)
    return OutboxEntry(f"n{n}", view.key, Channel.NOTIFIER, serialization.dumps(view), "p1", at, at)


def test_a_ticket_backlog_with_a_long_retry_after_does_not_hold_back_notices() -> None:
    store = InMemoryStore()
    store.commit(
        PlanChange(outbox=tuple(_ticket(n) for n in range(250)) + tuple(_notice(n) for n in range(3)))
    )
    tracker, notifier = WaitingTracker(), RecordingNotifier()
    now = T0 + timedelta(hours=2)
    dispatcher = Dispatcher(
        store, {Channel.TRACKER: [("jira", tracker)], Channel.NOTIFIER: [("mail", notifier)]}, lambda: now
    )
    report = dispatcher.run_once(200)
    # The 250 older tickets did not take the notices' places in the claim.
    assert sorted(n.key for n in notifier.sent) == ["n-0", "n-1", "n-2"]
    assert report.adapters["mail"].delivered == 3
    # The tracker got its own 200 in one call, and they wait out the Retry-After.
    assert tracker.calls == [200]
    waiting = [e for e in store.outbox(["pending"]) if e.channel is Channel.TRACKER]
    assert len(waiting) == 250
    assert all(e.next_attempt_at >= now + timedelta(seconds=600) for e in waiting if e.attempts)
    # The next run takes the 50 the first could not, and none of the 200 waiting.
    dispatcher.run_once(200)
    assert tracker.calls == [200, 50]


def test_each_channel_is_claimed_up_to_the_limit_oldest_first() -> None:
    store = InMemoryStore()
    store.commit(PlanChange(outbox=tuple(_ticket(n) for n in range(5)) + tuple(_notice(n) for n in range(5))))
    tracker, notifier = WaitingTracker(), RecordingNotifier()
    now = T0 + timedelta(hours=2)
    dispatcher = Dispatcher(
        store, {Channel.TRACKER: [("jira", tracker)], Channel.NOTIFIER: [("mail", notifier)]}, lambda: now
    )
    report = dispatcher.run_once(2)
    assert tracker.calls == [2]
    assert [n.key for n in notifier.sent] == ["n-0", "n-1"]
    assert report.claimed == 4
    states = {e.id: e.status for e in store.outbox()}
    assert states["n0"] is OutboxStatus.DELIVERED
    assert states["n2"] is OutboxStatus.PENDING
