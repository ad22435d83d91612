"""The documents of setting up and keeping careerconv: init, the catalog and the store's key,
the outbox's retry and rebuild, reading trackers and calendars back, the team story, expired
handoffs. Those of the people's rights are in :mod:`careerconv.cli._rights_documents`.

As in :mod:`careerconv.cli._documents`, a field is here only when the text shows it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from attrs import frozen

from careerconv.cli._documents import told
from careerconv.cli._output import Document

__all__ = [
    "AnswersSync",
    "CatalogImported",
    "HandoffsExpired",
    "Initialised",
    "KeyRotated",
    "KeyStatus",
    "NewKey",
    "Rebuilt",
    "Retried",
    "TeamStory",
    "TicketSync",
]

# -- setting up ---------------------------------------------------------------------------------


@frozen
class Initialised(Document):
    """What ``init`` made: careerconv.toml, the store and, when there was none, its master key."""

    NAME = "init"

    home: str = told("the folder initialised")
    config: str = told("the careerconv.toml written")
    key_file: str | None = told("the master key made now (back it up apart), or null: one was kept")

    def lines(self) -> Iterator[str]:
        """What was made, and the key to back up."""
        yield (
            f"initialised {self.home} (embedded defaults: SQLite store, .ics files, mail files, file tracker)"
        )
        if self.key_file is not None:
            yield f"the store is encrypted with the key in {self.key_file}: back it up apart from the store"


@frozen
class CatalogImported(Document):
    """The catalog's two CSV files checked, and careerconv.toml pointed at them."""

    NAME = "catalog-import"

    competencies: int = told("competencies read")
    roles: int = told("roles read")
    roles_with_levels: int = told("roles that give target levels")
    config: str = told("the careerconv.toml now using them")

    def lines(self) -> Iterator[str]:
        """What was checked, then the file changed."""
        yield (
            f"checked: {self.competencies} competencies, {self.roles} roles "
            f"({self.roles_with_levels} with target levels)"
        )
        yield f"{self.config} now uses your catalog"


# -- the store's master key ---------------------------------------------------------------------


@frozen
class KeyRotated(Document):
    """Every data key re-wrapped under a new master key, and where that key now is."""

    NAME = "store-rotate-key"

    rewrapped: int = told("data keys re-wrapped by this run (a resumed run counts what was left)")
    key_file: str | None = told("the key file that now holds the new key, or null")
    setting: str | None = told("the [store] setting to set to the new key ('key_file' or 'key_env'), or null")
    value: str | None = told("what to set it to, or null")

    def lines(self) -> Iterator[str]:
        """The count, then where the key is or what to set."""
        yield f"re-wrapped {self.rewrapped} data key(s) under the new master key"
        if self.key_file is not None:
            yield f"{self.key_file} now holds the new key; backups made before need the old one"
        if self.setting is not None:
            yield f"now set '{self.setting}' in [store] to the new key ({self.setting} = {self.value!r})"


@frozen
class NewKey(Document):
    """A new master key: written to an owner-only file, or printed for a ``key_env`` variable."""

    NAME = "store-new-key"

    file: str | None = told("the file written, or null when the key is printed instead")
    key: str | None = told("the key itself when no --file was given (keep it secret), else null")

    def lines(self) -> Iterator[str]:
        """The key, or the file."""
        if self.key is not None:
            yield self.key
        if self.file is not None:
            yield f"wrote a new master key to {self.file} (owner-only)"


@frozen
class WrappedKeys:
    """How many data keys one master key wraps."""

    master: str = told("the master key's fingerprint (16 hex digits)")
    data_keys: int = told("data keys it wraps")


@frozen
class KeyStatus(Document):
    """Whether the store is encrypted at rest, its master key, and a rotation half-way."""

    NAME = "store-key-status"

    encrypted: bool = told("the store encrypts at rest (false: every other field is empty)")
    master: str | None = told("the master key's fingerprint (16 hex digits), or null")
    wrapped: list[WrappedKeys] = told("the data keys, by the master key wrapping them")
    rotating_to: str | None = told("a rotation half-way: the new key's fingerprint; else null")

    def lines(self) -> Iterator[str]:
        """The fingerprint, the data keys, a rotation to finish."""
        if not self.encrypted:
            yield "this store does not encrypt at rest"
            return
        yield f"encrypted at rest; master key fingerprint {self.master}"
        for w in self.wrapped:
            yield f"  {w.data_keys} data key(s) wrapped by {w.master}"
        if self.rotating_to is not None:
            yield f"a rotation to {self.rotating_to} is half-way: run 'careerconv store rotate-key' again"


# -- the outbox ---------------------------------------------------------------------------------


@frozen
class Retried(Document):
    """Failed outbox entries queued again."""

    NAME = "retry"

    queued: int = told("entries queued again ('careerconv dispatch' delivers them)")

    def lines(self) -> Iterator[str]:
        """One line."""
        yield f"{self.queued} failed entr{'y' if self.queued == 1 else 'ies'} queued again"


@frozen
class RebuiltAdapter:
    """What rebuilding one configured adapter did."""

    channel: str = told("what it delivers: calendar, tracker, hris, notifier")
    adapter: str = told("its configured name")
    rebuilt: bool = told("false: what it sent is not careerconv's to write again (left as it is)")
    views: int = told("views written again")
    written: int = told("files restored or corrected")
    unchanged: int = told("files already right")
    failures: list[str] = told("each view that could not be written back, and why")


@frozen
class Rebuilt(Document):
    """The files the file-owning adapters made, written again from what the outbox delivered."""

    NAME = "rebuild"

    adapters: list[RebuiltAdapter] = told("each configured adapter (or the one --adapter names)")

    def lines(self) -> Iterator[str]:
        """One line per adapter, then each failure."""
        for a in self.adapters:
            label = f"{a.channel} {a.adapter}"
            if not a.rebuilt:
                yield f"{label:20} left as it is: what it sent or wrote is not careerconv's to write again"
                continue
            yield (
                f"{label:20} {a.views} view(s) written again: "
                f"{a.written} file(s) restored or corrected, {a.unchanged} already right"
            )
            for reason in a.failures:
                yield f"  failed: {reason}"


# -- reading back -------------------------------------------------------------------------------


@frozen
class Pushed:
    """careerconv's own pending ticket changes, delivered before reading."""

    delivered: int = told("changes delivered")
    retrying: int = told("changes that failed and wait for another attempt")
    failed: int = told("changes that failed for good")
    reasons: list[str] = told("why each failed")


@frozen
class DeletedTicket:
    """A ticket deleted in the tracker: it is not recreated."""

    key: str = told("the ticket's careerconv key")
    action: str = told("the action as 'careerconv action resync' takes it: REPORT:ACTION")


@frozen
class TrackerRead:
    """What reading one tracker back did."""

    tracker: str = told("the tracker's configured name")
    pushed: Pushed | None = told("careerconv's changes pushed first, or null when none were")
    read: int = told("tickets read")
    waiting: int = told("tickets not read: careerconv's change to them is not delivered yet")
    deleted: list[DeletedTicket] = told("tickets deleted in the tracker")


@frozen
class TicketSync(Document):
    """Ticket statuses read back from each tracker, careerconv's own changes pushed first."""

    NAME = "sync-tickets"

    trackers: list[TrackerRead] = told("each tracker that reads statuses back")

    def lines(self) -> Iterator[str]:
        """Per tracker: what was pushed, read, left waiting and deleted."""
        for t in self.trackers:
            p = t.pushed
            if p is not None and (p.delivered or p.retrying or p.failed):
                yield (
                    f"{t.tracker}: pushed careerconv's changes first: delivered {p.delivered}, "
                    f"retrying {p.retrying}, failed {p.failed}"
                )
                yield from (f"  {reason}" for reason in p.reasons)
            yield f"{t.tracker}: {t.read} ticket(s) read, {len(t.deleted)} deleted"
            if t.waiting:
                yield (
                    f"  {t.waiting} ticket(s) not read: careerconv's change to them is not delivered "
                    "yet (see 'careerconv status'); they are read once 'careerconv dispatch' delivers it"
                )
            for d in t.deleted:
                yield (
                    f"  {d.key}: ticket deleted in the tracker; it is not recreated. Close the action, "
                    f"or run 'careerconv action resync {d.action}' to create it again"
                )


@frozen
class CalendarRead:
    """What asking one calendar for answers did."""

    calendar: str = told("the calendar's configured name")
    asked: int = told("meetings asked about")
    read: int = told("answers read")
    unavailable: str | None = told("why its answers could not be read, or null")


@frozen
class NewAnswer:
    """An answer read for the first time."""

    report_id: str = told("the report whose plan it is")
    meeting: str = told("the meeting's title")
    start: datetime = told("when it starts (UTC)")
    person_id: str | None = told("who answered, or null: a person deleted the event")
    answer: str = told("accepted, declined, tentative or removed")


@frozen
class AnswersSync(Document):
    """Attendees' answers to the invites read back from the calendars that tell them."""

    NAME = "sync-answers"

    reading: bool = told("false: no configured calendar reads answers back (the text says how to set one)")
    calendars: list[CalendarRead] = told("each calendar asked")
    new: list[NewAnswer] = told("answers read for the first time")
    notices_queued: int = told("notices to the manager queued ('careerconv dispatch' sends them)")

    def lines(self) -> Iterator[str]:
        """Per calendar, then each new answer, then the notices."""
        from careerconv.cli.answers import NONE_READS

        if not self.reading:
            yield NONE_READS
        for c in self.calendars:
            if c.unavailable is not None:
                yield f"{c.calendar}: answers not read: {c.unavailable}"
            else:
                yield f"{c.calendar}: {c.asked} meeting(s) asked, {c.read} answer(s) read"
        for a in self.new:
            who = "a person deleted the event" if not a.person_id else f"{a.person_id} {a.answer}"
            yield f"  {a.report_id}: {a.meeting} at {a.start:%Y-%m-%d %H:%M}Z: {who}"
        if self.notices_queued:
            yield (
                f"{self.notices_queued} notice(s) to the manager queued; "
                "run 'careerconv dispatch' to send them"
            )


# -- the team, handoffs -------------------------------------------------------------------------


@frozen
class TeamStory(Document):
    """A team life-story segment queued: one invite to the whole team."""

    NAME = "team-story"

    manager_id: str = told("the manager whose team it is")
    uid: str = told("the invite's uid")

    def lines(self) -> Iterator[str]:
        """One line."""
        yield f"team life story segment queued: {self.uid}; run 'careerconv dispatch' to send the invites"


@frozen
class HandoffsExpired(Document):
    """Manager changes whose report did not answer in time: ended, nothing shared (M12)."""

    NAME = "handoff-expire"

    expired: int = told("handoffs expired by this run")

    def lines(self) -> Iterator[str]:
        """One line."""
        yield f"{self.expired} handoff(s) expired without an answer: nothing shared"
