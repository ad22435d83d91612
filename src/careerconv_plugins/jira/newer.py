"""Which change wins when careerconv and a person in Jira both changed a ticket: the later one.

careerconv's side: the view says when careerconv last changed the action's
fields (``changed_at``) and its status (``status_changed_at``). Jira's side:
the issue's changelog says when each field and the status last changed. Only
what both sides changed since careerconv's last write is compared; what one
side alone changed is told as before, by fingerprints (``edits``) and by the
status careerconv last asked (kept in the property with its time):

- a field both changed: Jira's edit is kept when it is later than careerconv's
  change, otherwise careerconv's is written over it; either way it is said.
- the status: where the ticket's differs from the action's and careerconv
  changed the action's since its last write, the later change wins: Jira's
  newer one is kept (``sync-tickets`` then brings it into the plan), an older
  one is moved over.

Equal times go to careerconv (its change is the one being delivered). A time
not known (a view stored before times were kept, a field the changelog does
not name) keeps what Jira shows, and says so. Clock skew between this host
and Jira shifts the rule by the skew; only changes made on both sides between
two deliveries are ever compared, so it decides only near-simultaneous ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from attrs import frozen

from careerconv_core.views import TicketStatus, TicketView
from careerconv_plugins.jira import edits, mapping
from careerconv_plugins.jira.changelog import Reads, bulk_last_changes, when
from careerconv_plugins.jira.settings import JiraSettings


def needs_times(
    view: TicketView, issue: Mapping[str, Any], settings: JiraSettings, watched: Sequence[str]
) -> bool:
    """Whether both sides changed a field or the status since careerconv's last write: only
    then is the issue's changelog read."""
    stored = mapping.issue_property(issue)
    changed = mapping.changed_fields(mapping.field_prints(view, settings), stored)
    edited = edits.edited_in_jira(issue, stored, watched)
    both = view.changed_at is not None and any(name in edited for name in changed)
    moved = view.status not in (TicketStatus.DELETED, mapping.issue_status(issue))
    return both or (moved and ours_is_new(view, stored))


def prefetch(
    client: Reads,
    pairs: Sequence[tuple[TicketView, Mapping[str, Any]]],
    settings: JiraSettings,
    watched: Sequence[str],
) -> dict[str, dict[str, datetime]]:
    """Cloud: per issue id, the times of the issues (view, issue) that need them, in one
    request per page; Data Center has no bulk changelog, so nothing (each is read alone)."""
    need = [str(issue.get("id")) for view, issue in pairs if needs_times(view, issue, settings, watched)]
    if not need or settings.deployment != "cloud":
        return {}
    return bulk_last_changes(client, need, (*watched, "status"))


@frozen
class FieldsCall:
    """What to do with the fields: those to write, Jira's edits kept, and what to say."""

    writing: tuple[str, ...]
    kept: tuple[str, ...]
    said: tuple[str, ...]


def fields(
    changed: Sequence[str],
    edited: Mapping[str, str],
    ours: datetime | None,
    times: Mapping[str, datetime],
) -> FieldsCall:
    """Decide each field careerconv changed (``changed``) or a person edited in Jira (``edited``)."""
    writing: list[str] = []
    newer: list[str] = []
    unknown: list[str] = []
    over: list[str] = []
    for name in changed:
        if name not in edited:
            writing.append(name)
            continue
        theirs = times.get(name)
        if ours is None or theirs is None:
            unknown.append(name)
        elif theirs > ours:
            newer.append(name)
        else:
            writing.append(name)
            over.append(name)
    untouched = sorted(name for name in edited if name not in changed)
    said: list[str] = []
    if untouched:
        said.append(f"kept the edit of {', '.join(untouched)} made in Jira")
    if ours is not None:
        said += [
            f"kept the edit of {name} made in Jira at {when(times[name])}, later than "
            f"careerconv's change at {when(ours)}"
            for name in newer
        ]
        said += [
            f"wrote {name} over an older edit made in Jira at {when(times[name])} "
            f"(careerconv's change at {when(ours)})"
            for name in over
        ]
    if unknown:
        said.append(
            f"kept the edit of {', '.join(unknown)} made in Jira (when is not known), not "
            "careerconv's change: change it again in careerconv to write it"
        )
    kept = tuple(sorted({*untouched, *newer, *unknown}))
    return FieldsCall(tuple(writing), kept, tuple(said))


@frozen
class StatusCall:
    """What to do with the status: move the ticket (to done or back open) or not, the status
    careerconv now counts as asked, and what to say."""

    move: bool
    to_done: bool
    asked: str | None
    said: str = ""
    record: bool = False  # careerconv's status time is new though the statuses agree: keep it


_DONE = {"close": "closed", "reopen": "reopened"}


def _word(status: TicketStatus) -> str:
    return "done" if status is TicketStatus.DONE else "open"


def stamp(moment: datetime | None) -> str | None:
    """A time as the property keeps it (ISO 8601), or None."""
    return moment.isoformat() if moment is not None else None


def ours_is_new(view: TicketView, stored: Mapping[str, object] | None) -> bool:
    """Whether careerconv changed the action's status since it last wrote the ticket."""
    last = stored.get("status_at") if stored else None
    return view.status_changed_at is not None and last != stamp(view.status_changed_at)


def status(
    view: TicketView,
    in_jira: TicketStatus,
    stored: Mapping[str, object] | None,
    theirs: datetime | None,
) -> StatusCall:
    """Decide the ticket's status; ``theirs`` is when Jira's status last changed (None: never)."""
    last_asked = stored.get("status") if stored else None
    wanted = view.status
    if wanted is TicketStatus.DELETED:
        return StatusCall(False, False, None if last_asked is None else str(last_asked))
    asked = _word(wanted)
    if wanted is in_jira:
        # Recorded, so a later move in Jira is not compared with this time again (see skew).
        return StatusCall(False, False, asked, record=ours_is_new(view, stored))
    to_done = wanted is TicketStatus.DONE
    ours = view.status_changed_at
    if ours is None:
        # No time (a view stored before times were kept): careerconv's change is the one it
        # asks now and did not ask last time; a ticket moved in Jira since is Jira's newer change.
        move = (to_done and last_asked != "done") or (not to_done and last_asked == "done")
        return StatusCall(move, to_done, asked)
    if not ours_is_new(view, stored):
        # Jira moved it since careerconv's last write: sync-tickets brings that into the plan.
        return StatusCall(False, to_done, str(last_asked or asked))
    verb = "close" if to_done else "reopen"
    if theirs is not None and theirs > ours:
        said = (
            f"kept the status {_word(in_jira)} set in Jira at {when(theirs)}, later than careerconv's "
            f"{verb} at {when(ours)}; sync-tickets brings it into the plan"
        )
        return StatusCall(False, to_done, _word(in_jira), said)
    said = ""
    if theirs is not None and last_asked is not None and last_asked != _word(in_jira):
        said = (
            f"{_DONE[verb]} over the status {_word(in_jira)} set in Jira at {when(theirs)}, older than "
            f"careerconv's {verb} at {when(ours)}"
        )
    return StatusCall(True, to_done, asked, said)
