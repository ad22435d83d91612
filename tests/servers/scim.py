"""scim2-server (SCIM 2.0) in its own process on 127.0.0.1, with a bearer token.

The server runs with ``--dynamic-tenants``: each test takes a fresh tenant
(``/<tenant>/v2``) with its own empty store, so one process serves a whole
session without tests seeing each other's users. ``ScimAdmin`` provisions
users the way an identity provider would (POST, PATCH, Bulk, DELETE).

scim2-server refuses a User carrying an extension it does not serve (400,
``scimType`` ``invalidSyntax``, "Extra inputs are not permitted: urn:...").
An identity provider that sends careerconv's working hours has the extension
registered, as an administrator would: here through the server's
``--schema`` (its schemas, which replace the RFC 7643 defaults, so those are
written out too) and ``--resource-type`` (User with the extension beside the
enterprise one).
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import requests
from attrs import define, field

from servers import free_port, stop_process, wait_for_port

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
CAREERCONV_USER = "urn:ietf:params:scim:schemas:extension:careerconv:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
BULK_MAX = 1000  # the default ServiceProviderConfig's bulk.maxOperations


def _string_attribute(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "type": "string",
        "multiValued": False,
        "description": description,
        "required": False,
        "caseExact": False,
        "mutability": "readWrite",
        "returned": "default",
        "uniqueness": "none",
    }


CAREERCONV_SCHEMA: dict[str, Any] = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
    "id": CAREERCONV_USER,
    "name": "CareerconvUser",
    "description": "When a user takes meetings",
    "attributes": [
        _string_attribute("workingHours", "Local working hours, such as 09:00-12:00,13:00-17:00."),
        _string_attribute(
            "holidays", "An ISO 3166 region whose public holidays are days off, such as DE-BY."
        ),
    ],
}


def _write_schemas(folder: Path) -> list[str]:
    """The server's arguments that serve the RFC 7643 schemas and careerconv's extension."""
    from scim2_server.utils import load_default_resource_types, load_default_schemas

    schemas = [s.model_dump() for s in load_default_schemas().values()] + [CAREERCONV_SCHEMA]
    types = [t.model_dump() for t in load_default_resource_types().values()]
    for kind in types:
        if kind["id"] == "User":
            kind["schemaExtensions"].append({"schema": CAREERCONV_USER, "required": False})
    (folder / "schemas.json").write_text(json.dumps(schemas))
    (folder / "resource-types.json").write_text(json.dumps(types))
    return ["--schema", str(folder / "schemas.json"), "--resource-type", str(folder / "resource-types.json")]


@define
class ScimServer:
    """A running scim2-server: its root URL, the accepted token and its log."""

    base_url: str
    token: str
    log: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    def stop(self) -> None:
        """Stop the server process."""
        stop_process(self.process)

    def tenant(self) -> ScimAdmin:
        """A fresh, empty tenant."""
        return ScimAdmin(f"{self.base_url}/t{uuid.uuid4().hex[:12]}/v2", self.token)


def start_scim_server(
    folder: Path, token: str | None = None, config: dict[str, Any] | None = None
) -> ScimServer:
    """Start scim2-server on a free port, accepting only ``token`` (random if None).

    ``config`` replaces the announced ServiceProviderConfig (to play a server
    that cannot filter, for example).
    """
    folder.mkdir(parents=True, exist_ok=True)
    token = token or secrets.token_urlsafe(24)
    port = free_port()
    log = folder / "scim2-server.log"
    command = [
        sys.executable,
        "-c",
        "from scim2_server.testserver.cli import main; main()",
        "--hostname",
        "127.0.0.1",
        "--port",
        str(port),
        "--bearer-token",
        token,
        "--dynamic-tenants",
        *_write_schemas(folder),
    ]
    if config is not None:
        path = folder / "service-provider-config.json"
        path.write_text(json.dumps(config))
        command += ["--service-provider-config", str(path)]
    # The log goes to a file: a pipe nobody reads would fill and stall the server.
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    wait_for_port(port, process, log)
    return ScimServer(f"http://127.0.0.1:{port}", token, log, process)


def user_resource(
    user_name: str,
    *,
    display_name: str | None = None,
    email: str | None = None,
    manager: str | None = None,
    timezone: str | None = None,
    active: bool = True,
    external_id: str | None = None,
    working_hours: str | None = None,
    holidays: str | None = None,
    addresses: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A SCIM User as an identity provider would provision it."""
    user: dict[str, Any] = {
        "schemas": [CORE_USER, ENTERPRISE_USER],
        "userName": user_name,
        "displayName": display_name or user_name.title(),
        "active": active,
        "emails": [
            {"value": f"{user_name}@home.example", "type": "home"},
            {"value": email or f"{user_name}@example.com", "type": "work", "primary": True},
        ],
    }
    if timezone:
        user["timezone"] = timezone
    if external_id:
        user["externalId"] = external_id
    if manager:
        user[ENTERPRISE_USER] = {"manager": {"value": manager}}
    if addresses is not None:
        user["addresses"] = addresses
    calendar = {k: v for k, v in (("workingHours", working_hours), ("holidays", holidays)) if v is not None}
    if calendar:
        user["schemas"].append(CAREERCONV_USER)
        user[CAREERCONV_USER] = calendar
    return user


@define
class ScimAdmin:
    """Provisions users in one tenant, as the identity provider's side."""

    url: str
    token: str
    session: requests.Session = field(factory=requests.Session, repr=False)

    def __attrs_post_init__(self) -> None:
        self.session.headers["Authorization"] = f"Bearer {self.token}"
        self.session.headers["Content-Type"] = "application/scim+json"

    def create(self, user_name: str, **attributes: Any) -> str:
        """Create a user; return its SCIM id."""
        resource = user_resource(user_name, **attributes)
        response = self.session.post(f"{self.url}/Users", json=resource)
        response.raise_for_status()
        return str(response.json()["id"])

    def patch(self, user_id: str, path: str, value: Any) -> None:
        """Replace one attribute, as an IdP pushes a change."""
        operation = {"op": "replace", "path": path, "value": value}
        body = {"schemas": [PATCH_OP], "Operations": [operation]}
        response = self.session.patch(f"{self.url}/Users/{user_id}", json=body)
        response.raise_for_status()

    def set_manager(self, user_id: str, manager_id: str) -> None:
        """Point the enterprise extension's manager at ``manager_id``."""
        self.patch(user_id, f"{ENTERPRISE_USER}:manager", {"value": manager_id})

    def deactivate(self, user_id: str) -> None:
        """Set ``active`` to false (what IdPs do on leave)."""
        self.patch(user_id, "active", False)

    def delete(self, user_id: str) -> None:
        """Delete the user outright."""
        self.session.delete(f"{self.url}/Users/{user_id}").raise_for_status()

    def bulk_create(self, users: Sequence[dict[str, Any]]) -> dict[str, str]:
        """Create users through /Bulk; return bulkId -> SCIM id.

        Each user dict carries its ``bulkId``; a manager value may be
        ``bulkId:<id>`` for a user in the same request.
        """
        ids: dict[str, str] = {}
        for start in range(0, len(users), BULK_MAX):
            operations = []
            for user in users[start : start + BULK_MAX]:
                data = dict(user)
                bulk_id = data.pop("bulkId")
                operations.append({"method": "POST", "path": "/Users", "bulkId": bulk_id, "data": data})
            body = {"schemas": [BULK_REQUEST], "Operations": operations}
            response = self.session.post(f"{self.url}/Bulk", json=body)
            response.raise_for_status()
            for result in response.json()["Operations"]:
                if str(result.get("status")) != "201":
                    raise RuntimeError(f"bulk create failed: {result}")
                ids[result["bulkId"]] = result["location"].rsplit("/", 1)[1]
        return ids
