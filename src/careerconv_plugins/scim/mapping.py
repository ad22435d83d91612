"""Pure mapping between SCIM 2.0 User resources and careerconv people.

Identity: ``Person.id`` is the SCIM ``id``. RFC 7643 section 3.1 makes it
server-assigned, unique, stable and never reassigned, and the enterprise
extension's ``manager.value`` (section 4.3) refers to exactly this ``id``,
so reporting lines map without a second lookup. ``externalId`` is optional
and owned by whichever client provisioned the user; ``userName`` changes when
people rename or change email. The cost: moving to another identity
provider gives everyone new ids (re-import through the org file first).

Other attributes: the name is ``displayName``, else ``name.formatted``,
else given and family name, else ``userName``; the email is the primary one,
else the ``work`` one, else the first; the time zone is the core attribute
``timezone`` (IANA), ``UTC`` when absent. A user with ``active: false`` is
removed.

Working hours and holidays: SCIM has no attribute for either, so they come
from careerconv's own extension schema, ``CAREERCONV_USER``: ``workingHours``
(the text every source reads, ``"09:00-12:00,13:00-17:00"``; default
``09:00-17:00`` Monday to Friday) and ``holidays`` (an ISO 3166 region such as
``"DE-BY"``). Without ``holidays`` the region comes from the user's address
(``addresses``, RFC 7643 section 4.1.2: the ``primary`` one, else ``work``,
else the first): its ``country`` (ISO 3166-1 alpha-2) and ``region`` (a
subdivision code such as ``BY``, or a name the ``holidays`` package gives
one, such as ``Bayern``), unless the source reads no addresses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from attrs import frozen

from careerconv_core.domain.org import OrgProblem
from careerconv_core.domain.people import Person, WorkingHours
from careerconv_core.errors import InvalidInput
from careerconv_plugins.hris_hours import holiday_region, working_hours
from careerconv_plugins.hris_mapping import (
    build_person,
    cursor_instant,
    manager_id,
    org_problem,
    parse_instant,
    record_error,
    required,
    text,
)

ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
CAREERCONV_USER = "urn:ietf:params:scim:schemas:extension:careerconv:2.0:User"
"""careerconv's extension of the User: ``workingHours`` and ``holidays``, both strings."""
_WORKING_HOURS = f"{CAREERCONV_USER}:workingHours"
_HOLIDAYS = f"{CAREERCONV_USER}:holidays"
_OTHERWISE = f"or give {_HOLIDAYS} (such as 'DE-BY'), or set holidays_from_address = false"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


@frozen
class MappedUser:
    """One SCIM user read: a person, or a removal, and when it last changed."""

    user_id: str
    person: Person | None  # None: inactive, reported as removed
    last_modified: datetime | None


def format_cursor(moment: datetime) -> str:
    """A cursor: the UTC instant in RFC 3339 with microseconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def checked_cursor(cursor: str) -> datetime:
    """The instant a stored cursor names, or ``InvalidInput``: only RFC 3339 passes."""
    expected = "an RFC 3339 timestamp such as 2026-01-31T09:00:00Z"
    return cursor_instant(cursor, expected=expected, problem="not a SCIM cursor")


def changed_since_filter(cursor: str) -> str:
    """The filter for users changed after ``cursor`` (validated, then re-formatted)."""
    return f'meta.lastModified gt "{format_cursor(checked_cursor(cursor))}"'


def quote(value: str) -> str:
    """A SCIM filter string literal (JSON string rules, RFC 7644 section 3.4.2.2)."""
    return json.dumps(value)


def ids_filter(ids: Sequence[str]) -> str:
    """A filter matching any of ``ids``."""
    return " or ".join(f"id eq {quote(i)}" for i in ids)


def where(user_id: str) -> str:
    """How problems name a SCIM user: by id only (userName is often an email)."""
    return f"SCIM user {user_id}"


def _name(user: Mapping[str, Any]) -> str:
    raw = user.get("name")
    name: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
    joined = " ".join(p for p in (text(name.get("givenName")), text(name.get("familyName"))) if p)
    return (
        text(user.get("displayName")) or text(name.get("formatted")) or joined or text(user.get("userName"))
    )


def _email(user: Mapping[str, Any]) -> str:
    emails = [e for e in user.get("emails") or () if isinstance(e, dict) and text(e.get("value"))]
    for choose in (lambda e: e.get("primary") is True, lambda e: e.get("type") == "work"):
        for entry in emails:
            if choose(entry):
                return text(entry["value"])
    return text(emails[0]["value"]) if emails else ""


def manager_of(user: Mapping[str, Any]) -> str | None:
    """The SCIM id in ``urn:...:enterprise:2.0:User:manager.value``, if any."""
    extension = user.get(ENTERPRISE_USER)
    if not isinstance(extension, dict):
        return None
    manager = extension.get("manager")
    if not isinstance(manager, dict):
        return None
    return manager_id(manager.get("value"))


def _extension_text(user: Mapping[str, Any], name: str) -> str:
    """The careerconv extension's attribute ``name`` as stripped text ("" when absent)."""
    extension = user.get(CAREERCONV_USER)
    if extension is None:
        return ""
    if not isinstance(extension, dict):
        raise InvalidInput(CAREERCONV_USER, "an object with workingHours and holidays", "not an object")
    value = extension.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"{CAREERCONV_USER}:{name}", "a string", f"got a {type(value).__name__}")
    return value.strip()


def _address(user: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]] | None:
    """The address holidays are read from, and its attribute path: primary, else work, else first."""
    addresses = [a for a in user.get("addresses") or () if isinstance(a, dict)]
    if not addresses:
        return None
    primary = next((a for a in addresses if a.get("primary") is True), None)
    entry = primary or next((a for a in addresses if a.get("type") == "work"), addresses[0])
    kind = text(entry.get("type"))
    path = f"addresses[type eq {quote(kind)}]" if kind else "addresses"
    return path, entry


def hours_of(user: Mapping[str, Any], *, holidays_from_address: bool = True) -> WorkingHours:
    """The user's working hours and holiday region; ``InvalidInput`` naming the attribute and fix."""
    region = _extension_text(user, "holidays")
    if not region and holidays_from_address:
        found = _address(user)
        if found is not None:
            path, address = found
            region = (
                holiday_region(
                    text(address.get("country")),
                    text(address.get("region")),
                    country_field=f"{path}.country",
                    subdivision_field=f"{path}.region",
                    otherwise=_OTHERWISE,
                )
                or ""
            )
    return working_hours(
        _extension_text(user, "workingHours"),
        "",
        region,
        hours_field=_WORKING_HOURS,
        days_field=_WORKING_HOURS,
        holidays_field=_HOLIDAYS,
    )


def map_user(user: Mapping[str, Any], *, holidays_from_address: bool = True) -> MappedUser:
    """Map one SCIM User resource; raises ``InvalidInput`` naming the user.

    :param holidays_from_address: read the holiday region from the user's
        address when the careerconv extension gives none.
    """
    user_id = text(user.get("id"))
    if not user_id:
        raise InvalidInput("SCIM user (no id)", "a User resource with an id", "missing id")
    raw_meta = user.get("meta")
    meta: Mapping[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    modified: datetime | None = None
    if isinstance(meta.get("lastModified"), str):
        try:
            modified = parse_instant(meta["lastModified"])
        except ValueError:
            modified = None  # an odd server clock format only costs a full read later
    if user.get("active") is False:
        return MappedUser(user_id, None, modified)
    label = where(user_id)
    try:
        hours = hours_of(user, holidays_from_address=holidays_from_address)
    except InvalidInput as exc:
        raise record_error(label, exc) from None
    person = build_person(
        label,
        person_id=user_id,
        name=required(label, "name", _name(user), "displayName, name or userName"),
        email=required(label, "email", _email(user), "an entry in emails"),
        time_zone=text(user.get("timezone")) or "UTC",
        manager=manager_of(user),
        working_hours=hours,
    )
    return MappedUser(user_id, person, modified)


def map_users(
    users: Sequence[Mapping[str, Any]], *, holidays_from_address: bool = True
) -> tuple[list[MappedUser], list[OrgProblem]]:
    """Map every user; collect each user's problem instead of stopping at the first."""
    mapped: list[MappedUser] = []
    problems: list[OrgProblem] = []
    for user in users:
        try:
            mapped.append(map_user(user, holidays_from_address=holidays_from_address))
        except InvalidInput as exc:
            problems.append(org_problem(exc))
    return mapped, problems


def latest(mapped: Sequence[MappedUser], cursor: str | None) -> str | None:
    """The next cursor: the newest ``lastModified`` seen, never older than ``cursor``."""
    moments = [m.last_modified for m in mapped if m.last_modified is not None]
    if cursor is not None:
        moments.append(checked_cursor(cursor))
    return format_cursor(max(moments)) if moments else None
