"""No private marker in any byte sent to Google; a kill at any point leaves no duplicate event."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from attrs import evolve

from careerconv_core.domain.cadence import CheckInKind
from careerconv_core.domain.feedback import FeedbackRating
from careerconv_core.domain.plan import CheckIn
from careerconv_core.domain.roles import Actor
from careerconv_core.domain.visibility import Visibility
from careerconv_core.errors import CareerconvError
from careerconv_core.ports import PlanChange
from careerconv_plugins.google.adapter import GoogleCalendar
from fakes.fake_google import FakeGoogle, Fault
from support.flows import through_review
from support.invites import MANAGER, invite
from support.privacy import Planter
from support.world import World

Build = Callable[..., GoogleCalendar]
TESTS = Path(__file__).resolve().parents[2]


def test_no_private_marker_reaches_google(fake: FakeGoogle, build: Build) -> None:
    fake.state.users |= {"noor@example.com"}
    cal = build()
    world = World()
    plan_id = through_review(world)
    world.dispatcher(calendar=cal).run_once()
    planter = Planter()
    plan = world.store.load_plan(plan_id)
    planted = planter.plant(
        evolve(
            plan,
            check_ins=(CheckIn(CheckInKind.CHECK_IN, world.clock(), True, "x"),),
            feedback=(FeedbackRating(Actor.REPORT, "r1", 7),),
            version=plan.version + 1,
        )
    )
    world.store.commit(PlanChange(plans=(planted,)))
    assert len(planter.markers) >= 12
    svc = world.services
    world.clock.advance(days=3)
    for step in (
        lambda: svc.write_grow(plan_id, "r1", world.store.load_plan(plan_id).grow),
        lambda: svc.check_in(plan_id, "m1", CheckInKind.CHECK_IN, notes="private"),
        lambda: svc.manager_changed("r1", "m2"),
        lambda: svc.answer_handoff(plan_id, "r1", True),
        lambda: svc.schedule_handoff_meeting(plan_id, "m2", datetime(2026, 12, 15, 14, 30, tzinfo=UTC)),
    ):
        with contextlib.suppress(CareerconvError):  # a refused step is fine: nothing left
            step()
    world.dispatcher(calendar=cal).run_once()
    assert len(fake.writes()) >= 3  # the conversations and the handoff meeting really went out
    sent = b"\n".join(fake.state.raw).decode("utf-8", "replace")
    sent += json.dumps([[e.method, e.path, e.query, e.body] for e in fake.state.log])
    for visibility in (Visibility.PAIR, Visibility.SHARED, Visibility.SUMMARY):
        assert planter.found_in(sent, visibility) == [], f"a {visibility.value} field reached Google"


_CHILD = textwrap.dedent(
    """
    import json, os, sys
    sys.path.insert(0, {tests!r})
    from careerconv_plugins.google.plugin import make_backend
    from support.invites import invite
    settings, key, kill_after = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    count = int(sys.argv[4])
    cal = make_backend(settings, environ={{"CC_G": key}})
    real, made = cal.client.call, []
    def call(method, path, **kw):
        answer = real(method, path, **kw)  # Google has done it: now the process dies
        made.append(method)
        if len(made) == kill_after:
            os._exit(9)
        return answer
    cal.client.call = call
    cal.deliver_invites([invite(f"cc-plan1-c{{n}}", minutes=30 + n) for n in range(count)])
    """
)


@pytest.mark.parametrize("kill_after", [1, 2, 4, 6])
def test_a_process_killed_at_any_call_then_run_again_leaves_each_event_once(
    fake: FakeGoogle, build: Build, key: dict[str, str], kill_after: int
) -> None:
    settings = {"credentials_env": "CC_G", "api_url": fake.api_url, "token_uri": fake.token_uri}
    script = _CHILD.format(tests=str(TESTS))
    args = [sys.executable, "-c", script, json.dumps(settings), json.dumps(key), str(kill_after), "5"]
    child = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert child.returncode == 9, child.stderr[-2000:]
    assert len(fake.events_of(MANAGER.email)) == kill_after - 1  # the listing, then one insert a call
    views = [invite(f"cc-plan1-c{n}", minutes=30 + n) for n in range(5)]
    outcomes = build().deliver_invites(views)  # the outbox delivers the batch again
    assert all(o.ok for o in outcomes)
    assert sorted(fake.by_uid(MANAGER.email)) == sorted(v.uid for v in views)
    inserts = [e for e in fake.requests("POST") if e.status == 200]
    assert len(inserts) == 5  # each event inserted once, by whichever run got there first


@pytest.mark.parametrize("kill_after", [1, 2, 3, 4])
def test_a_kill_around_each_lookup_by_ical_uid_then_a_rerun_leaves_each_event_once(
    fake: FakeGoogle, build: Build, key: dict[str, str], kill_after: int
) -> None:
    """Two invites are each looked up by iCalUID, then inserted: a kill after any of the four calls."""
    settings = {"credentials_env": "CC_G", "api_url": fake.api_url, "token_uri": fake.token_uri}
    script = _CHILD.format(tests=str(TESTS))
    args = [sys.executable, "-c", script, json.dumps(settings), json.dumps(key), str(kill_after), "2"]
    child = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert child.returncode == 9, child.stderr[-2000:]
    assert len(fake.events_of(MANAGER.email)) == kill_after // 2  # lookup, insert, lookup, insert
    views = [invite(f"cc-plan1-c{n}", minutes=30 + n) for n in range(2)]
    assert all(o.ok for o in build().deliver_invites(views))
    assert sorted(fake.by_uid(MANAGER.email)) == sorted(v.uid for v in views)
    assert len(fake.events_of(MANAGER.email, deleted=True)) == 2
    lookups = [e for e in fake.requests("GET") if "iCalUID" in e.query]
    assert len(lookups) == kill_after // 2 + kill_after % 2 + 2  # each run looks before it inserts


def test_a_kill_between_the_read_and_a_move_then_a_rerun_moves_once(fake: FakeGoogle, build: Build) -> None:
    cal = build()
    view = invite()
    cal.deliver_invites([view])
    moved = evolve(view, sequence=1, start=view.start + timedelta(days=1), end=view.end + timedelta(days=1))
    fake.state.faults.append(Fault(drop_after=True, match="PATCH"))
    cal.client.max_attempts = 1
    [lost] = cal.deliver_invites([moved])
    assert lost.status.value == "retry"
    [again] = build().deliver_invites([moved])
    assert again.ok and len(fake.events_of(MANAGER.email)) == 1
    assert len(fake.requests("PATCH")) == 1  # the patch landed the first time; the rerun saw it
