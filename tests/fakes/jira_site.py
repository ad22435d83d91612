"""The fake Jira's site resources: server info, fields, projects, users, and the field checks
Jira makes on create and edit (mixed into ``fake_jira.FakeJira``)."""

from __future__ import annotations

import re
from typing import Any

from fakes.jira_state import FakeJiraState


class SiteResources:
    """Server info, fields, project, user search, and Jira's refusals of fields."""

    state: FakeJiraState
    url: str

    def _base(self, version: str) -> str:
        return f"{self.url}/rest/api/{version}"

    def _server_info(self, v: str, *_: Any) -> tuple[int, Any, dict[str, str]]:
        cloud = self.state.deployment == "Cloud"
        return (
            200,
            {
                "baseUrl": self.url,
                "version": "1001.0.0" if cloud else "9.12.2",
                "versionNumbers": [1001, 0, 0] if cloud else [9, 12, 2],
                "deploymentType": self.state.deployment,
                "buildNumber": 100250,
                "buildDate": "2026-01-05T00:00:00.000+0000",
                "serverTime": "2026-11-25T12:00:00.000+0000",
                "scmInfo": "fake",
                "serverTitle": "Fake Jira",
            },
            {},
        )

    def _field_list(self) -> list[dict[str, Any]]:
        system = [
            "summary",
            "description",
            "duedate",
            "labels",
            "assignee",
            "status",
            "project",
            "issuetype",
            "security",
            "parent",
        ]
        out = [
            {
                "id": f,
                "key": f,
                "name": f.title(),
                "custom": False,
                "orderable": True,
                "navigable": True,
                "searchable": True,
                "clauseNames": [f],
            }
            for f in system
        ]
        out += [
            {
                "id": fid,
                "key": fid,
                "name": name,
                "custom": True,
                "orderable": True,
                "navigable": True,
                "searchable": True,
                "clauseNames": [f"cf[{fid.split('_')[1]}]", name],
            }
            for fid, name in self.state.custom_fields.items()
        ]
        return out

    def _fields(self, v: str, *_: Any) -> tuple[int, Any, dict[str, str]]:
        return 200, self._field_list(), {}

    def _project(self, v: str, query: Any, body: Any, key: str) -> tuple[int, Any, dict[str, str]]:
        p = self.state.projects.get(key)
        if p is None:
            return (
                404,
                {"errorMessages": [f"No project could be found with key '{key}'."], "errors": {}},
                {},
            )
        base = self._base(v)
        return (
            200,
            {
                "self": f"{base}/project/{p['id']}",
                "id": p["id"],
                "key": p["key"],
                "name": p["name"],
                "projectTypeKey": "software",
                "simplified": False,
                "issueTypes": [
                    dict(t, self=f"{base}/issuetype/{t['id']}", subtask=False, description="")
                    for t in p["issueTypes"]
                ],
            },
            {},
        )

    def _user(self, ref: dict[str, Any] | None, v: str) -> dict[str, Any] | None:
        if not isinstance(ref, dict):
            return None
        by = "accountId" if self.state.deployment == "Cloud" else "name"
        return next(
            (u for u in self.state.users if ref.get(by) and u[by] == ref.get(by) and u["active"]),
            None,
        )

    def _user_json(self, user: dict[str, Any], v: str) -> dict[str, Any]:
        base = self._base(v)
        if self.state.deployment == "Cloud":
            return {
                "self": f"{base}/user?accountId={user['accountId']}",
                "accountId": user["accountId"],
                "accountType": "atlassian",
                "displayName": user["displayName"],
                "emailAddress": user["emailAddress"],
                "active": user["active"],
                "timeZone": "UTC",
            }
        return {
            "self": f"{base}/user?username={user['name']}",
            "name": user["name"],
            "key": user["key"],
            "displayName": user["displayName"],
            "emailAddress": user["emailAddress"],
            "active": user["active"],
            "timeZone": "UTC",
        }

    def _check_fields(  # noqa: PLR0912 - one check per field, in Jira's order
        self, fields: Any, v: str, *, creating: bool
    ) -> dict[str, str]:
        """Errors per field name, the way Jira words them (no values echoed)."""
        errors: dict[str, str] = {}
        if not isinstance(fields, dict):
            return {"fields": "fields must be an object"}
        allowed = {
            "summary",
            "description",
            "duedate",
            "labels",
            "assignee",
            "project",
            "issuetype",
            "security",
            "parent",
            *self.state.custom_fields,
        }
        for name in fields:
            if name not in allowed:
                errors[name] = (
                    f"Field '{name}' cannot be set. It is not on the appropriate screen, or unknown."
                )
        project = None
        if creating:
            p = fields.get("project") or {}
            project = self.state.projects.get(p.get("key", "")) or next(
                (x for x in self.state.projects.values() if x["id"] == p.get("id")), None
            )
            if project is None:
                errors["project"] = "valid project is required"
            it = fields.get("issuetype") or {}
            if project is not None and not any(
                t["name"] == it.get("name") or t["id"] == it.get("id") for t in project["issueTypes"]
            ):
                errors["issuetype"] = "valid issue type is required"
            if not fields.get("summary"):
                errors["summary"] = "You must specify a summary of the issue."
        if "summary" in fields:
            summary = fields["summary"]
            if not isinstance(summary, str) or not summary.strip():
                errors["summary"] = "You must specify a summary of the issue."
            elif len(summary) > 255:
                errors["summary"] = "Summary must be less than 255 characters."
            elif "\n" in summary or "\r" in summary:
                errors["summary"] = "Field can't contain newline"
        if "description" in fields:
            d = fields["description"]
            ok = (
                (isinstance(d, dict) and d.get("type") == "doc" and d.get("version") == 1)
                if v == "3"
                else isinstance(d, str)
            )
            if not ok:
                errors["description"] = (
                    "Operation value must be an Atlassian Document"
                    if v == "3"
                    else "Operation value must be a string"
                )
        if (
            "duedate" in fields
            and fields["duedate"] is not None
            and not (
                isinstance(fields["duedate"], str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", fields["duedate"])
            )
        ):
            errors["duedate"] = "Error parsing date string"
        if "labels" in fields:
            labels = fields["labels"]
            if not isinstance(labels, list) or any(
                not isinstance(x, str) or " " in x or len(x) > 255 for x in labels
            ):
                errors["labels"] = "The label can't contain spaces."
        if (
            "assignee" in fields
            and fields["assignee"] is not None
            and self._user(fields["assignee"], v) is None
        ):
            errors["assignee"] = "Specify a valid value for assignee"
        if "security" in fields:
            s = fields["security"] or {}
            if (
                s.get("id") not in self.state.security_levels
                and s.get("name") not in self.state.security_levels.values()
            ):
                errors["security"] = "Security level is not valid"
        if "parent" in fields:
            parent = (fields["parent"] or {}).get("key")
            if parent not in self.state.issues:
                errors["parent"] = "Could not find issue by id or key."
        for fid in self.state.custom_fields:
            value = fields.get(fid)
            if value is not None and (not isinstance(value, str) or len(value) > 255):
                errors[fid] = "The entered text is too long. It exceeds the allowed limit of 255."
        return errors

    def _user_search(self, v: str, query: dict[str, list[str]], *_: Any) -> tuple[int, Any, dict[str, str]]:
        name = "query" if self.state.deployment == "Cloud" else "username"
        term = (query.get(name) or [""])[0].lower()
        if not term:
            return 400, {"errorMessages": [f"The {name} parameter is required."], "errors": {}}, {}
        hits = [
            u
            for u in self.state.users
            if u["active"]
            and (term in u["emailAddress"].lower() or term in u["displayName"].lower() or term == u["name"])
        ]
        return 200, [self._user_json(u, v) for u in hits], {}
