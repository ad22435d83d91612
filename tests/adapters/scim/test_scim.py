"""SCIM mapping (pure): users to people, cursors and filters that cannot be injected."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from careerconv_core.domain.people import Person, WorkingHours
from careerconv_core.errors import ConfigurationError, InvalidInput
from careerconv_plugins.hris_mapping import parse_instant
from careerconv_plugins.scim.mapping import (
    CAREERCONV_USER,
    ENTERPRISE_USER,
    changed_since_filter,
    ids_filter,
    latest,
    map_user,
    map_users,
)
from careerconv_plugins.scim.plugin import make_source

# An Okta-style user with both schemas, as in RFC 7643 section 8.3.
GOLDEN_USER: dict[str, Any] = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE_USER],
    "id": "2819c223-7f76-453a-919d-413861904646",
    "externalId": "701984",
    "userName": "bjensen@example.com",
    "name": {"formatted": "Ms. Barbara J Jensen, III", "givenName": "Barbara"},
    "displayName": "Babs Jensen",
    "emails": [
        {"value": "babs@jensen.org", "type": "home"},
        {"value": "bjensen@example.com", "type": "work", "primary": True},
    ],
    "timezone": "America/Los_Angeles",
    "active": True,
    ENTERPRISE_USER: {"manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}},
    "meta": {"resourceType": "User", "lastModified": "2011-05-13T04:42:34Z"},
}


def test_golden_user_maps_to_a_person() -> None:
    mapped = map_user(GOLDEN_USER)
    assert mapped.person == Person(
        id="2819c223-7f76-453a-919d-413861904646",
        name="Babs Jensen",
        email="bjensen@example.com",
        time_zone="America/Los_Angeles",
        manager_id="26118915-6090-4610-87e4-49d8ca9f808d",
    )
    assert mapped.last_modified == datetime(2011, 5, 13, 4, 42, 34, tzinfo=UTC)


def test_fallbacks_name_email_time_zone() -> None:
    user = {
        "id": "u1",
        "userName": "sam",
        "name": {"givenName": "Sam", "familyName": "Lee"},
        "emails": [
            {"value": "home@example.org", "type": "home"},
            {"value": "sam@example.com", "type": "work"},
        ],
    }
    person = map_user(user).person
    assert person is not None
    assert (person.name, person.email, person.time_zone, person.manager_id) == (
        "Sam Lee",
        "sam@example.com",
        "UTC",
        None,
    )


def test_inactive_user_is_removed() -> None:
    mapped = map_user({**GOLDEN_USER, "active": False})
    assert mapped.person is None
    assert mapped.user_id == GOLDEN_USER["id"]


def test_problems_name_the_user_by_id_only() -> None:
    users = [
        {**GOLDEN_USER, "id": "u1", "timezone": "Mars/Base"},
        {"id": "u2", "userName": "x@example.com"},
    ]
    _, problems = map_users(users)
    assert [(p.where, p.field) for p in problems] == [
        ("SCIM user u1", "time_zone"),
        ("SCIM user u2", "email"),
    ]


# The addresses of RFC 7643 section 8.2's full User, as printed there: its "country" is
# "USA" although section 4.1.2 asks for alpha-2; the package knows both spellings.
RFC_ADDRESSES = [
    {
        "type": "work",
        "streetAddress": "100 Universal City Plaza",
        "locality": "Hollywood",
        "region": "CA",
        "postalCode": "91608",
        "country": "USA",
        "formatted": "100 Universal City Plaza\nHollywood, CA 91608 USA",
        "primary": True,
    },
    {"type": "home", "locality": "Hollywood", "region": "CA", "country": "USA"},
]


def test_the_rfc_example_address_gives_its_state_holidays() -> None:
    person = map_user({**GOLDEN_USER, "addresses": RFC_ADDRESSES}).person
    assert person is not None
    assert person.working_hours == WorkingHours(holidays="US-CA")
    assert map_user({**GOLDEN_USER, "addresses": RFC_ADDRESSES}, holidays_from_address=False).person == (
        map_user(GOLDEN_USER).person
    )


@pytest.mark.parametrize(
    ("extension", "field", "problem"),
    [
        ("09:00-17:00", CAREERCONV_USER, "not an object"),
        ({"workingHours": 9}, f"{CAREERCONV_USER}:workingHours", "got a int"),
        ({"workingHours": "Mon-Fri"}, f"{CAREERCONV_USER}:workingHours", "no hours after 'Mon-Fri'"),
        ({"holidays": "DE-XX"}, f"{CAREERCONV_USER}:holidays", "unknown subdivision 'XX' of DE"),
    ],
)
def test_a_bad_extension_names_the_user_and_attribute(extension: object, field: str, problem: str) -> None:
    _, problems = map_users([{**GOLDEN_USER, "id": "u1", CAREERCONV_USER: extension}])
    assert [(p.where, p.field) for p in problems] == [("SCIM user u1", field)]
    assert problems[0].problem.startswith(problem)


@pytest.mark.parametrize(
    "cursor",
    [
        '2026-01-01T00:00:00Z" or userName pr or meta.lastModified gt "2000-01-01T00:00:00Z',
        "yesterday",
        "2026-01-01 00:00:00",
        "2026-01-01T00:00:00Z\n",
    ],
)
def test_a_cursor_that_is_not_rfc3339_never_reaches_a_filter(cursor: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        changed_since_filter(cursor)
    assert caught.value.field == "cursor"


def test_cursor_is_normalised_to_utc() -> None:
    assert (
        changed_since_filter("2026-03-01T10:00:00.123456789+01:00")
        == 'meta.lastModified gt "2026-03-01T09:00:00.123456Z"'
    )
    assert parse_instant("2026-03-01T10:00:00z") == datetime(2026, 3, 1, 10, tzinfo=UTC)


def test_ids_in_a_filter_are_quoted() -> None:
    assert ids_filter(['a"b', "c"]) == 'id eq "a\\"b" or id eq "c"'


def test_latest_never_goes_back() -> None:
    older = map_user({**GOLDEN_USER, "meta": {"lastModified": "2020-01-01T00:00:00Z"}})
    assert latest([older], "2021-01-01T00:00:00Z") == "2021-01-01T00:00:00.000000Z"
    assert latest([], None) is None


def test_settings_are_checked_and_the_token_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CAREERCONV_SCIM_TOKEN", raising=False)
    with pytest.raises(ConfigurationError, match="CAREERCONV_SCIM_TOKEN"):
        make_source({"url": "https://idp.example.com/scim/v2"})
    monkeypatch.setenv("MY_SCIM", "s3cr3t-value")
    with pytest.raises(ConfigurationError, match="https") as caught:
        make_source({"url": "http://idp.example.com/scim/v2", "token_env": "MY_SCIM"})
    assert "s3cr3t" not in str(caught.value)
    with pytest.raises(ConfigurationError, match="page_size"):
        make_source({"url": "https://idp.example.com/v2", "token_env": "MY_SCIM", "page_size": "x"})
    with pytest.raises(ConfigurationError, match="must not hold a user or password"):
        make_source({"url": "https://u:p@idp.example.com/v2", "token_env": "MY_SCIM"})
    source = make_source({"url": "https://idp.example.com/v2", "token_env": "MY_SCIM"})
    assert "s3cr3t" not in repr(source.client)
