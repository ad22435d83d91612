"""Edits a person made in Jira to the fields careerconv writes: told apart, never overwritten
silently.

Besides the fingerprint of each value it sent (``fields``, which tells what
careerconv changed since its last write), the issue property keeps a
fingerprint of each text field *as Jira shows it* (``seen``): the summary, the
description's text, the due date and the "done when" field. A field whose
current value in Jira no longer matches ``seen`` was edited in Jira after
careerconv wrote it. Where careerconv has no change of its own for it, the
edit is kept and recorded as seen (so it is reported once); where careerconv
changed it too, the later of the two changes wins (``newer``).

Fingerprints are taken of a normal form (text of the rich-text description,
line endings and trailing blanks evened out), so Jira's own re-rendering of a
value is not taken for a person's edit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from careerconv_plugins.jira.mapping import fingerprint
from careerconv_plugins.jira.settings import JiraSettings


def watched(settings: JiraSettings) -> tuple[str, ...]:
    """The fields whose edits in Jira are told apart: the text fields careerconv writes."""
    names = ["summary", "description", settings.due_field]
    if settings.done_when_field:
        names.append(settings.done_when_field)
    return tuple(names)


def _adf_text(node: Any) -> str:
    """The plain text of an Atlassian Document: paragraphs apart by a blank line."""
    if isinstance(node, list):
        return "".join(_adf_text(n) for n in node)
    if not isinstance(node, Mapping):
        return ""
    kind = node.get("type")
    if kind == "text":
        return str(node.get("text", ""))
    if kind == "hardBreak":
        return "\n"
    inner = _adf_text(node.get("content") or [])
    return inner + "\n\n" if kind in ("paragraph", "heading", "listItem", "codeBlock") else inner


def normal(value: Any) -> str:
    """A field's value in the form its fingerprint is taken of."""
    if value is None:
        return ""
    if isinstance(value, Mapping) and value.get("type") == "doc":
        value = _adf_text(value.get("content") or [])
    elif not isinstance(value, str):
        value = str(value)
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def seen_prints(fields: Mapping[str, Any], names: Sequence[str]) -> dict[str, str]:
    """Fingerprints of the watched fields present in ``fields`` (sent, or read from Jira)."""
    return {name: fingerprint(normal(fields.get(name))) for name in names if name in fields}


def edited_in_jira(
    issue: Mapping[str, Any], stored: Mapping[str, Any] | None, names: Sequence[str]
) -> dict[str, str]:
    """Fields a person changed in Jira since careerconv wrote them: name -> the print of Jira's value.

    An issue whose property has no ``seen`` (written before it was kept) has no
    edits to tell: nothing is guessed.
    """
    seen = stored.get("seen") if isinstance(stored, Mapping) else None
    if not isinstance(seen, Mapping):
        return {}
    now = seen_prints(issue.get("fields") or {}, names)
    return {name: print_ for name, print_ in now.items() if name in seen and seen[name] != print_}
