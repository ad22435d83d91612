"""Pure mapping between ticket views and Jira issues: no I/O, golden-tested.

What goes into a ticket is decided here (ARCHITECTURE section 4): the action,
its due date, its owner, its "done when" and a link back; the goal only when
the report chose to share it (``TicketView.goal`` is set). Every value that
reaches JQL is a label built and checked here, never text from a plan.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from careerconv_core.views import TicketStatus, TicketView
from careerconv_plugins.jira.settings import FIELD_ID_OK, LABEL_OK, JiraSettings

PROPERTY_KEY = "careerconv.ticket"
"""The issue property that says which action an issue tracks (authoritative)."""

PROPERTY_VERSION = 1
BATCH_SIZE = 50
"""Jira's bulk create takes at most 50 issues; searches use the same batches."""

SUMMARY_MAX = 255
TEXT_FIELD_MAX = 255
DESCRIPTION_MAX = 30000  # well under Jira's 32767-character limit for text fields

_NOT_LABEL = re.compile(r"[^A-Za-z0-9_-]+")


# --- labels and JQL ---------------------------------------------------------


_HASHED_LABEL = re.compile(r"-[0-9a-f]{10}$")


def label_for(prefix: str, key: str) -> str:
    """The label that finds the ticket for ``key``: prefix + key, reduced to [A-Za-z0-9_-].

    A key that sanitises differently from itself gets a short hash suffix, so
    two keys never share a label.
    """
    clean = _NOT_LABEL.sub("_", key).strip("_")
    label = f"{prefix}{clean}"
    # A key that already ends like a hashed label is hashed too, so it cannot take another's label.
    if clean != key or len(label) > 255 or _HASHED_LABEL.search(label):
        digest = hashlib.sha256(key.encode()).hexdigest()[:10]
        label = f"{label[:240]}-{digest}"
    return label


def jql_for_labels(labels: Iterable[str]) -> str:
    """A JQL query that finds issues carrying any of ``labels``.

    Only labels that pass the label check are accepted, each quoted; nothing
    else ever reaches JQL.
    """
    checked = sorted(set(labels))
    if not checked:
        raise ValueError("no labels to search for")
    for label in checked:
        if not LABEL_OK.match(label):
            raise ValueError("refusing to put an unchecked label into JQL")
    return "labels in (" + ", ".join(f'"{label}"' for label in checked) + ") ORDER BY key ASC"


def batches(items: Sequence[Any], size: int = BATCH_SIZE) -> list[Sequence[Any]]:
    """``items`` cut into runs of at most ``size``."""
    return [items[i : i + size] for i in range(0, len(items), size)]


# --- what goes into a ticket -------------------------------------------------


def _one_line(text: str, limit: int) -> str:
    # Summaries are single-line: control characters become spaces, runs collapse.
    cleaned = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "\u2026"
    return cleaned


def _plain(text: str) -> str:
    # Keep newlines and tabs, drop other control characters.
    return "".join(c for c in text if c in "\n\t" or not unicodedata.category(c).startswith("C"))


_BARE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# What may stay as it is in a URL: its structure (RFC 3986 reserved), unreserved, and escapes.
_URL_SAFE = ":/?#[]@!$&'()*+,;=-._~%"


def link_text(link: str) -> str:
    """The plan link, percent-encoded: a space, quote, newline or non-ASCII character in an id
    is escaped instead of ending the link early or turning into text that names another action.
    """
    cleaned = _BARE_PERCENT.sub("%25", link.strip())
    return urllib.parse.quote(cleaned, safe=_URL_SAFE)[:2000]


def summary_of(view: TicketView) -> str:
    """The ticket summary: the action's title on one line, at most 255 characters."""
    return _one_line(view.title, SUMMARY_MAX)


def description_lines(view: TicketView, settings: JiraSettings) -> list[str]:
    """The description as lines: action, done-when, link, goal (only if shared)."""
    lines = [_plain(view.title).strip()]
    if settings.done_when_field is None and view.done_when.strip():
        lines += ["", "Done when: " + _plain(view.done_when).strip()]
    if view.link:
        lines += ["", "Plan: " + link_text(view.link)]
    if view.goal:
        lines += ["", "Goal (shared by the report): " + _plain(view.goal).strip()]
    lines += ["", f"Kept in sync by careerconv (action {view.key})."]
    text = "\n".join(lines)
    if len(text) > DESCRIPTION_MAX:
        text = text[: DESCRIPTION_MAX - 1] + "\u2026"
    return text.split("\n")


def adf(lines: Sequence[str]) -> dict[str, Any]:
    """Atlassian Document Format for plain lines: one paragraph per block of lines."""
    content: list[dict[str, Any]] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line:
            block.append(line)
            continue
        if block:
            para: list[dict[str, Any]] = []
            for n, text in enumerate(block):
                if n:
                    para.append({"type": "hardBreak"})
                para.append({"type": "text", "text": text})
            content.append({"type": "paragraph", "content": para})
            block = []
    return {"type": "doc", "version": 1, "content": content}


def desired_fields(view: TicketView, settings: JiraSettings) -> dict[str, Any]:
    """The Jira fields the view asks for, without assignee (resolved separately).

    Labels are set on create only; existing labels are never rewritten.
    """
    lines = description_lines(view, settings)
    fields: dict[str, Any] = {
        "summary": summary_of(view),
        "description": adf(lines) if settings.api_version == "3" else "\n".join(lines),
        settings.due_field: view.due.isoformat(),
    }
    if settings.done_when_field:
        fields[settings.done_when_field] = _one_line(view.done_when, TEXT_FIELD_MAX)
    if settings.epic:
        fields[settings.epic_field] = (
            {"key": settings.epic} if settings.epic_field == "parent" else settings.epic
        )
    if settings.security_level:
        level = settings.security_level
        fields["security"] = {"id": level} if level.isdigit() else {"name": level}
    return fields


def assignee_value(settings: JiraSettings, user_ref: str) -> dict[str, str]:
    """The assignee field for a resolved user (accountId on Cloud, name on Data Center)."""
    return {settings.assignee_by: user_ref}


def fingerprint(value: Any) -> str:
    """A short stable hash of a field value, stored in the issue property."""
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def field_prints(view: TicketView, settings: JiraSettings) -> dict[str, str]:
    """Fingerprints of everything the adapter writes, the owner included (by person id)."""
    prints = {name: fingerprint(value) for name, value in desired_fields(view, settings).items()}
    prints["assignee"] = fingerprint([view.owner.person_id, view.owner.email.lower()])
    return prints


def asked_status(view: TicketView) -> str:
    """The status careerconv asks of the ticket, as kept in the property: ``done`` or ``open``."""
    return "done" if view.status is TicketStatus.DONE else "open"


def property_value(
    view: TicketView,
    prints: Mapping[str, str],
    status: str | None = None,
    seen: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The issue property: which action this is, what was last written, the status last asked,
    and (``seen``) each text field as Jira showed it after that write (see ``edits``).

    ``status`` (the one careerconv last asked for) tells a change made in
    careerconv from one made in Jira: an action reopened in careerconv after
    careerconv closed its ticket is a reopen to push; a ticket closed in Jira
    while careerconv still asks ``open`` is Jira's newer change, left alone.
    """
    value: dict[str, Any] = {
        "v": PROPERTY_VERSION,
        "key": view.key,
        "plan": view.plan_key,
        "fields": dict(prints),
        "status": status or asked_status(view),
    }
    if view.status_changed_at is not None:
        # When careerconv last changed the status it asks: a later change is careerconv's own
        # to compare with Jira's (``newer``); the same time is one already delivered.
        value["status_at"] = view.status_changed_at.isoformat()
    if seen is not None:
        value["seen"] = dict(seen)
    return value


def create_payload(
    view: TicketView,
    settings: JiraSettings,
    label: str,
    user_ref: str,
    seen: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One ``issueUpdates`` element for bulk create, property included (with ``seen``, when given)."""
    fields = {
        "project": {"key": settings.project},
        "issuetype": {"name": settings.issue_type},
        "labels": [label],
        "assignee": assignee_value(settings, user_ref),
        **desired_fields(view, settings),
    }
    prints = field_prints(view, settings)
    return {
        "fields": fields,
        "properties": [{"key": PROPERTY_KEY, "value": property_value(view, prints, None, seen)}],
    }


def changed_fields(wanted: Mapping[str, str], stored: Mapping[str, Any] | None) -> list[str]:
    """Names of fields whose wanted fingerprint differs from the one last written."""
    last = stored.get("fields") if isinstance(stored, Mapping) else None
    if not isinstance(last, Mapping):
        return sorted(wanted)
    return sorted(name for name, value in wanted.items() if last.get(name) != value)


# --- reading issues back -----------------------------------------------------


def issue_status(issue: Mapping[str, Any]) -> TicketStatus:
    """DONE when the issue's status is in Jira's ``done`` category, else OPEN."""
    status = (issue.get("fields") or {}).get("status") or {}
    category = (status.get("statusCategory") or {}).get("key")
    return TicketStatus.DONE if category == "done" else TicketStatus.OPEN


def issue_property(issue: Mapping[str, Any]) -> dict[str, Any] | None:
    """The careerconv property of a searched issue, or None."""
    props = issue.get("properties") or {}
    value = props.get(PROPERTY_KEY) if isinstance(props, Mapping) else None
    return value if isinstance(value, dict) else None


def issue_labels(issue: Mapping[str, Any]) -> list[str]:
    """The labels of a searched issue."""
    labels = (issue.get("fields") or {}).get("labels") or []
    return [label for label in labels if isinstance(label, str)]


_FIELD_HINTS = {
    "project": "check setting 'project' (the key must exist and you must be able to create in it)",
    "issuetype": "check setting 'issue_type' (it must be an issue type of the project)",
    "assignee": "the owner must be a Jira user who may be assigned issues in the project",
    "security": "check setting 'security_level' (a level of the project's security scheme)",
    "parent": "check setting 'epic' (an existing epic of the project)",
    "labels": "the project must allow labels on this issue type",
    "summary": "the title was refused by Jira",
}


def explain_field_errors(fields: Iterable[str], settings: JiraSettings) -> str:
    """A reason naming the refused fields and the fix; never the values."""
    names = sorted({f for f in fields if isinstance(f, str)})
    if not names:
        return "Jira refused the ticket without naming a field; check the project's create screen"
    hints = dict(_FIELD_HINTS)
    hints[settings.due_field] = (
        f"check setting 'due_field' ({settings.due_field} must be on the create and edit screens)"
    )
    if settings.done_when_field:
        hints[settings.done_when_field] = (
            "check setting 'done_when_field' (a single-line text field on the screens)"
        )
    if settings.epic:
        hints[settings.epic_field] = "check settings 'epic' and 'epic_field'"
    # Field names come from Jira's answer: only well-formed ids are repeated.
    safe = sorted({n if FIELD_ID_OK.match(n) else "?" for n in names})
    fixes = [hints.get(n, f"field {n} is required or not on the screen") for n in safe]
    return f"Jira refused field(s) {', '.join(safe)}: " + "; ".join(dict.fromkeys(fixes))
