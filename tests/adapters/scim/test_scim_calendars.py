"""Working hours and holiday regions from a real scim2-server: careerconv's extension and addresses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import time

import pytest
import requests

from careerconv_core.domain.org import OrgInvalid
from careerconv_core.domain.people import WorkingHours
from careerconv_core.errors import ConfigurationError
from careerconv_core.hookspecs import AdapterKind
from careerconv_core.plugins import make_plugin_manager
from careerconv_plugins.scim.adapter import ScimSource
from careerconv_plugins.scim.client import ScimClient
from careerconv_plugins.scim.mapping import CAREERCONV_USER
from servers import scim_fixtures
from servers.scim import CAREERCONV_USER as REGISTERED
from servers.scim import ScimAdmin, user_resource

pytestmark = pytest.mark.servers

scim_server = scim_fixtures.scim_server
scim_tenant = scim_fixtures.scim_tenant

LUNCH = ((time(9), time(12)), (time(13), time(17)))


@pytest.fixture
def source_for(scim_tenant: ScimAdmin) -> Iterator[Callable[..., ScimSource]]:
    opened: list[ScimSource] = []

    def make(*, holidays_from_address: bool = True) -> ScimSource:
        client = ScimClient(scim_tenant.url, scim_tenant.token, token_env="TEST_SCIM_TOKEN", timeout=5)
        opened.append(ScimSource(client, holidays_from_address=holidays_from_address))
        return opened[-1]

    yield make
    for source in opened:
        source.client.close()


def address(country: str, region: str = "", kind: str = "work", primary: bool | None = None) -> dict:
    entry: dict[str, object] = {"type": kind, "country": country, "locality": "Somewhere"}
    if region:
        entry["region"] = region
    if primary is not None:
        entry["primary"] = primary
    return entry


def test_the_server_keeps_the_registered_extension_as_sent(scim_tenant: ScimAdmin) -> None:
    assert REGISTERED == CAREERCONV_USER
    uid = scim_tenant.create("ann", working_hours="09:00-12:00,13:00-17:00", holidays="DE-BY")
    stored = scim_tenant.session.get(f"{scim_tenant.url}/Users/{uid}").json()
    assert stored[CAREERCONV_USER] == {"workingHours": "09:00-12:00,13:00-17:00", "holidays": "DE-BY"}
    assert CAREERCONV_USER in stored["schemas"]


def test_an_unregistered_extension_is_refused_by_the_server(scim_tenant: ScimAdmin) -> None:
    # What an identity provider without the schema answers: the attribute cannot be stored.
    user = user_resource("bo")
    other = "urn:ietf:params:scim:schemas:extension:unknown:2.0:User"
    user["schemas"].append(other)
    user[other] = {"workingHours": "09:00-17:00"}
    response = scim_tenant.session.post(f"{scim_tenant.url}/Users", json=user)
    assert response.status_code == 400
    assert "Extra inputs are not permitted" in response.json()["detail"]


def test_hours_and_holidays_from_the_extension_and_the_address(
    scim_tenant: ScimAdmin, source_for: Callable[..., ScimSource]
) -> None:
    ids = {
        "ext": scim_tenant.create("ann", working_hours="09:00-12:00,13:00-17:00", holidays="DE-BY"),
        # The primary address wins over the work one; its region is a name the package knows.
        "primary": scim_tenant.create(
            "bo", addresses=[address("US", "CA"), address("DE", "Bayern", kind="home", primary=True)]
        ),
        # No primary: the work address, with a region code.
        "work": scim_tenant.create("cy", addresses=[address("US", "CA", kind="home"), address("de", "be")]),
        # Neither: the first; a country alone is its national holidays.
        "first": scim_tenant.create("di", addresses=[address("GB", kind="other")]),
        # The extension's holidays win over the address.
        "both": scim_tenant.create(
            "ed",
            working_hours="Mon-Thu 08:00-16:00; Fri 08:00-12:00,12:00-13:00",
            holidays="US-NY",
            addresses=[address("DE", "BY")],
        ),
        "none": scim_tenant.create("fay"),
    }
    by_id = {p.id: p.working_hours for p in source_for().read_people().people}
    assert by_id[ids["ext"]] == WorkingHours.of_week((LUNCH,) * 5 + ((), ()), "DE-BY")
    assert by_id[ids["primary"]] == WorkingHours(holidays="DE-BY")
    assert by_id[ids["work"]] == WorkingHours(holidays="DE-BE")
    assert by_id[ids["first"]] == WorkingHours(holidays="GB")
    both = by_id[ids["both"]]
    assert both.holidays == "US-NY"
    assert both.on(4) == ((480, 780),)  # 08:00-12:00 and 12:00-13:00 are one interval
    assert both.on(0) == ((480, 960),) and both.on(5) == ()
    assert by_id[ids["none"]] == WorkingHours()
    # With addresses switched off, only the extension's holidays count.
    off = {p.id: p.working_hours for p in source_for(holidays_from_address=False).read_people().people}
    assert off[ids["primary"]] == off[ids["none"]] == WorkingHours()
    assert off[ids["both"]].holidays == "US-NY"


def test_a_region_the_package_cannot_name_is_a_problem_with_the_fix(
    scim_tenant: ScimAdmin, source_for: Callable[..., ScimSource]
) -> None:
    good = scim_tenant.create("ann", addresses=[address("DE", "BY")])
    bavaria = scim_tenant.create("bo", manager=good, addresses=[address("DE", "Bavaria")])
    atlantis = scim_tenant.create("cy", manager=good, addresses=[address("Atlantis", kind="home")])
    night = scim_tenant.create("di", manager=good, working_hours="22:00-06:00")
    with pytest.raises(OrgInvalid) as caught:
        source_for().read_people()
    problems = {p.where: p for p in caught.value.problems}
    assert set(problems) == {f"SCIM user {i}" for i in (bavaria, atlantis, night)}
    region = problems[f"SCIM user {bavaria}"]
    assert region.field == 'addresses[type eq "work"].region'
    assert region.problem == "unknown subdivision 'Bavaria' of DE"
    assert "DE-BY" in region.expected and "holidays_from_address = false" in region.expected
    assert f"{CAREERCONV_USER}:holidays" in region.expected
    country = problems[f"SCIM user {atlantis}"]
    assert (country.field, country.problem) == (
        'addresses[type eq "home"].country',
        "unknown country 'Atlantis'",
    )
    hours = problems[f"SCIM user {night}"]
    assert hours.field == f"{CAREERCONV_USER}:workingHours"
    assert hours.problem == "22:00-06:00 crosses midnight" and "22:00-23:59" in hours.expected
    # The fix offered works: without addresses only the night shift is left.
    with pytest.raises(OrgInvalid) as again:
        source_for(holidays_from_address=False).read_people()
    assert [p.where for p in again.value.problems] == [f"SCIM user {night}"]


def test_a_changed_extension_reaches_the_poll(
    scim_tenant: ScimAdmin, source_for: Callable[..., ScimSource]
) -> None:
    uid = scim_tenant.create("ann", working_hours="09:00-17:00")
    source = source_for()
    first = source.read_people()
    assert first.cursor is not None
    scim_tenant.patch(uid, f"{CAREERCONV_USER}:workingHours", "09:00-12:00,13:00-17:00")
    scim_tenant.patch(uid, "addresses", [address("DE", "Sachsen")])
    poll = source.read_people(first.cursor)
    assert poll.people[0].working_hours == WorkingHours.of_week((LUNCH,) * 5 + ((), ()), "DE-SN")


def test_the_plugin_setting_switches_addresses_off(
    scim_tenant: ScimAdmin, monkeypatch: pytest.MonkeyPatch
) -> None:
    scim_tenant.create("ann", addresses=[address("DE", "Bavaria")])
    monkeypatch.setenv("ACME_SCIM_TOKEN", scim_tenant.token)
    host = make_plugin_manager()
    settings = {"url": scim_tenant.url, "token_env": "ACME_SCIM_TOKEN", "holidays_from_address": "false"}
    source = host.create(AdapterKind.HRIS_SOURCE, "scim", settings)
    try:
        assert source.read_people().people[0].working_hours == WorkingHours()
    finally:
        source.client.close()  # type: ignore[attr-defined]
    with pytest.raises(ConfigurationError, match="'holidays_from_address' must be true or false"):
        host.create(AdapterKind.HRIS_SOURCE, "scim", {**settings, "holidays_from_address": "maybe"})


def test_requests_reach_the_server(scim_tenant: ScimAdmin) -> None:
    # The tenant is served by the real process started for the session, not a stand-in.
    assert (
        requests.get(
            f"{scim_tenant.url}/Schemas/{CAREERCONV_USER}",
            timeout=5,
            headers={"Authorization": f"Bearer {scim_tenant.token}"},
        ).json()["name"]
        == "CareerconvUser"
    )
