"""The Google backend against the fake Calendar API, with tokens made by the real google-auth."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from attrs import evolve

from careerconv_core.errors import AdapterError
from careerconv_core.ports import AnswersRead, AttendeeAnswer, CalendarBackend, OutcomeStatus
from careerconv_core.views import InviteMethod
from careerconv_plugins.google import mapping
from careerconv_plugins.google.adapter import GoogleCalendar
from careerconv_plugins.google.client import Duplicate
from fakes.fake_google import FakeGoogle, Fault
from support.invites import MANAGER, REPORT, invite

Build = Callable[..., GoogleCalendar]

MARA = MANAGER.email


def test_a_new_event_is_one_insert_and_a_resync_writes_nothing(fake: FakeGoogle, build: Build) -> None:
    cal = build()
    assert isinstance(cal, CalendarBackend) and isinstance(cal, AnswersRead)
    view = invite()
    [first] = cal.deliver_invites([view])
    assert first.status is OutcomeStatus.DELIVERED
    assert [(e.method, e.query) for e in fake.writes()] == [("POST", {"sendUpdates": ["all"]})]
    stored = fake.by_uid(MARA)[view.uid]
    assert stored["description"] == view.description and "Agenda:" in stored["description"]
    assert [a["email"] for a in stored["attendees"]] == [REPORT.email]
    assert _moment(stored["start"]) == view.start
    [again] = cal.deliver_invites([view])
    assert again.status is OutcomeStatus.UNCHANGED
    assert len(fake.writes()) == 1


def test_the_service_account_signs_as_each_organizer_with_the_narrow_scopes(
    fake: FakeGoogle, build: Build
) -> None:
    cal = build()
    cal.deliver_invites([invite()])
    tokens = [e for e in fake.state.log if e.path == "/token"]
    assert len(tokens) == 1  # verified by the fake with the account's public key
    user, scopes, _ = next(iter(fake.state.tokens.values()))
    assert user == MARA
    assert scopes == {
        "https://www.googleapis.com/auth/calendar.events.owned",
        "https://www.googleapis.com/auth/calendar.events.freebusy",
    }


def test_a_move_is_one_patch_of_start_and_end_only(fake: FakeGoogle, build: Build) -> None:
    cal = build()
    view = invite()
    cal.deliver_invites([view])
    moved = evolve(view, sequence=1, start=view.start + timedelta(days=1), end=view.end + timedelta(days=1))
    [outcome] = cal.deliver_invites([moved])
    assert outcome.status is OutcomeStatus.DELIVERED
    [patch] = fake.requests("PATCH")
    assert set(patch.body) == {"start", "end", "sequence", "extendedProperties"}
    assert patch.body["sequence"] == 1  # the SEQUENCE the iMIP mail and the .ics file of the move carry
    assert patch.headers.get("If-Match")
    assert _moment(fake.by_uid(MARA)[view.uid]["start"]) == moved.start
    assert fake.by_uid(MARA)[view.uid]["sequence"] == 1
    assert len(fake.writes()) == 2


def test_a_cancel_deletes_with_send_updates(fake: FakeGoogle, build: Build) -> None:
    cal = build(send_updates="externalOnly")
    view = invite()
    cal.deliver_invites([view])
    [gone] = cal.deliver_invites([evolve(view, sequence=1, method=InviteMethod.CANCEL)])
    assert gone.status is OutcomeStatus.DELIVERED
    [delete] = fake.requests("DELETE")
    assert delete.query == {"sendUpdates": ["externalOnly"]}
    assert not fake.events_of(MARA)
    [again] = cal.deliver_invites([evolve(view, sequence=1, method=InviteMethod.CANCEL)])
    assert again.status is OutcomeStatus.UNCHANGED and len(fake.requests("DELETE")) == 1


def test_an_event_edited_by_a_person_is_a_conflict_and_is_not_overwritten(
    fake: FakeGoogle, build: Build
) -> None:
    cal = build()
    view = invite()
    cal.deliver_invites([view])
    fake.person_edits(MARA, fake.id_of(MARA, view.uid), summary="Lunch instead")
    moved = evolve(view, sequence=1, start=view.start + timedelta(hours=2), end=view.end + timedelta(hours=2))
    [outcome] = cal.deliver_invites([moved])
    assert outcome.status is OutcomeStatus.CONFLICT
    assert "changed in the calendar by a person" in outcome.reason
    assert fake.by_uid(MARA)[view.uid]["summary"] == "Lunch instead"
    assert len(fake.writes()) == 1
    [cancel] = cal.deliver_invites([evolve(view, sequence=2, method=InviteMethod.CANCEL)])
    assert cancel.status is OutcomeStatus.CONFLICT and len(fake.writes()) == 1


def test_an_event_deleted_by_a_person_is_a_conflict_and_reported_as_removed(
    fake: FakeGoogle, build: Build
) -> None:
    cal = build()
    view = invite()
    cal.deliver_invites([view])
    fake.person_deletes(MARA, fake.id_of(MARA, view.uid))
    [outcome] = cal.deliver_invites([view])
    assert outcome.status is OutcomeStatus.CONFLICT and "deleted" in outcome.reason
    assert cal.answers([view.uid]).removed == (view.uid,)
    # A real change made in careerconv afterwards (a new SEQUENCE) brings it back.
    later = evolve(view, sequence=1, start=view.start + timedelta(days=2), end=view.end + timedelta(days=2))
    [back] = cal.deliver_invites([later])
    assert back.status is OutcomeStatus.DELIVERED
    assert fake.by_uid(MARA)[view.uid]["status"] == "confirmed"


def test_answers_come_back_and_an_answer_is_not_an_edit(fake: FakeGoogle, build: Build) -> None:
    cal = build()
    view = invite()
    other = invite("cc-plan1-conv2", start=view.start + timedelta(days=3))
    cal.deliver_invites([view, other])
    fake.answer(MARA, fake.id_of(MARA, view.uid), REPORT.email, "declined")
    fake.answer(MARA, fake.id_of(MARA, other.uid), REPORT.email, "tentative")
    report = cal.answers([view.uid, other.uid, "cc-unknown"])
    assert report.available and report.removed == ()
    assert report.answers == {
        view.uid: {REPORT.email: AttendeeAnswer.DECLINED},
        other.uid: {REPORT.email: AttendeeAnswer.TENTATIVE},
    }
    moved = evolve(view, sequence=1, start=view.start + timedelta(hours=1), end=view.end + timedelta(hours=1))
    [outcome] = cal.deliver_invites([moved])
    assert outcome.status is OutcomeStatus.DELIVERED  # the decline changed the etag, not the fields


def test_answers_read_every_page(fake: FakeGoogle, build: Build) -> None:
    fake.state.page_size_most = 2
    cal = build()
    views = [invite(f"cc-plan1-c{n}", start=datetime(2027, 1, 4 + n, 9, tzinfo=UTC)) for n in range(5)]
    cal.deliver_invites(views)
    assert len(fake.requests("GET")) == 1  # one listing of the batch's window: empty
    fake.state.log.clear()
    report = cal.answers([v.uid for v in views])
    assert set(report.answers) == {v.uid for v in views}
    assert len(fake.requests("GET")) == 3  # 5 events, 2 a page


def test_answers_know_the_organizer_from_the_state_directory(
    fake: FakeGoogle, build: Build, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    view = invite()
    build(state_directory=str(tmp_path)).deliver_invites([view])
    fake.answer(MARA, fake.id_of(MARA, view.uid), REPORT.email, "accepted")
    fresh = build(state_directory=str(tmp_path))  # another process
    assert fresh.answers([view.uid]).answers == {view.uid: {REPORT.email: AttendeeAnswer.ACCEPTED}}
    blind = build()
    report = blind.answers([view.uid])
    assert report.answers == {} and "state_directory" in report.reason


def test_oauth_user_credentials_are_refreshed_through_the_token_endpoint(
    fake: FakeGoogle, build: Build
) -> None:
    user = fake.add_oauth_user(
        MARA,
        {
            "https://www.googleapis.com/auth/calendar.events.owned",
            "https://www.googleapis.com/auth/calendar.events.freebusy",
        },
    )
    cal = build(credentials=user)
    [outcome] = cal.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.DELIVERED
    token_asks = [e for e in fake.state.log if e.path == "/token"]
    assert len(token_asks) == 1 and "grant_type=refresh_token" in token_asks[0].body


def _moment(value: dict[str, str]) -> datetime:
    return datetime.fromisoformat(value["dateTime"])


def test_requests_never_carry_the_key(fake: FakeGoogle, build: Build, key: dict[str, str]) -> None:
    build().deliver_invites([invite()])
    sent = b"".join(fake.state.raw)
    secret = key["private_key"].splitlines()[1].encode()
    assert secret not in sent and json.dumps(key).encode() not in sent
    assert all(f.times == 1 for f in [Fault()])


def test_a_batch_is_read_in_one_listing_and_an_event_moved_far_is_still_found(
    fake: FakeGoogle, build: Build
) -> None:
    cal = build()
    views = [invite(f"cc-plan1-c{n}", start=datetime(2027, 1, 4 + n, 9, tzinfo=UTC)) for n in range(6)]
    cal.deliver_invites(views)
    fake.state.log.clear()
    far = evolve(
        views[0],
        sequence=1,
        start=views[0].start + timedelta(days=200),
        end=views[0].end + timedelta(days=200),
    )
    batch = [far, *[invite(f"cc-plan1-d{n}", start=far.start + timedelta(days=n + 1)) for n in range(4)]]
    outcomes = cal.deliver_invites(batch)
    assert [o.status for o in outcomes] == [OutcomeStatus.DELIVERED] * 5
    assert len(fake.events_of(MARA)) == 10  # moved, not copied
    assert _moment(fake.by_uid(MARA)[far.uid]["start"]) == far.start
    assert [e.status for e in fake.requests("POST")] == [409, 200, 200, 200, 200]
    assert len(fake.requests("PATCH")) == 1


def test_googles_own_client_reads_what_careerconv_wrote_from_the_fake(
    fake: FakeGoogle, build: Build, key: dict[str, str]
) -> None:
    """google-api-python-client, built from the same discovery document, agrees with the fake."""
    from google.oauth2 import service_account
    from googleapiclient.discovery import build as build_service

    cal = build()
    view = invite()
    cal.deliver_invites([view])
    creds = service_account.Credentials.from_service_account_info(
        {**key, "token_uri": fake.token_uri}, scopes=["https://www.googleapis.com/auth/calendar.events.owned"]
    ).with_subject(MARA)
    service = build_service(
        "calendar",
        "v3",
        credentials=creds,
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": fake.api_url + "/"},
    )
    got = service.events().get(calendarId="primary", eventId=fake.id_of(MARA, view.uid)).execute()
    assert got["summary"] == view.title and got["extendedProperties"]["private"]["careerconvUid"] == view.uid
    listed = service.events().list(calendarId="primary", privateExtendedProperty="careerconv=1").execute()
    service.close()
    assert [e["id"] for e in listed["items"]] == [fake.id_of(MARA, view.uid)]


def test_an_event_a_person_made_with_the_invites_uid_is_a_conflict_never_overwritten(
    fake: FakeGoogle, build: Build
) -> None:
    """A person imported careerconv's .ics into Google: it holds the iCalUID, not careerconv's marks."""
    view = invite()
    foreign = {"iCalUID": view.uid, "summary": "imported by hand", "start": {}, "end": {}}
    fake.state.events.setdefault(MARA, {})["imported1"] = {
        "id": "imported1",
        "status": "confirmed",
        **foreign,
    }
    [outcome] = build().deliver_invites([view])
    assert outcome.status is OutcomeStatus.CONFLICT and "did not write" in outcome.reason
    assert fake.writes() == [] and fake.by_uid(MARA)[view.uid]["summary"] == "imported by hand"


def test_the_fake_refuses_a_second_event_with_one_ical_uid_and_an_id_beside_it(
    fake: FakeGoogle, build: Build
) -> None:
    cal = build()
    view = invite()
    cal.deliver_invites([view])
    path = cal.client.events_path("primary")
    body = mapping.event_body(view)
    with pytest.raises(Duplicate):
        cal.client.call("POST", path, subject=MARA, body=body)
    with pytest.raises(AdapterError):
        cal.client.call("POST", path, subject=MARA, body={**body, "iCalUID": "x@y", "id": "abcde12345"})
    assert [e.status for e in fake.requests("POST")] == [200, 409, 400]
    assert len(fake.events_of(MARA)) == 1
