"""The record of every disclosure: what of a report's plan left the pair, to whom, when, under which consent.

A ``Disclosure`` names the kind of data that left and where it went; it never
holds the data itself (no note, no goal text, no address). The stores append
disclosures to an audit trail in the same transaction as the change that
caused them: an outbox entry taken by an adapter (``from_delivery``), a plan
shared with a new manager (``from_change``), an export, an erasure. The trail
is hash-chained (``link``, ``verify``): each record's hash covers the one
before, so a record changed, removed or moved is found by ``verify``, which
names the first broken link.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from attrs import frozen

from careerconv_core.domain.handoff import SHARED_STATES
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.outbox import Channel, OutboxEntry


class DisclosureKind(enum.Enum):
    """What kind of event a record is."""

    INVITE = "invite"  # a calendar event: the meeting's time, agenda and attendees
    TICKET = "ticket"  # a GROW action as a ticket (with the goal when the report allowed it)
    HR_SUMMARY = "hr_summary"  # the summary the report agreed may reach HR
    HR_RETRACTION = "hr_retraction"  # the HR record withdrawn
    NOTICE = "notice"  # a message to one person about the plan
    HANDOFF_SHARE = "handoff_share"  # the plan shared with a new manager (M12)
    EXPORT = "export"  # the plan written out as a page for one of its readers
    SUBJECT_EXPORT = "subject_export"  # everything held about a person, for that person
    ERASURE = "erasure"  # a person's plans destroyed on request
    RETENTION = "retention"  # a plan destroyed by the retention rule


@frozen
class Disclosure:
    """One disclosure of a report's plan data.

    ``subject_id`` is whose data it is (the plan's report); ``recipient`` who or
    what took it (an adapter instance, a person id); ``data`` names the kinds of
    data that left (``"action"``, ``"goal"``), never their content; ``consent``
    says which consent allowed it; ``reference`` ties it to the outbox entry or
    file it came with. Ids only: no names, addresses or notes.
    """

    at: datetime
    kind: DisclosureKind
    subject_id: str
    plan_id: str | None
    recipient: str
    data: tuple[str, ...] = ()
    consent: str = ""
    reference: str = ""

    def detail(self) -> str:
        """The record's private part as JSON: recipient, data, consent and reference."""
        return json.dumps(
            {
                "recipient": self.recipient,
                "data": list(self.data),
                "consent": self.consent,
                "ref": self.reference,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    @staticmethod
    def parse_detail(text: str) -> Mapping[str, object]:
        """What ``detail`` wrote."""
        found = json.loads(text)
        return found if isinstance(found, dict) else {}


_CHANNEL_KIND = {
    Channel.CALENDAR: DisclosureKind.INVITE,
    Channel.TRACKER: DisclosureKind.TICKET,
    Channel.HRIS: DisclosureKind.HR_SUMMARY,
    Channel.NOTIFIER: DisclosureKind.NOTICE,
}
_OPT_IN = "the report's opt-in to the plan (M1)"


def from_delivery(entry: OutboxEntry, adapter: str, subject_id: str, at: datetime) -> Disclosure:
    """The record of ``entry`` taken by the adapter instance ``adapter``.

    Reads only the view's shape (which fields are set), never keeps a value.
    """
    view = _view(entry.payload)
    kind = _CHANNEL_KIND[entry.channel]
    data: tuple[str, ...]
    consent = _OPT_IN
    if entry.channel is Channel.CALENDAR:
        cancelled = view.get("method") == "CANCEL"
        data = ("meeting time", "agenda", "attendees") + (("cancellation",) if cancelled else ())
    elif entry.channel is Channel.TRACKER:
        data = ("action", "due date", "owner", "done when")
        if view.get("goal"):
            data += ("goal",)
            consent = "the report chose to share the goal on tickets"
    elif entry.channel is Channel.HRIS:
        if view.get("withdrawn"):
            kind, data, consent = DisclosureKind.HR_RETRACTION, ("withdrawal",), "the report withdrew consent"
        else:
            named = (("goal", "goal"), ("focus competencies", "focus_competencies"))
            data = (*(name for name, field in named if view.get(field)), "plan dates")
            consent = "the report agreed to an HR summary"
    else:
        data = (f"notice: {view.get('kind', 'message')}",)
        recipient = view.get("recipient")
        if isinstance(recipient, dict) and recipient.get("person_id"):
            adapter = f"{adapter} to {recipient['person_id']}"
    return Disclosure(at, kind, subject_id, entry.plan_id, adapter, data, consent, entry.id)


def _view(payload: str) -> Mapping[str, object]:
    try:
        found = json.loads(payload)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def from_change(before: CareerPlan | None, after: CareerPlan, at: datetime) -> list[Disclosure]:
    """Disclosures a plan change makes by itself: the plan shared with a new manager (M12)."""
    was = {h.id for h in before.handoffs if h.state in SHARED_STATES} if before else set()
    return [
        Disclosure(
            at,
            DisclosureKind.HANDOFF_SHARE,
            after.report_id,
            after.id,
            h.new_manager_id,
            ("the whole plan (pair and shared fields)",),
            f"the report said yes to sharing (handoff {h.id})",
            h.id,
        )
        for h in after.handoffs
        if h.state in SHARED_STATES and h.id not in was
    ]


ERASED_PREFIX = "~erased/"
"""How every outbox ``plan_id`` of an erasure's retractions begins (``erasure_key_id``)."""


def erasure_key_id(report_id: str, plan_id: str) -> str:
    """The outbox ``plan_id`` of a retraction queued by an erasure: its plan's own key is gone.

    It starts with ``~``, which no plan id can, and names the report, so the
    delivery of a retraction is recorded on the report's trail too.
    """
    return f"{ERASED_PREFIX}{report_id}/{plan_id}"


def subject_of(outbox_plan_id: str) -> str:
    """Whose data an outbox entry whose plan is gone was about (``erasure_key_id``), else ``""``."""
    if outbox_plan_id.startswith(ERASED_PREFIX):
        return outbox_plan_id[len(ERASED_PREFIX) :].split("/", 1)[0]
    return ""


@frozen
class TrailEntry:
    """One record as the report reads it; ``detail`` is None when its plan's key was destroyed."""

    seq: int
    at: str
    subject_id: str
    plan_id: str
    kind: DisclosureKind
    detail: Mapping[str, object] | None


# ------------------------------------------------------------------ the chain


GENESIS = ""
"""The ``prev`` of the first record."""


def link(secret: bytes, prev: str, seq: int, fields: Sequence[str]) -> str:
    """The hash of record ``seq``: an HMAC-SHA-256 under ``secret`` of the one before and its stored fields.

    ``fields`` are the record's columns as stored (a sealed detail as its
    ciphertext), so a trail can be checked without opening anything, and after
    a plan's key was destroyed too.
    """
    message = "\x1f".join((prev, str(seq), *fields)).encode("utf-8")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def head_mark(secret: bytes, seq: int, last: str) -> str:
    """What the store keeps beside the trail: its length and last hash, under ``secret``.

    A record cut from the end leaves the trail whole but shorter than the head says.
    """
    return hmac.new(secret, f"head\x1f{seq}\x1f{last}".encode(), hashlib.sha256).hexdigest()


@frozen
class StoredRecord:
    """One row of the trail as stored: its number, stored fields, and the hashes."""

    seq: int
    fields: tuple[str, ...]
    prev: str
    hash: str


@frozen
class Verdict:
    """What ``verify`` found: how many records held, and the first broken link (or None)."""

    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        """Whether the whole trail holds."""
        return self.broken_at is None


def verify(records: Iterable[StoredRecord], secret: bytes, head: tuple[int, str] | None) -> Verdict:
    """Check every record's hash, its link to the one before and the numbering; then the head.

    ``records`` come in the order of their numbers as stored; ``head`` is the
    stored ``(count, head_mark)``.
    """
    prev, expected, checked = GENESIS, 1, 0
    for record in records:
        if record.seq != expected:
            what = "missing (deleted)" if record.seq > expected else "out of order or repeated"
            return Verdict(checked, expected, f"record {expected} is {what}")
        if record.prev != prev:
            return Verdict(
                checked, record.seq, f"record {record.seq} does not follow record {record.seq - 1}"
            )
        if not hmac.compare_digest(link(secret, prev, record.seq, record.fields), record.hash):
            return Verdict(checked, record.seq, f"record {record.seq} was changed after it was written")
        prev, expected, checked = record.hash, expected + 1, checked + 1
    count, mark = head if head is not None else (0, head_mark(secret, 0, GENESIS))
    if count != checked or not hmac.compare_digest(mark, head_mark(secret, checked, prev)):
        if count > checked:
            return Verdict(checked, checked + 1, f"record {checked + 1} is missing (the trail was cut short)")
        return Verdict(checked, checked, "the trail's head does not match its last record")
    return Verdict(checked)
