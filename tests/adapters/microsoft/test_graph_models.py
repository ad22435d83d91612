"""The check against msgraph-sdk's published models finds what a wrong fake or adapter would send."""

from __future__ import annotations

from pathlib import Path

import pytest

from fakes.fake_graph import Exchange
from fakes.graph_models import check, check_exchange, models, sdk_root


@pytest.fixture
def root() -> Path:
    found = sdk_root()
    if found is None:
        pytest.fail("msgraph-sdk is not installed; pip install -e '.[test]'")
    return found


def test_an_event_as_graph_documents_it_passes(root: Path) -> None:
    event = {
        "subject": "Career conversation 1",
        "start": {"dateTime": "2026-12-07T09:00:00", "timeZone": "UTC"},
        "attendees": [{"emailAddress": {"address": "rae@example.com"}, "type": "required",
                       "status": {"response": "tentativelyAccepted",
                                  "time": "2026-12-01T10:00:00.0000000Z"}}],
        "singleValueExtendedProperties": [{"id": "String {x} Name k", "value": "v"}],
        "changeKey": "abc", "isOrganizer": True, "@odata.etag": 'W/"abc"',
    }  # fmt: skip
    assert check(event, models(root)["event"]) == []


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        ({"subjectLine": "x"}, "not a property of Event"),
        ({"isOrganizer": "yes"}, "expected bool"),
        ({"showAs": "away"}, "not one of FreeBusyStatus"),
        ({"attendees": [{"status": {"response": "maybe"}}]}, "not one of ResponseType"),
        ({"start": {"dateTime": "2026-12-07T09:00:00", "zone": "UTC"}}, "not a property of DateTimeTimeZone"),
        ({"createdDateTime": "yesterday"}, "ISO 8601"),
        ({"attendees": {"emailAddress": {}}}, "expected collection"),
    ],
)
def test_a_wrong_event_is_named_where_it_is_wrong(root: Path, bad: dict[str, object], said: str) -> None:
    problems = check(bad, models(root)["event"])
    assert len(problems) == 1 and said in problems[0]


def test_action_bodies_and_errors_are_checked_too(root: Path) -> None:
    asked = {"schedules": ["a@b"], "interval": 5}
    answer = {"value": [{"scheduleId": "a@b", "scheduleItems": [{"status": "nap"}]}]}
    schedule = Exchange("POST", "/v1.0/users/a@b/calendar/getSchedule", {}, asked, 200, answer)
    problems = check_exchange(schedule, root)
    assert any("request.interval" in p for p in problems)
    assert any("scheduleItems[0].status" in p for p in problems)
    error = Exchange(
        "POST", "/v1.0/users/a@b/events/1/cancel", {}, {"Comment": "x"}, 403, {"error": {"codes": 1}}
    )
    assert check_exchange(error, root) == [
        "POST /v1.0/users/a@b/events/1/cancel -> 403: answer.error.codes: not a property of MainError"
    ]
