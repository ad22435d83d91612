"""Working hours and holiday regions from BambooHR: a custom field, locations, country and state."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import time

import pytest

from careerconv_core.domain.org import OrgInvalid
from careerconv_core.domain.people import WorkingHours
from careerconv_core.errors import ConfigurationError
from careerconv_core.hookspecs import AdapterKind
from careerconv_core.plugins import make_plugin_manager
from careerconv_plugins.bamboohr.client import BambooHrClient
from careerconv_plugins.bamboohr.hris_source_adapter import BambooHrSource
from careerconv_plugins.bamboohr.mapping import CalendarFields, parse_locations
from fakes.fake_bamboohr import API_KEY, COMPANY, Employee, FakeBambooHr, serve

LUNCH = ((time(9), time(12)), (time(13), time(17)))
HOURS = "customWorkingHours"
Source = Callable[[CalendarFields], BambooHrSource]


@pytest.fixture
def fake() -> FakeBambooHr:
    state = FakeBambooHr()
    state.add(Employee("101", "Helena", "Brandt", "helena@example.com", country="Germany", state="Bayern"))
    state.add(
        Employee(
            "102",
            "Maya",
            "Okafor",
            "maya@example.com",
            "101",
            location="Munich",
            country="United States",
            state="California",
            custom={HOURS: "09:00-12:00,13:00-17:00"},
        )
    )
    state.add(
        Employee("103", "Daniel", "Reyes", "daniel@example.com", "101", country="United States", state="NY")
    )
    state.add(
        Employee(
            "104",
            "Jonas",
            "Weber",
            "jonas@example.com",
            "102",
            location="london office",
            custom={HOURS: "Mon-Thu 08:00-12:00,12:00-16:00; Fri 08:00-12:00"},
        )
    )
    state.add(Employee("105", "Priya", "Natarajan", "priya@example.com", "102"))
    return state


@pytest.fixture
def base_url(fake: FakeBambooHr) -> Iterator[str]:
    with serve(fake) as url:
        yield url


@pytest.fixture
def source_for(base_url: str) -> Iterator[Callable[[CalendarFields], BambooHrSource]]:
    opened: list[BambooHrClient] = []

    def make(calendar: CalendarFields) -> BambooHrSource:
        client = BambooHrClient(base_url, COMPANY, API_KEY, key_env="TEST_BAMBOO_KEY", timeout=5)
        opened.append(client)
        return BambooHrSource(client, calendar=calendar)

    yield make
    for client in opened:
        client.close()


LOCATIONS = parse_locations("Munich=DE-BY; London Office=gb-eng")


def test_hours_from_the_custom_field_and_holidays_from_location_or_address(source_for: Source) -> None:
    source = source_for(CalendarFields(HOURS, LOCATIONS))
    by_id = {p.id: p.working_hours for p in source.read_people().people}
    # Address names, as BambooHR gives them: "Germany" and "Bayern".
    assert by_id["101"] == WorkingHours(holidays="DE-BY")
    # A mapped location wins over the address (Maya's home is in California).
    assert by_id["102"] == WorkingHours.of_week((LUNCH,) * 5 + ((), ()), "DE-BY")
    assert by_id["103"] == WorkingHours(holidays="US-NY")
    # Location names match without regard to case; touching intervals are one.
    jonas = by_id["104"]
    assert jonas.holidays == "GB-ENG"
    assert jonas.on(0) == ((480, 960),) and jonas.on(4) == ((480, 720),) and jonas.on(5) == ()
    # Nothing given: the defaults.
    assert by_id["105"] == WorkingHours()
    asked = source.client.requests_sent
    assert asked == 2  # still the directory and one report


def test_addresses_switched_off_and_no_hours_field(source_for: Source) -> None:
    by_id = {
        p.id: p.working_hours for p in source_for(CalendarFields("", LOCATIONS, False)).read_people().people
    }
    assert by_id["101"] == by_id["103"] == by_id["105"] == WorkingHours()
    assert by_id["102"] == WorkingHours(holidays="DE-BY")  # the location still counts


def test_bad_values_are_problems_naming_the_employee_field_and_fix(
    fake: FakeBambooHr, source_for: Source
) -> None:
    fake.set_field("103", "state", "Bavaria")
    fake.set_field("103", "country", "Germany")
    fake.set_field("105", "country", "Atlantis")
    fake.set_field("104", HOURS, "22:00-06:00")
    fake.set_field("102", HOURS, "Mon-Fri")
    with pytest.raises(OrgInvalid) as caught:
        source_for(CalendarFields(HOURS, LOCATIONS)).read_people()
    rows = {p.where: (p.field, p.problem, p.expected) for p in caught.value.problems}
    assert set(rows) == {f"BambooHR employee {i}" for i in ("102", "103", "104", "105")}
    field, problem, expected = rows["BambooHR employee 103"]
    assert (field, problem) == ("state", "unknown subdivision 'Bavaria' of DE")
    assert "DE-BY" in expected and "'locations'" in expected and "holidays_from_address = false" in expected
    assert rows["BambooHR employee 105"][:2] == ("country", "unknown country 'Atlantis'")
    assert rows["BambooHR employee 104"][:2] == (HOURS, "22:00-06:00 crosses midnight")
    assert rows["BambooHR employee 102"][:2] == (
        HOURS,
        "no hours after 'Mon-Fri'; use " + ("'Mon-Thu 09:00-12:00,13:00-17:00; Fri 09:00-13:00'"),
    )


def test_a_field_bamboohr_does_not_know_gives_defaults_and_a_warning(
    source_for: Source, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="careerconv_plugins.bamboohr"):
        people = source_for(CalendarFields("customWorkingHourz", LOCATIONS)).read_people().people
    assert {p.working_hours.week for p in people} == {()}  # no split hours: nobody's field was read
    assert "'customWorkingHourz' (setting 'working_hours_field') is empty for everyone" in caplog.text


def test_a_changed_field_reaches_the_poll(fake: FakeBambooHr, source_for: Source) -> None:
    source = source_for(CalendarFields(HOURS, LOCATIONS))
    first = source.read_people()
    assert first.cursor is not None
    fake.set_field("105", HOURS, "07:00-15:00")
    fake.set_field("105", "location", "Munich")
    poll = source.read_people(first.cursor)
    assert [p.id for p in poll.people] == ["105"]
    assert poll.people[0].working_hours == WorkingHours(time(7), time(15), holidays="DE-BY")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"locations": "Munich"}, "'Munich' is not location=region"),
        ({"locations": "Munich=DE-XX"}, "location 'Munich': unknown subdivision 'XX' of DE"),
        ({"working_hours_field": "custom Hours; drop"}, "'working_hours_field' must be a field's API name"),
        ({"holidays_from_address": "perhaps"}, "'holidays_from_address' must be true or false"),
    ],
)
def test_bad_settings_are_named(
    settings: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAREERCONV_BAMBOOHR_API_KEY", API_KEY)
    with pytest.raises(ConfigurationError, match=message):
        make_plugin_manager().create(AdapterKind.HRIS_SOURCE, "bamboohr", {"company": COMPANY, **settings})


def test_the_plugin_reads_the_settings(base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREERCONV_BAMBOOHR_API_KEY", API_KEY)
    settings = {
        "company": COMPANY,
        "base_url": base_url,
        "working_hours_field": HOURS,
        "locations": "Munich=DE-BY; London Office=GB-ENG",
        "holidays_from_address": "false",
    }
    source = make_plugin_manager().create(AdapterKind.HRIS_SOURCE, "bamboohr", settings)
    try:
        by_id = {p.id: p.working_hours for p in source.read_people().people}
    finally:
        source.client.close()  # type: ignore[attr-defined]
    assert by_id["102"] == WorkingHours.of_week((LUNCH,) * 5 + ((), ()), "DE-BY")
    assert by_id["101"] == WorkingHours()
