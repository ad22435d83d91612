"""When careerconv last changed an action's ticket fields and its status (issue 13, item 4).

A tracker compares these times with its own record of edits; they must move only
when what the ticket shows moves, and views stored before they were kept still read.
"""

from __future__ import annotations

import json
from datetime import date

from careerconv_core import projections, serialization
from careerconv_core.domain.grow import ActionStatus
from careerconv_core.domain.people import Person
from careerconv_core.domain.roles import Actor
from careerconv_core.views import Participant, TicketView
from support.plans import MANAGER, REPORT, after_pinnacle, at, grow_plan


def test_writing_the_grow_plan_dates_new_and_changed_actions_and_keeps_unchanged_ones() -> None:
    first = after_pinnacle().write_grow(grow_plan(), Actor.REPORT, at(5))
    assert first.grow is not None
    act = first.grow.action("a1")
    assert (act.changed_at, act.status_changed_at) == (at(5), at(5))
    same = first.write_grow(grow_plan(), Actor.REPORT, at(6))
    assert same.grow is not None
    assert (same.grow.action("a1").changed_at, same.grow.action("a1").status_changed_at) == (at(5), at(5))
    renamed = same.write_grow(grow_plan(title="Chair the roadmap review"), Actor.REPORT, at(7))
    assert renamed.grow is not None
    assert renamed.grow.action("a1").changed_at == at(7)
    assert renamed.grow.action("a1").status_changed_at == at(5)  # the status did not move


def test_a_time_given_in_the_file_is_not_taken() -> None:
    plan = after_pinnacle().write_grow(grow_plan(changed_at=at(90)), Actor.REPORT, at(5))
    assert plan.grow is not None and plan.grow.action("a1").changed_at == at(5)


def test_marking_done_or_reopening_dates_the_status_only() -> None:
    plan = after_pinnacle().write_grow(grow_plan(), Actor.REPORT, at(5))
    done = plan.set_action_status("a1", ActionStatus.DONE, at(9).date(), at(9))
    assert done.grow is not None
    assert (done.grow.action("a1").status_changed_at, done.grow.action("a1").changed_at) == (at(9), at(5))
    again = done.set_action_status("a1", ActionStatus.DONE, at(10).date(), at(10))
    assert again.grow is not None and again.grow.action("a1").status_changed_at == at(9)  # no move


def test_a_ticket_view_stored_before_times_were_kept_still_reads() -> None:
    view = TicketView("k", "p", "t", date(2027, 3, 1), Participant("a", "A", "a@example.com"), "d")
    old = json.loads(serialization.dumps(view))
    old.pop("changed_at")
    old.pop("status_changed_at")
    back = serialization.loads(json.dumps(old), TicketView)
    assert back == view and back.changed_at is None
    timed = TicketView("k", "p", "t", date(2027, 3, 1), view.owner, "d", changed_at=at(1))
    assert serialization.loads(serialization.dumps(timed), TicketView) == timed


def test_the_ticket_view_carries_both_times() -> None:
    plan = after_pinnacle().write_grow(grow_plan(), Actor.REPORT, at(5))
    plan = plan.set_action_status("a1", ActionStatus.DONE, at(9).date(), at(9))
    people = {p: Person(p, p.upper(), f"{p}@example.com") for p in (REPORT, MANAGER)}
    (ticket,) = projections.tickets(plan, people).values()
    assert (ticket.changed_at, ticket.status_changed_at) == (at(5), at(9))
