"""Edits a person made in Jira to a ticket careerconv wrote (issue 13, item 4).

An edit in Jira after careerconv's last write is kept, never overwritten
silently, and said once; where careerconv changed the same field meanwhile,
the later change wins (``test_jira_newer_change`` compares the times); a
later change in careerconv is written over the reported edit.
"""

# ruff: noqa: F811 - pytest fixtures are imported by name and then requested as arguments

from __future__ import annotations

from datetime import date
from typing import Any

from careerconv_core.ports import OutcomeStatus
from careerconv_plugins.jira.mapping import adf
from fakes.fake_jira import FakeJira
from fakes.jira_fixtures import (  # noqa: F401 - fixtures used by name
    TrackerFactory,
    fake_jira,
    make_tracker,
    sleeps,
    view,
)


def _edits(fake: FakeJira) -> list[dict[str, Any]]:
    return [e.body["fields"] for e in fake.requests("PUT") if "/properties/" not in e.path]


def _description(fake: FakeJira, text: str) -> Any:
    return adf([text]) if fake.state.deployment == "Cloud" else text


def test_an_edit_in_jira_is_kept_and_named_while_careerconv_writes_its_own_change(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker()
    (created,) = tracker.deliver_tickets([view(1)])
    ref = str(created.reference)
    fake_jira.edit_as_person(ref, summary="Lead the design review (with Sam)")
    fake_jira.clear_log()
    (outcome,) = tracker.deliver_tickets([view(1, due=date(2027, 5, 1))])
    assert outcome.status is OutcomeStatus.DELIVERED
    assert "updated duedate" in outcome.reason
    assert "kept the edit of summary made in Jira" in outcome.reason
    assert [sorted(f) for f in _edits(fake_jira)] == [["duedate"]]
    assert fake_jira.state.issues[ref]["fields"]["summary"] == "Lead the design review (with Sam)"
    # Reported once: the same view again writes nothing.
    fake_jira.clear_log()
    (again,) = tracker.deliver_tickets([view(1, due=date(2027, 5, 1))])
    assert again.status is OutcomeStatus.UNCHANGED
    assert fake_jira.writes() == []


def test_the_same_field_changed_on_both_sides_without_a_time_keeps_jira_and_is_delivered(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    # A view stored before views carried times: which change is later is not known, so
    # what Jira shows stays, it is said, and the entry is delivered (never dead-lettered).
    tracker = make_tracker()
    (created,) = tracker.deliver_tickets([view(1)])
    ref = str(created.reference)
    fake_jira.edit_as_person(ref, description=_description(fake_jira, "Rewritten by the team lead"))
    fake_jira.clear_log()
    (outcome,) = tracker.deliver_tickets([view(1, done_when="the checklist is in the wiki")])
    assert outcome.status is OutcomeStatus.DELIVERED
    assert outcome.reference == ref
    assert "kept the edit of description made in Jira (when is not known)" in outcome.reason
    assert "the checklist is in the wiki" not in outcome.reason  # names fields, never values
    assert _edits(fake_jira) == []  # nothing overwritten
    stored = fake_jira.state.issues[ref]["fields"]["description"]
    assert stored == _description(fake_jira, "Rewritten by the team lead")
    # A later change in careerconv is newer than the reported edit: it is written.
    (later,) = tracker.deliver_tickets([view(1, done_when="the checklist is used by two teams")])
    assert later.status is OutcomeStatus.DELIVERED
    assert "updated description" in later.reason
    assert "two teams" in str(fake_jira.state.issues[ref]["fields"]["description"])


def test_jira_giving_the_same_text_back_in_another_form_is_not_an_edit(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker()
    (created,) = tracker.deliver_tickets([view(1)])
    ref = str(created.reference)
    fields = fake_jira.state.issues[ref]["fields"]
    if fake_jira.state.deployment == "Cloud":
        # The same text, re-rendered: one paragraph per line instead of hard breaks.
        paragraphs = [
            {"type": "paragraph", "content": [{"type": "text", "text": t["text"]}]}
            for p in fields["description"]["content"]
            for t in p["content"]
            if t["type"] == "text"
        ]
        fake_jira.edit_as_person(ref, description={"type": "doc", "version": 1, "content": paragraphs})
    else:
        fake_jira.edit_as_person(ref, description=fields["description"].replace("\n", "\r\n") + "\r\n")
    fake_jira.clear_log()
    (outcome,) = tracker.deliver_tickets([view(1, due=date(2027, 5, 1))])
    assert outcome.status is OutcomeStatus.DELIVERED
    assert "kept the edit" not in outcome.reason
