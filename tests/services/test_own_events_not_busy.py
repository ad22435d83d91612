"""Free/busy of careerconv's own events does not count as busy for the event being placed again
(issue 15, item 3): a calendar reports our own invites as busy time like any other meeting.

The calendar is the real embedded ``ics`` adapter, whose free/busy is read
from the events it wrote, or a calendar that merges adjacent busy time into
one block, as CalDAV free-busy answers and API calendars may.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from attrs import define

from careerconv_core.domain.clock import Interval
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.ports import BusyReport
from careerconv_core.services import Services
from careerconv_core.testing import RecordingCalendar
from careerconv_core.views import InviteMethod, Participant
from careerconv_plugins.ics.adapter import from_settings
from support.flows import started, through_review
from support.world import World


@define
class BusyWorld(World):
    """The small org, its use cases reading free/busy from the world's calendar."""

    @property
    def services(self) -> Services:
        return Services(self.store, self.clock, self.ids, observe=self.events.append, calendar=self.calendar)


class MergingCalendar(RecordingCalendar):
    """Busy time from the events delivered, adjacent or overlapping spans merged into one block."""

    def __init__(self, foreign: dict[str, list[Interval]]) -> None:
        super().__init__()
        self.foreign = foreign

    def busy(self, people: Sequence[Participant], start: datetime, end: datetime) -> BusyReport:
        out: dict[str, tuple[Interval, ...]] = {}
        for person in people:
            spans = sorted(
                [
                    Interval(v.start, v.end)
                    for v in self.events.values()
                    if v.method is InviteMethod.REQUEST and person.email in {a.email for a in v.attendees}
                ]
                + self.foreign.get(person.person_id, []),
                key=lambda i: i.start,
            )
            merged: list[Interval] = []
            for span in spans:
                if merged and span.start <= merged[-1].end:
                    merged[-1] = Interval(merged[-1].start, max(merged[-1].end, span.end))
                else:
                    merged.append(span)
            out[person.person_id] = tuple(merged)
        return BusyReport(out)


def _ics_world(tmp_path: Path) -> BusyWorld:
    world = BusyWorld()
    world.calendar = from_settings({"directory": str(tmp_path / "invites")})  # type: ignore[assignment]
    return world


def test_follow_ups_placed_again_do_not_step_around_themselves(tmp_path: Path) -> None:
    world = _ics_world(tmp_path)
    plan_id = through_review(world)
    world.dispatcher().run_once()
    world.services.schedule_follow_ups(plan_id, "m1")
    world.dispatcher().run_once()  # the check-ins are now busy time in the calendar
    first = world.store.load_plan(plan_id).follow_ups
    assert first

    world.services.schedule_follow_ups(plan_id, "m1")  # placed again, as after a change of mind

    again = world.store.load_plan(plan_id).follow_ups
    assert [(f.start, f.sequence) for f in again] == [(f.start, f.sequence) for f in first], (
        "our own check-ins are not busy time for themselves: nothing moves"
    )


def test_a_move_into_its_own_merged_busy_block_is_allowed_and_a_foreign_meeting_still_counts() -> None:
    world = BusyWorld()
    plan_id = started(world)
    plan = world.store.load_plan(plan_id)
    conv = plan.conversation(ConversationKind.LIFE_STORY)
    assert conv.start is not None and conv.end is not None
    # A meeting of Maya's right after the conversation: free/busy shows one block for both.
    foreign = Interval(conv.end, conv.end + timedelta(hours=1))
    world.calendar = MergingCalendar({"m1": [foreign]})
    world.dispatcher().run_once()

    earlier = conv.start - timedelta(minutes=30)  # overlaps only its own old time
    moved = world.services.reschedule(plan_id, "m1", ConversationKind.LIFE_STORY, earlier)
    assert moved.plan.conversation(ConversationKind.LIFE_STORY).start == earlier

    world.dispatcher().run_once()
    into_foreign = conv.end - timedelta(minutes=15)  # the other meeting is still busy
    try:
        world.services.reschedule(plan_id, "m1", ConversationKind.LIFE_STORY, into_foreign)
    except Exception as exc:  # noqa: BLE001 - the refusal's text is what is checked
        assert "busy" in str(exc) or "M4" in str(exc)
    else:
        raise AssertionError("a move over another meeting of the manager's was allowed")


def test_schedule_ignores_the_busy_time_of_its_own_cancelled_conversations() -> None:
    world = BusyWorld()
    world.calendar = MergingCalendar({})
    svc = world.services
    plan_id = svc.propose("m1", "r1").plan.id
    svc.accept(plan_id, "r1", life_story_opt_in=True)
    svc.confirm_readiness(plan_id, "m1", True, True)
    day = world.clock().date()
    assert svc.schedule_team("m1", day, ["r1"]).placed == {"r1": plan_id}
    first = [(c.start, c.end) for c in world.store.load_plan(plan_id).conversations]
    world.dispatcher().run_once()  # the three are in the calendar as busy time
    # Paused and resumed: the three are cancelled, but a calendar that has not caught up (the
    # cancellations not yet delivered) still shows them as busy.
    svc.pause(plan_id, "r1")
    svc.resume(plan_id, "m1")
    report = svc.schedule_team("m1", day, ["r1"])
    assert report.placed == {"r1": plan_id}, report.unplaced
    again = [(c.start, c.end) for c in world.store.load_plan(plan_id).conversations]
    assert again == first, "its own cancelled conversations are not busy time for placing it again"
