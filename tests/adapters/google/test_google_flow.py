"""End to end as a user would run it: careerconv.toml names the google calendar, a team is scheduled
around the people's real meetings, delivered, moved, and the attendees' answers read back."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from careerconv.app import App
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.hookspecs import AdapterKind
from careerconv_core.ports import AttendeeAnswer, PlanChange
from careerconv_core.testing import FixedClock
from careerconv_plugins.google.adapter import GoogleCalendar
from careerconv_plugins.sql.sealing import create_key_file
from fakes.fake_google import FakeGoogle
from support.world import PEOPLE

MONDAY = date(2027, 1, 4)


def _home(tmp_path: Path, fake: FakeGoogle, key: dict[str, Any]) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    create_key_file(home / "careerconv.key")
    key_file = tmp_path / "google-key.json"
    key_file.write_text(json.dumps(key), encoding="utf-8")
    key_file.chmod(0o600)
    (home / "careerconv.toml").write_text(
        f"""\
[store]
adapter = "sqlite"
settings = {{ path = "careerconv.db", key_file = "careerconv.key" }}

[[calendar]]
adapter = "google"
settings = {{ credentials_file = "{key_file}", api_url = "{fake.api_url}", \
token_uri = "{fake.token_uri}", state_directory = "{tmp_path / "google-state"}" }}

[catalog]
adapter = "builtin"
""",
        encoding="utf-8",
    )
    return home


def test_a_team_is_placed_around_real_meetings_delivered_moved_and_answered(
    tmp_path: Path, fake: FakeGoogle, key: dict[str, Any]
) -> None:
    fake.state.users |= {p.email for p in PEOPLE}
    # Maya's whole first week is taken by an offsite.
    fake.state.other_busy["maya@example.com"] = [("2027-01-04T00:00:00+00:00", "2027-01-09T00:00:00+00:00")]
    app = App.load(_home(tmp_path, fake, key))
    app.clock = FixedClock(datetime(2027, 1, 1, 9, tzinfo=UTC))
    try:
        app.store.commit(PlanChange(people=PEOPLE))
        svc = app.services()
        plans = {}
        for report in ("r1", "r2"):
            plan_id = svc.propose("m1", report).plan.id
            svc.accept(plan_id, report, life_story_opt_in=True)
            svc.confirm_readiness(plan_id, "m1", True, True)
            plans[report] = plan_id
        placed = svc.schedule_team("m1", MONDAY)
        assert set(placed.placed) == {"r1", "r2"}, placed.unplaced
        freebusy = [e for e in fake.requests("POST") if e.path.endswith("freeBusy")]
        assert len(freebusy) == 1 and len(freebusy[0].body["items"]) == 3  # manager and both reports
        for placement in placed.placements.values():
            assert all(s.interval.start >= datetime(2027, 1, 9, tzinfo=UTC) for s in placement.slots)
        app.dispatcher().run_once()
        events = fake.events_of("maya@example.com")
        assert len(events) == 6 and len(fake.writes()) == 6  # one insert per conversation
        app.dispatcher().run_once()
        assert len(fake.writes()) == 6  # nothing left to send

        plan = app.store.load_plan(plans["r1"])
        first = plan.conversation(ConversationKind.LIFE_STORY)
        assert first.start is not None
        svc.reschedule(
            plans["r1"], "m1", ConversationKind.LIFE_STORY, first.start + timedelta(days=1), shift_later=True
        )
        after = app.store.load_plan(plans["r1"])
        moved = [c for c in after.conversations if c.start != plan.conversation(c.kind).start]
        app.dispatcher().run_once()
        assert moved and len(fake.writes()) == 6 + len(moved)  # one write per conversation moved
        assert {e.method for e in fake.writes()[6:]} == {"PATCH"}
        assert all(
            set(e.body) == {"start", "end", "sequence", "extendedProperties"} for e in fake.writes()[6:]
        )

        [(_, backend)] = app.adapters(AdapterKind.CALENDAR)
        assert isinstance(backend, GoogleCalendar)
        rae_events = {
            k: e for k, e in events.items() if "rae@example.com" in {a["email"] for a in e["attendees"]}
        }
        event_key, event = sorted(rae_events.items())[0]
        uid = event["extendedProperties"]["private"]["careerconvUid"]
        fake.answer("maya@example.com", event_key, "rae@example.com", "declined")
        answers = backend.answers([uid]).answers
        assert answers == {uid: {"rae@example.com": AttendeeAnswer.DECLINED}}
    finally:
        app.close()
