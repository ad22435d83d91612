"""A small org wired to the use cases and the dispatcher on the in-memory test doubles."""

from __future__ import annotations

from datetime import UTC, datetime

from attrs import define, field

from careerconv_core.dispatch import Dispatcher, RetryPolicy
from careerconv_core.domain.people import Person
from careerconv_core.hookspecs import DomainEvent
from careerconv_core.outbox import Channel
from careerconv_core.ports import PlanChange
from careerconv_core.services import Services
from careerconv_core.testing import (
    FixedClock,
    InMemoryStore,
    RecordingCalendar,
    RecordingHris,
    RecordingNotifier,
    RecordingTracker,
    SequentialIds,
)

PEOPLE = (
    Person("m1", "Maya Manager", "maya@example.com", "Europe/Berlin"),
    Person("m2", "Noor Newmanager", "noor@example.com", "America/New_York"),
    Person("r1", "Rae Report", "rae@example.com", "Europe/Berlin", manager_id="m1"),
    Person("r2", "Sam Second", "sam@example.com", "America/New_York", manager_id="m1"),
)


@define
class World:
    """Services and a dispatcher over recording adapters, with a clock tests can move."""

    clock: FixedClock = field(factory=lambda: FixedClock(datetime(2026, 12, 1, 9, tzinfo=UTC)))
    store: InMemoryStore = field(factory=InMemoryStore)
    calendar: RecordingCalendar = field(factory=RecordingCalendar)
    tracker: RecordingTracker = field(factory=RecordingTracker)
    notifier: RecordingNotifier = field(factory=RecordingNotifier)
    hris: RecordingHris = field(factory=RecordingHris)
    events: list[DomainEvent] = field(factory=list)
    ids: SequentialIds = field(factory=lambda: SequentialIds("e"))

    def __attrs_post_init__(self) -> None:
        self.store.commit(PlanChange(people=PEOPLE))

    @property
    def services(self) -> Services:
        return Services(self.store, self.clock, self.ids, observe=self.events.append)

    def dispatcher(self, **adapters: object) -> Dispatcher:
        chosen = {
            Channel.CALENDAR: [("calendar", adapters.get("calendar", self.calendar))],
            Channel.TRACKER: [("tracker", adapters.get("tracker", self.tracker))],
            Channel.NOTIFIER: [("notifier", adapters.get("notifier", self.notifier))],
            Channel.HRIS: [("hris", adapters.get("hris", self.hris))],
        }
        import random

        return Dispatcher(self.store, chosen, self.clock, RetryPolicy(max_attempts=3), random.Random(7))
