"""What every HRIS source shares: instants, required values, people, problems named by record."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from careerconv_core.domain.org import OrgInvalid
from careerconv_core.errors import InvalidInput
from careerconv_plugins.hris_mapping import (
    build_person,
    checked_org,
    manager_id,
    org_problem,
    parse_instant,
    required,
    text,
)

NINE = datetime(2026, 3, 1, 9, 0, 0, 123456, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-01T10:00:00.123456789+01:00",  # SCIM: nanoseconds
        "2026-03-01T10:00:00.123456+0100",  # BambooHR: an offset without its colon
        "2026-03-01t09:00:00.123456z",
    ],
)
def test_instants_in_every_form_a_source_sends(value: str) -> None:
    assert parse_instant(value) == NINE


@pytest.mark.parametrize(
    "value", ["2026-03-01T10:00:00", "2026-03-01 10:00:00Z", "x", "2026-03-01T10:00:00Z\n"]
)
def test_anything_else_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="RFC 3339"):
        parse_instant(value)


def test_values_and_manager_references() -> None:
    assert (text("  a "), text(7), text(None)) == ("a", "", "")
    assert (manager_id(" m1 "), manager_id(""), manager_id(None)) == ("m1", None, None)
    assert required("row 3", "email", "a@example.com", "an address") == "a@example.com"
    with pytest.raises(InvalidInput) as missing:
        required("row 3", "email", "", "an address")
    assert (missing.value.field, missing.value.expected) == ("row 3: email", "an address")


def test_the_cores_refusal_is_named_by_the_record() -> None:
    with pytest.raises(InvalidInput) as caught:
        build_person(
            "SCIM user u1",
            person_id="u1",
            name="Ana",
            email="ana@example.com",
            time_zone="Mars/Olympus",
            manager=None,
        )
    problem = org_problem(caught.value)
    assert (problem.where, problem.field) == ("SCIM user u1", "time_zone")
    unplaced = org_problem(InvalidInput("cursor", "an instant", "bad"), "BambooHR employee 7")
    assert (unplaced.where, unplaced.field) == ("BambooHR employee 7", "cursor")


def test_the_org_is_checked_with_the_records_own_problems() -> None:
    boss = build_person(
        "u1", person_id="u1", name="Ana", email="ana@example.com", time_zone="UTC", manager="gone"
    )
    assert boss.time_zone == "UTC" and boss.manager_id == "gone"
    with pytest.raises(OrgInvalid) as caught:
        checked_org([boss], [], label=lambda pid: f"user {pid}", source="test")
    assert [p.where for p in caught.value.problems] == ["user u1"]
    checked_org([boss], [], label=str, source="test", known_ids={"gone"})
