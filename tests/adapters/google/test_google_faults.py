"""Limits, faults and bad input: retried where waiting helps, one clear line where a person must act."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from careerconv_core.errors import ConfigurationError
from careerconv_core.ports import OutcomeStatus
from careerconv_core.views import InviteMethod, Participant
from careerconv_plugins.google.adapter import GoogleCalendar
from careerconv_plugins.google.plugin import make_backend
from fakes.fake_google import FakeGoogle, Fault
from support.invites import MANAGER, REPORT, invite

Build = Callable[..., GoogleCalendar]
MARA = MANAGER.email


@pytest.mark.parametrize(
    ("status", "reason"),
    [(429, "rateLimitExceeded"), (403, "rateLimitExceeded"), (403, "userRateLimitExceeded"), (503, "")],
)
def test_rate_limits_and_5xx_are_retried_honouring_retry_after(
    fake: FakeGoogle, build: Build, sleeps: list[float], status: int, reason: str
) -> None:
    fake.state.faults.append(Fault(status, reason, retry_after="3", match="POST /calendar/v3/calendars"))
    [outcome] = build().deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.DELIVERED
    assert sleeps == [3.0]
    assert len(fake.events_of(MARA)) == 1


def test_a_long_retry_after_goes_back_to_the_outbox(
    fake: FakeGoogle, build: Build, sleeps: list[float]
) -> None:
    fake.state.faults.append(Fault(429, "rateLimitExceeded", retry_after="120", match="POST /calendar"))
    [outcome] = build().deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.RETRY and outcome.retry_after == 120.0
    assert sleeps == [] and not fake.events_of(MARA)


def test_retries_are_bounded(fake: FakeGoogle, build: Build, sleeps: list[float]) -> None:
    fake.state.faults.append(Fault(500, match="POST /calendar", times=10))
    [outcome] = build(max_attempts="3").deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.RETRY
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0]  # jittered exponential backoff


def test_a_lost_answer_after_the_insert_never_makes_a_second_event(fake: FakeGoogle, build: Build) -> None:
    fake.state.faults.append(Fault(drop_after=True, match="POST /calendar"))
    view = invite()
    [outcome] = build().deliver_invites([view])
    assert outcome.ok  # unchanged: the event the first try stored is already as asked
    assert list(fake.by_uid(MARA)) == [view.uid]
    statuses = [e.status for e in fake.requests("POST")]
    assert statuses == [0, 409]  # the repeat met the event the first try stored, and found it by iCalUID


def test_an_expired_token_is_refreshed_once(fake: FakeGoogle, build: Build) -> None:
    cal = build()
    cal.deliver_invites([invite()])
    fake.expire_tokens()
    [outcome] = cal.deliver_invites([invite("cc-plan1-conv2")])
    assert outcome.status is OutcomeStatus.DELIVERED
    assert len([e for e in fake.state.log if e.path == "/token"]) == 2


def test_a_401_after_refresh_names_the_credentials(fake: FakeGoogle, build: Build) -> None:
    fake.state.token_lifetime = -1000  # every token is already expired at Google
    [outcome] = build().deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.FAILED
    assert "credentials_env" in outcome.reason and "Calendar API is enabled" in outcome.reason


def test_a_missing_scope_names_the_scopes(fake: FakeGoogle, build: Build) -> None:
    fake.state.granted_scopes.add("https://www.googleapis.com/auth/calendar.settings.readonly")
    cal = build(scopes="https://www.googleapis.com/auth/calendar.settings.readonly")
    [outcome] = cal.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.FAILED
    assert "calendar.events.owned" in outcome.reason and "Domain-wide delegation" in outcome.reason


def test_scopes_the_admin_did_not_grant_are_named(fake: FakeGoogle, build: Build) -> None:
    fake.state.granted_scopes.clear()
    [outcome] = build().deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.FAILED and "unauthorized_client" in outcome.reason
    assert "Admin console" in outcome.reason and "calendar.events.freebusy" in outcome.reason


def test_an_organizer_outside_the_domain_is_named(fake: FakeGoogle, build: Build) -> None:
    outsider = Participant("m9", "Olga Outside", "olga@elsewhere.org")
    [outcome] = build().deliver_invites([invite(organizer=outsider)])
    assert outcome.status is OutcomeStatus.FAILED
    assert "olga@elsewhere.org" in outcome.reason and "Fix:" in outcome.reason


def test_a_calendar_that_does_not_exist_names_the_setting(fake: FakeGoogle, build: Build) -> None:
    [outcome] = build(calendar_id="team-careers@group.calendar.google.com").deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.FAILED
    assert "'calendar_id'" in outcome.reason and "team-careers@group" in outcome.reason


def test_a_revoked_refresh_token_says_to_sign_in_again(fake: FakeGoogle, build: Build) -> None:
    user = fake.add_oauth_user(MARA, {"https://www.googleapis.com/auth/calendar.events.owned"})
    fake.state.refresh_tokens.clear()  # revoked
    [outcome] = build(credentials=user).deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.FAILED and "sign in again" in outcome.reason


def test_an_event_of_someone_else_under_our_id_is_not_touched(fake: FakeGoogle, build: Build) -> None:
    cal = build()
    view = invite()
    cal.deliver_invites([view])
    fake.person_edits(MARA, fake.id_of(MARA, view.uid), extendedProperties={})
    [outcome] = cal.deliver_invites([view])
    assert outcome.status is OutcomeStatus.CONFLICT and len(fake.writes()) == 1


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        ({}, "no credentials"),
        ({"credentials_env": "ya29.pasted-token"}, "not the credentials themselves"),
        ({"credentials_env": "CC_G", "send_updates": "everyone"}, "'send_updates'"),
        ({"credentials_env": "CC_G", "subject": "mara"}, "'subject'"),
        ({"credentials_env": "CC_G", "api_url": "http://evil.example/"}, "'api_url'"),
        ({"credentials_env": "CC_BAD"}, "not JSON"),
        ({"credentials_env": "CC_G", "private_key": "x"}, "do not put credentials"),
    ],
)
def test_bad_settings_are_one_line_naming_the_setting(settings: dict[str, str], says: str) -> None:
    env = {"CC_G": '{"type": "service_account"}', "CC_BAD": "{nope"}
    with pytest.raises(ConfigurationError) as caught:
        make_backend(settings, environ=env)
    assert says in str(caught.value) and "\n" not in str(caught.value)


def test_busy_for_a_team_is_one_request_and_our_own_events_do_not_count(
    fake: FakeGoogle, build: Build
) -> None:
    cal = build()
    start = datetime(2026, 12, 1, 9, tzinfo=UTC)
    view = invite(start=start)
    cal.deliver_invites([view])
    # Another meeting right after ours: free/busy merges the two into one period.
    fake.state.other_busy[MARA] = [(view.end.isoformat(), (view.end + timedelta(hours=1)).isoformat())]
    people = [MANAGER, REPORT]
    report = cal.busy(people, start - timedelta(hours=1), start + timedelta(hours=5))
    assert report.available, report.reason
    assert [(s.start, s.end) for s in report.busy["m1"]] == [(view.end, view.end + timedelta(hours=1))]
    assert report.busy["r1"] == ()
    assert len(fake.requests("POST")) == 2  # the insert and one free/busy query


def test_busy_asks_50_calendars_a_request(fake: FakeGoogle, build: Build) -> None:
    team = [Participant(f"p{n}", f"P {n}", f"p{n}@example.com") for n in range(120)]
    fake.state.users |= {p.email for p in team}
    start = datetime(2026, 12, 1, tzinfo=UTC)
    report = build(subject=MARA).busy(team, start, start + timedelta(days=30))
    assert report.available and len(report.busy) == 120
    assert [len(e.body["items"]) for e in fake.requests("POST")] == [50, 50, 20]


def test_busy_names_a_person_whose_free_busy_google_will_not_show(fake: FakeGoogle, build: Build) -> None:
    stranger = Participant("x1", "Xu External", "xu@partner.org")
    start = datetime(2026, 12, 1, tzinfo=UTC)
    report = build().busy([MANAGER, stranger], start, start + timedelta(days=1))
    assert not report.available and "x1" in report.reason and "Fix:" in report.reason


def test_a_timeout_is_retried(fake: FakeGoogle, build: Build, sleeps: list[float]) -> None:
    fake.state.faults.append(Fault(delay=2.5, match="GET /calendar"))
    [outcome] = build(timeout="1").deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.DELIVERED and len(sleeps) == 1


def test_the_fake_refuses_what_the_discovery_document_does_not_allow(fake: FakeGoogle, build: Build) -> None:
    cal = build()
    cal.deliver_invites([invite()])
    path = cal.client.events_path("primary")
    for params, body in (
        ({"sendUpdates": "everyone"}, {"start": {}, "end": {}}),
        ({}, {"start": {}, "end": {}, "notes": "x"}),
        ({}, {"start": {"dateTime": 5}, "end": {}}),
        ({}, {"summary": "no start or end"}),
        ({"maxAttendees": "many"}, {"start": {}, "end": {}}),
    ):
        with pytest.raises(Exception, match="HTTP 400"):
            cal.client.call("POST", path, subject=MARA, params=params, body=body)
    assert len(fake.state.problems) == 6  # the fourth lacks both start and end
    fake.state.problems.clear()  # seen: the fixture would fail the test on them otherwise


def test_the_fake_answers_410_for_a_stale_sync_token(fake: FakeGoogle, build: Build) -> None:
    cal = build()
    cal.deliver_invites([invite()])
    path = cal.client.events_path("primary")
    first = cal.client.call("GET", path, subject=MARA, params={})
    token = first["nextSyncToken"]
    assert cal.client.call("GET", path, subject=MARA, params={"syncToken": token})["items"]
    fake.state.sync_epoch += 1  # Google invalidated the tokens
    with pytest.raises(Exception, match="HTTP 410 fullSyncRequired"):
        cal.client.call("GET", path, subject=MARA, params={"syncToken": token})


def test_an_unset_credentials_variable_holds_invites_and_names_it() -> None:
    backend = make_backend({"credentials_env": "NOT_SET_ANYWHERE"}, environ={})
    [held] = backend.deliver_invites([invite()])
    assert held.status is OutcomeStatus.RETRY and held.retry_after == 3600.0
    assert "NOT_SET_ANYWHERE" in held.reason and "'credentials_env'" in held.reason
    start = datetime(2026, 12, 1, tzinfo=UTC)
    busy = backend.busy([MANAGER], start, start + timedelta(days=1))
    assert not busy.available and "NOT_SET_ANYWHERE" in busy.reason
    with pytest.raises(ConfigurationError, match="'send_updates'"):
        make_backend({"credentials_env": "NOT_SET_ANYWHERE", "send_updates": "x"}, environ={})


def test_the_calendar_usage_limit_goes_back_to_the_outbox_for_a_minute(
    fake: FakeGoogle, build: Build, sleeps: list[float]
) -> None:
    fake.state.faults.append(Fault(403, "quotaExceeded", match="POST /calendar"))
    [outcome] = build().deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.RETRY and (outcome.retry_after or 0) >= 60
    assert sleeps == [] and "usage limit" in outcome.reason


def test_an_edit_between_the_read_and_the_write_is_read_again_and_not_overwritten(
    fake: FakeGoogle, build: Build
) -> None:
    cal = build()
    view = invite()
    cal.deliver_invites([view])
    real = cal.client.call

    def call(method: str, path: str, **kw: object) -> object:
        if method == "PATCH":  # a person edits it just before our write lands: 412
            fake.person_edits(MARA, fake.id_of(MARA, view.uid), description="bring snacks")
        return real(method, path, **kw)  # type: ignore[arg-type]

    cal.client.call = call  # type: ignore[method-assign]
    moved = invite(start=view.start + timedelta(days=1), sequence=1)
    [outcome] = cal.deliver_invites([moved])
    assert outcome.status is OutcomeStatus.CONFLICT
    assert [e.status for e in fake.requests("PATCH")] == [412]
    assert fake.by_uid(MARA)[view.uid]["description"] == "bring snacks"


def test_an_event_deleted_between_the_read_and_the_cancel_is_as_asked(fake: FakeGoogle, build: Build) -> None:
    cal = build()
    view = invite()
    cal.deliver_invites([view])
    real = cal.client.call

    def call(method: str, path: str, **kw: object) -> object:
        if method == "DELETE":  # someone deletes it first: Google answers 410 Gone
            fake.state.events[MARA][fake.id_of(MARA, view.uid)]["status"] = "cancelled"
        return real(method, path, **kw)  # type: ignore[arg-type]

    cal.client.call = call  # type: ignore[method-assign]
    [outcome] = cal.deliver_invites([invite(method=InviteMethod.CANCEL, sequence=1)])
    assert outcome.status is OutcomeStatus.UNCHANGED
    assert [e.status for e in fake.requests("DELETE")] == [410]
