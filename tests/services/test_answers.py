"""Attendees' answers read back: recorded per meeting and person, a decline told to the manager once.

The sources are small classes implementing the ``AnswersRead`` port, as an
API calendar or the REPLY mailbox would; the plans, the outbox and the
notices are the real in-memory ports, the invites delivered by the real
dispatcher.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

import pytest
from attrs import evolve

from careerconv_core import serialization
from careerconv_core.dispatch import Dispatcher
from careerconv_core.domain.answers import Answer
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.domain.notices import NoticeKind
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.errors import AdapterError
from careerconv_core.outbox import Channel
from careerconv_core.ports import AnswersRead, AnswersReport, AttendeeAnswer, PlanChange
from careerconv_core.testing import InMemoryStore, RecordingCalendar
from careerconv_core.views import InviteKind, NoticeView
from support.flows import started
from support.world import World

LIFE_STORY = "-life_story@careerconv"


class Answers:
    """A calendar that tells answers: what it says, and which uids it was asked about."""

    def __init__(self, answers: Mapping[str, Mapping[str, AttendeeAnswer]] | None = None) -> None:
        self.said = dict(answers or {})
        self.removed: tuple[str, ...] = ()
        self.marks: dict[str, dict[str, str]] = {}
        self.asked: list[list[str]] = []

    def answers(self, uids: Sequence[str]) -> AnswersReport:
        self.asked.append(list(uids))
        return AnswersReport(
            {u: a for u, a in self.said.items() if u in uids},
            removed=tuple(u for u in self.removed if u in uids),
            marks=self.marks,
        )


class Broken:
    def answers(self, uids: Sequence[str]) -> AnswersReport:
        raise AdapterError("calendar", "the mailbox 'INBOX' does not exist; set imap_folder")


def _world(*calendars: str) -> tuple[World, str]:
    """A plan with its three conversations delivered through the calendars named (or "calendar")."""
    world = World()
    plan_id = started(world)
    if calendars:
        adapters = {
            Channel.CALENDAR: [(name, RecordingCalendar()) for name in calendars],
            Channel.NOTIFIER: [("notifier", world.notifier)],
        }
        Dispatcher(world.store, adapters, world.clock).run_once()
    else:
        world.dispatcher().run_once()
    return world, plan_id


def _notices(world: World) -> list[NoticeView]:
    """The notices about answers in the outbox (the proposal's and others left out)."""
    views = [
        serialization.loads(e.payload, NoticeView, "notice")
        for e in world.store.outbox()
        if e.channel is Channel.NOTIFIER
    ]
    return [v for v in views if v.kind in (NoticeKind.DECLINED, NoticeKind.TENTATIVE)]


def test_source_is_the_port() -> None:
    assert isinstance(Answers(), AnswersRead)


def test_a_decline_by_the_report_is_recorded_and_told_to_the_manager_once() -> None:
    world, plan_id = _world()
    uid = plan_id + LIFE_STORY
    source = Answers(
        {uid: {"RAE@example.com": AttendeeAnswer.DECLINED, "maya@example.com": AttendeeAnswer.ACCEPTED}}
    )
    report = world.services.read_answers([("calendar", source)])

    assert len(source.asked) == 1 and uid in source.asked[0] and len(source.asked[0]) == 3
    plan = world.store.load_plan(plan_id)
    answer = plan.answer_of(uid, "r1")
    assert answer is not None and answer.answer is Answer.DECLINED
    assert answer.read_at == world.clock()
    assert plan.answer_of(uid, "m1") is not None
    assert [(s.person_id, s.answer) for s in report.new] == [("r1", Answer.DECLINED), ("m1", Answer.ACCEPTED)]
    notices = _notices(world)
    assert [n.kind for n in notices] == [NoticeKind.DECLINED]
    notice = notices[0]
    assert notice.recipient.person_id == "m1"
    assert notice.subject == "Rae Report declined Career conversation 1: your life story"
    # The time in the manager's own zone (Europe/Berlin), and the one command that moves it.
    start = plan.conversation(ConversationKind.LIFE_STORY).start
    assert start is not None
    assert f"{(start + timedelta(hours=1)):%H:%M} Europe/Berlin" in notice.body
    assert "'careerconv reschedule r1 life_story --to " in notice.body
    assert report.queued and all(k.startswith("notifier:") for k in report.queued)

    # The same answer read again: nothing changes, nobody is told twice.
    version = plan.version
    again = world.services.read_answers([("calendar", source)])
    assert again.new == () and again.queued == ()
    assert world.store.load_plan(plan_id).version == version
    assert len(_notices(world)) == 1


def test_a_tentative_answer_notifies_and_an_acceptance_does_not() -> None:
    world, plan_id = _world()
    uid = plan_id + LIFE_STORY
    source = Answers({uid: {"rae@example.com": AttendeeAnswer.ACCEPTED}})
    world.services.read_answers([("calendar", source)])
    assert _notices(world) == []
    source.said = {uid: {"rae@example.com": AttendeeAnswer.TENTATIVE}}
    world.services.read_answers([("calendar", source)])
    assert [n.kind for n in _notices(world)] == [NoticeKind.TENTATIVE]


def test_a_decline_of_the_moved_meeting_is_a_new_answer_and_the_old_no_longer_stands() -> None:
    world, plan_id = _world()
    uid = plan_id + LIFE_STORY
    svc = world.services
    source = Answers({uid: {"rae@example.com": AttendeeAnswer.DECLINED}})
    source.marks = {uid: {"rae@example.com": "0|20261201T090000Z"}}
    svc.read_answers([("calendar", source)])
    plan = world.store.load_plan(plan_id)
    assert [a.answer for _, a in svc.standing_answers(plan)] == [Answer.DECLINED]

    start = plan.conversation(ConversationKind.LIFE_STORY).start
    assert start is not None
    svc.reschedule(plan_id, "m1", ConversationKind.LIFE_STORY, start + timedelta(hours=2))
    world.dispatcher().run_once()
    moved = world.store.load_plan(plan_id)
    assert svc.standing_answers(moved) == [], "the move answers the decline"

    svc.read_answers([("calendar", source)])  # the old REPLY read again: not a new answer
    assert len(_notices(world)) == 1
    source.marks = {uid: {"rae@example.com": "1|20261202T090000Z"}}
    svc.read_answers([("calendar", source)])  # declined again, the new time
    assert len(_notices(world)) == 2
    assert [a.answer for _, a in svc.standing_answers(world.store.load_plan(plan_id))] == [Answer.DECLINED]


def test_only_uids_delivered_through_the_source_are_asked() -> None:
    world, _plan_id = _world()
    other = Answers()
    world.services.read_answers([("elsewhere", other)])
    assert other.asked == [], "nothing was delivered through 'elsewhere': nothing to ask it"


def test_a_removed_event_is_a_conflict_and_a_broken_source_does_not_stop_the_others() -> None:
    world, plan_id = _world("broken", "calendar")
    uid = plan_id + LIFE_STORY
    source = Answers()
    source.removed = (uid,)
    report = world.services.read_answers([("broken", Broken()), ("calendar", source)])
    assert "imap_folder" in report.unavailable["broken"]
    assert [(s.uid, s.answer) for s in report.new] == [(uid, Answer.REMOVED)]
    plan = world.store.load_plan(plan_id)
    standing = world.services.standing_answers(plan)
    assert [(v.kind, a.answer) for v, a in standing] == [(InviteKind.LIFE_STORY, Answer.REMOVED)]
    assert _notices(world) == [], "a removal is shown as a conflict, not mailed as a decline"


def test_old_plans_read_without_answers() -> None:
    world, plan_id = _world()
    text = serialization.dumps(world.store.load_plan(plan_id))
    assert '"answers":[],' in text
    old = text.replace('"answers":[],', "")
    assert '"answers"' not in old
    assert serialization.loads(old, CareerPlan, "plan").answers == ()


@pytest.mark.parametrize("kind", list(InviteKind), ids=lambda k: k.value)
def test_every_move_command_is_one_the_command_line_takes(kind: InviteKind) -> None:
    import re
    import shlex

    from careerconv.cli import build_parser
    from careerconv_core.services.answers import move_command

    found = re.findall(r"'(careerconv [^']+)'", move_command("r1", kind))
    assert found
    for line in found:
        args = build_parser().parse_args(shlex.split(line)[1:])
        assert args.fn is not None


class RacingStore(InMemoryStore):
    """A store where another process changes the plan right after it is read, once."""

    armed = False

    def load_plan(self, plan_id: str) -> CareerPlan:
        plan = super().load_plan(plan_id)
        if self.armed:
            self.armed = False
            other = evolve(plan, version=plan.version + 1, last_touched_at=plan.last_touched_at)
            self.commit(PlanChange(plans=(other,)))
        return plan


def test_a_plan_changed_while_answers_are_recorded_is_read_again_not_refused() -> None:
    world = World(store=RacingStore())
    plan_id = started(world)
    world.dispatcher().run_once()
    uid = plan_id + LIFE_STORY
    store = world.store
    assert isinstance(store, RacingStore)
    store.armed = True
    report = world.services.read_answers(
        [("calendar", Answers({uid: {"rae@example.com": AttendeeAnswer.DECLINED}}))]
    )
    assert [s.answer for s in report.new] == [Answer.DECLINED]
    answer = world.store.load_plan(plan_id).answer_of(uid, "r1")
    assert answer is not None and answer.answer is Answer.DECLINED
    assert len(_notices(world)) == 1


def test_two_calendars_that_disagree_tell_the_manager_once_not_on_every_poll() -> None:
    world, plan_id = _world("google", "imip")
    uid = plan_id + LIFE_STORY
    api = Answers({uid: {"rae@example.com": AttendeeAnswer.ACCEPTED}})
    mail = Answers({uid: {"rae@example.com": AttendeeAnswer.DECLINED}})  # an older REPLY
    for _ in range(3):
        world.services.read_answers([("google", api), ("imip", mail)])
    assert len(_notices(world)) == 1
    plan = world.store.load_plan(plan_id)
    assert {(a.source, a.answer) for a in plan.answers} == {
        ("google", Answer.ACCEPTED),
        ("imip", Answer.DECLINED),
    }

    world.clock.advance(hours=1)
    api.said = {uid: {"rae@example.com": AttendeeAnswer.TENTATIVE}}  # news from one calendar
    world.services.read_answers([("google", api), ("imip", mail)])
    latest = world.store.load_plan(plan_id).answer_of(uid, "r1")
    assert latest is not None and (latest.source, latest.answer) == ("google", Answer.TENTATIVE)
    assert [n.kind for n in _notices(world)] == [NoticeKind.DECLINED, NoticeKind.TENTATIVE]
