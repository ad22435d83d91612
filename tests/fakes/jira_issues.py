"""The fake Jira's issue resources: create, bulk create, read, edit, delete, label search
(eventually consistent), properties, transitions and the changelog of every edit and
transition (mixed into ``fake_jira.FakeJira``)."""

from __future__ import annotations

import json
import time
from typing import Any

from fakes.jira_site import SiteResources
from fakes.jira_state import _status_obj, jira_time, parse_label_jql

PERSON = "max"
"""Who edits in Jira by hand (``edit_as_person``, ``set_status``): Max Manager's user name."""
BOT = "bot"
"""careerconv's own account: the author of what arrives through the REST API."""


class IssueResources(SiteResources):
    """Issues as Jira keeps them, with its awkward sides (search lag, bulk limits, workflows)."""

    def _store_new(self, update: dict[str, Any], v: str) -> dict[str, Any]:
        fields = dict(update["fields"])
        project = self.state.projects.get((fields.get("project") or {}).get("key", "")) or next(
            x for x in self.state.projects.values() if x["id"] == fields["project"].get("id")
        )
        self.state.next_id += 1
        # Jira never gives a key again, not even the key of a deleted issue.
        number = self.state.key_numbers.get(project["key"], 0) + 1
        while f"{project['key']}-{number}" in self.state.issues:
            number += 1
        self.state.key_numbers[project["key"]] = number
        key = f"{project['key']}-{number}"
        fields.pop("project")
        fields.pop("issuetype")
        props = {p["key"]: p["value"] for p in update.get("properties", []) or []}
        self.state.issues[key] = {
            "id": str(self.state.next_id),
            "key": key,
            "project": project["key"],
            "fields": fields,
            "status": "10000",
            "properties": props,
            "changelog": [],
            "indexed_at": time.monotonic() + self.state.search_lag,
        }
        return {
            "id": str(self.state.next_id),
            "key": key,
            "self": f"{self._base(v)}/issue/{self.state.next_id}",
        }

    def _create_one(self, v: str, query: Any, body: Any) -> tuple[int, Any, dict[str, str]]:
        errors = self._check_fields((body or {}).get("fields"), v, creating=True)
        if errors:
            return 400, {"errorMessages": [], "errors": errors}, {}
        return 201, self._store_new(body, v), {}

    def _bulk_create(self, v: str, query: Any, body: Any) -> tuple[int, Any, dict[str, str]]:
        updates = (body or {}).get("issueUpdates")
        if not isinstance(updates, list) or not updates:
            return 400, {"errorMessages": ["issueUpdates is required"], "errors": {}}, {}
        limit = min(50, self.state.bulk_limit)
        if len(updates) > limit:
            # Refused as a whole: every element fails, naming no field (what a site with a
            # lower limit answers), and nothing is created.
            message = f"You can create at most {limit} issues in one bulk request."
            failed_all = [
                {"status": 400, "failedElementNumber": n,
                 "elementErrors": {"errorMessages": [message], "errors": {}}}
                for n in range(len(updates))
            ]  # fmt: skip
            return 400, {"issues": [], "errors": failed_all}, {}
        created: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for n, update in enumerate(updates):
            errors = self._check_fields(update.get("fields"), v, creating=True)
            if errors:
                failed.append(
                    {
                        "status": 400,
                        "failedElementNumber": n,
                        "elementErrors": {"errorMessages": [], "errors": errors},
                    }
                )
            else:
                created.append(self._store_new(update, v))
        return (201 if created else 400), {"issues": created, "errors": failed}, {}

    def _issue_json(
        self, issue: dict[str, Any], v: str, fields: list[str] | None, props: list[str]
    ) -> dict[str, Any]:
        base = self._base(v)
        stored = issue["fields"]
        all_fields = {
            **stored,
            "status": _status_obj(base, issue["status"], self.state),
            "project": {"key": issue["project"], "self": f"{base}/project/{issue['project']}"},
        }
        if "assignee" in stored and stored["assignee"] is not None:
            user = self._user(stored["assignee"], v)
            all_fields["assignee"] = self._user_json(user, v) if user else None
        wanted = None if not fields or "*all" in fields else set(fields)
        out = {
            "expand": "",
            "id": issue["id"],
            "key": issue["key"],
            "self": f"{base}/issue/{issue['id']}",
            "fields": {k: val for k, val in all_fields.items() if wanted is None or k in wanted},
        }
        if props:
            out["properties"] = {p: issue["properties"][p] for p in props if p in issue["properties"]}
        return out

    def _search(self, v: str, body: Any) -> tuple[list[dict[str, Any]], int] | str:
        if not isinstance(body, dict) or not isinstance(body.get("jql"), str):
            return "jql is required"
        labels = parse_label_jql(body["jql"])
        if labels is None:
            return "The JQL query could not be parsed by this fake."
        reconcile = body.get("reconcileIssues") or []
        if len(reconcile) > 50:
            return "reconcileIssues accepts at most 50 ids."
        now = time.monotonic()
        wanted = {str(i) for i in reconcile}
        # Eventually consistent: a new issue is not in the index until its lag passed,
        # unless the search names its id in reconcileIssues (search/jql only).
        found = sorted(
            (
                i
                for i in self.state.issues.values()
                if labels & set(i["fields"].get("labels", []))
                and (i.get("indexed_at", 0.0) <= now or i["id"] in wanted)
            ),
            key=lambda i: int(i["key"].rsplit("-", 1)[1]),
        )
        size = min(int(body.get("maxResults", 50)), self.state.page_size)
        return found, size

    def _search_dc(self, v: str, query: Any, body: Any) -> tuple[int, Any, dict[str, str]]:
        result = self._search(v, body)
        if isinstance(result, str):
            return 400, {"errorMessages": [result], "errors": {}}, {}
        found, size = result
        start = int(body.get("startAt", 0))
        page = found[start : start + size]
        return (
            200,
            {
                "startAt": start,
                "maxResults": size,
                "total": len(found),
                "issues": [
                    self._issue_json(i, v, body.get("fields"), body.get("properties") or []) for i in page
                ],
            },
            {},
        )

    def _search_dc_get(
        self, v: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        def one(name: str, default: str = "") -> str:
            return (query.get(name) or [default])[0]

        as_body: dict[str, Any] = {
            "jql": one("jql"),
            "startAt": int(one("startAt", "0")),
            "maxResults": int(one("maxResults", "50")),
            "fields": [f for f in one("fields").split(",") if f] or None,
            "properties": [p for p in one("properties").split(",") if p],
        }
        return self._search_dc(v, query, as_body)

    def _search_jql(self, v: str, query: Any, body: Any) -> tuple[int, Any, dict[str, str]]:
        result = self._search(v, body)
        if isinstance(result, str):
            return 400, {"errorMessages": [result], "errors": {}}, {}
        found, size = result
        token = body.get("nextPageToken")
        start = int(token.removeprefix("p")) if isinstance(token, str) and token else 0
        page = found[start : start + size]
        answer: dict[str, Any] = {
            "issues": [
                self._issue_json(i, v, body.get("fields"), body.get("properties") or []) for i in page
            ],
            "isLast": start + size >= len(found),
        }
        if not answer["isLast"]:
            answer["nextPageToken"] = f"p{start + size}"
        return 200, answer, {}

    def _issue(self, key_or_id: str) -> dict[str, Any] | None:
        """An issue by key or by numeric id, as Jira accepts both."""
        issue = self.state.issues.get(key_or_id)
        if issue is None and key_or_id.isdigit():
            issue = next((i for i in self.state.issues.values() if i["id"] == key_or_id), None)
        return issue

    def _missing(self, key: str) -> tuple[int, Any, dict[str, str]]:
        return (
            404,
            {
                "errorMessages": ["Issue does not exist or you do not have permission to see it."],
                "errors": {},
            },
            {},
        )

    def _get_issue(self, v: str, query: Any, body: Any, key: str) -> tuple[int, Any, dict[str, str]]:
        issue = self._issue(key)
        if issue is None:
            return self._missing(key)
        fields = (query.get("fields") or [""])[0].split(",") if query.get("fields") else None
        props = (query.get("properties") or [""])[0].split(",") if query.get("properties") else []
        answer = self._issue_json(issue, v, fields, props)
        if "changelog" in (query.get("expand") or [""])[0].split(","):
            # The whole changelog, oldest first, as Data Center expands it.
            histories = [self._history_json(h, v) for h in issue["changelog"]]
            answer["changelog"] = {"startAt": 0, "maxResults": len(histories),
                                   "total": len(histories), "histories": histories}  # fmt: skip
            answer["expand"] = "changelog"
        return 200, answer, {}

    def _edit_issue(self, v: str, query: Any, body: Any, key: str) -> tuple[int, Any, dict[str, str]]:
        issue = self._issue(key)
        if issue is None:
            return self._missing(key)
        fields = (body or {}).get("fields", {})
        errors = self._check_fields(fields, v, creating=False)
        if errors:
            return 400, {"errorMessages": [], "errors": errors}, {}
        self._record_edit(issue, fields, BOT)
        issue["fields"].update(fields)
        return 204, None, {}

    def _delete_issue(self, v: str, query: Any, body: Any, key: str) -> tuple[int, Any, dict[str, str]]:
        issue = self._issue(key)
        if issue is None:
            return self._missing(key)
        del self.state.issues[issue["key"]]
        return 204, None, {}

    def _get_property(
        self, v: str, query: Any, body: Any, key: str, prop: str
    ) -> tuple[int, Any, dict[str, str]]:
        issue = self._issue(key)
        if issue is None or prop not in issue["properties"]:
            return 404, {"errorMessages": ["The property was not found."], "errors": {}}, {}
        return 200, {"key": prop, "value": issue["properties"][prop]}, {}

    def _put_property(
        self, v: str, query: Any, body: Any, key: str, prop: str
    ) -> tuple[int, Any, dict[str, str]]:
        issue = self._issue(key)
        if issue is None:
            return self._missing(key)
        if len(json.dumps(body)) > 32768:
            return 400, {"errorMessages": ["The property value is too large."], "errors": {}}, {}
        existed = prop in issue["properties"]
        issue["properties"][prop] = body
        # The spec documents a JSON answer for 200/201 (Prism insists on one); no client reads it.
        return (200 if existed else 201), {}, {}

    def _transition_list(self, v: str, current: str) -> list[dict[str, Any]]:
        base = self._base(v)
        return [
            {
                "id": tid,
                "name": name,
                "to": _status_obj(base, to, self.state),
                "hasScreen": False,
                "isGlobal": True,
                "isInitial": False,
                "isAvailable": True,
                "isConditional": False,
                "isLooped": False,
            }
            for tid, name, to, *froms in self.state.transitions
            if to != current and (not froms or current in froms[0])
        ]

    def _get_transitions(self, v: str, query: Any, body: Any, key: str) -> tuple[int, Any, dict[str, str]]:
        issue = self._issue(key)
        if issue is None:
            return self._missing(key)
        return 200, {"transitions": self._transition_list(v, issue["status"])}, {}

    def _do_transition(self, v: str, query: Any, body: Any, key: str) -> tuple[int, Any, dict[str, str]]:
        issue = self._issue(key)
        if issue is None:
            return self._missing(key)
        tid = str(((body or {}).get("transition") or {}).get("id"))
        match = [t for t in self._transition_list(v, issue["status"]) if t["id"] == tid]
        if not match:
            return (
                400,
                {
                    "errorMessages": [f"Transition id '{tid}' is not valid for this issue."],
                    "errors": {},
                },
                {},
            )
        self._record_status(issue, match[0]["to"]["id"], BOT)
        issue["status"] = match[0]["to"]["id"]
        return 204, None, {}

    # -- the changelog: one history per edit or transition, with its time and author --------

    def _author(self, who: str, v: str) -> dict[str, Any]:
        user = next((u for u in self.state.users if u["name"] == who), None) or {
            "accountId": "acc-careerconv", "name": who, "key": who, "displayName": "careerconv",
            "emailAddress": self.state.email, "active": True,
        }  # fmt: skip
        return self._user_json(user, v)

    def _record(self, issue: dict[str, Any], who: str, items: list[dict[str, str]]) -> None:
        if items:
            number = sum(len(i.get("changelog", [])) for i in self.state.issues.values()) + 10000
            issue.setdefault("changelog", []).append(
                {"id": str(number), "who": who, "created": self.state.clock(), "items": items}
            )

    def _record_edit(self, issue: dict[str, Any], fields: dict[str, Any], who: str) -> None:
        """A history for the fields whose value changes (Jira logs no history for the same value)."""
        items = []
        for field_id, value in fields.items():
            before = issue["fields"].get(field_id)
            if before == value:
                continue
            custom = field_id.startswith("customfield_")
            name = self.state.custom_fields.get(field_id, field_id) if custom else field_id
            items.append({"field": name, "fieldId": field_id, "fieldtype": "custom" if custom else "jira",
                          "fromString": _text(before), "toString": _text(value)})  # fmt: skip
        self._record(issue, who, items)

    def _record_status(self, issue: dict[str, Any], to: str, who: str) -> None:
        before = issue["status"]
        if before != to:
            item = {"field": "status", "fieldId": "status", "fieldtype": "jira", "from": before,
                    "fromString": self.state.statuses[before][0], "to": to,
                    "toString": self.state.statuses[to][0]}  # fmt: skip
            self._record(issue, who, [item])

    def _history_json(self, history: dict[str, Any], v: str) -> dict[str, Any]:
        items = history["items"]
        if self.state.deployment != "Cloud":
            # Data Center names a field by its name; no fieldId is promised.
            items = [{k: val for k, val in item.items() if k != "fieldId"} for item in items]
        return {
            "id": history["id"],
            "author": self._author(history["who"], v),
            "created": jira_time(history["created"]),
            "items": items,
        }

    def _bulk_changelog(self, v: str, query: Any, body: Any) -> tuple[int, Any, dict[str, str]]:
        """Cloud's ``POST changelog/bulkfetch``: the histories of up to 1000 issues, only the
        items of ``fieldIds`` (at most 10), oldest first, ``maxResults`` histories a page."""
        ids = (body or {}).get("issueIdsOrKeys")
        fields = (body or {}).get("fieldIds") or []
        if not isinstance(ids, list) or not 1 <= len(ids) <= 1000 or len(fields) > 10:
            message = "issueIdsOrKeys takes 1 to 1000 issues and fieldIds at most 10"
            return 400, {"errorMessages": [message], "errors": {}}, {}
        rows: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for ref in ids:
            issue = self._issue(str(ref))
            for history in issue["changelog"] if issue is not None else []:
                items = [i for i in history["items"] if not fields or i["fieldId"] in fields]
                if items:
                    rows.append((issue, dict(history, items=items)))
        rows.sort(key=lambda row: (row[1]["created"], int(row[0]["id"])))
        token = (body or {}).get("nextPageToken")
        start = int(token.removeprefix("c")) if isinstance(token, str) and token else 0
        size = min(int((body or {}).get("maxResults", 1000)), self.state.changelog_page)
        logs: dict[str, list[dict[str, Any]]] = {}
        for issue, history in rows[start : start + size]:
            logs.setdefault(issue["id"], []).append(self._history_json(history, v))
        answer: dict[str, Any] = {
            "issueChangeLogs": [{"issueId": i, "changeHistories": h} for i, h in logs.items()]
        }
        if start + size < len(rows):
            answer["nextPageToken"] = f"c{start + size}"
        return 200, answer, {}


def _text(value: Any) -> str:
    """A value as the changelog's ``fromString``/``toString`` shows it."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)
