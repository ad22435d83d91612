"""What a careerconv home on the default files adapters holds, checked against its store.

Shared by the crash runs of the steps and ``benchmarks/bench_concurrency.py``:
every figure ``check_home`` returns must be 0 for a home where nothing was
lost or doubled.
"""

from __future__ import annotations

import collections
import itertools
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from careerconv.app import App
from careerconv_core.domain.conversations import ConversationStatus
from careerconv_plugins.ics import mapping

FIGURES = ("overlaps", "weeks over the cap", "lost", "doubled", "leftover temporary files")
"""The names of the figures, in the order reports print them."""


def bookings(home: Path, manager_id: str) -> dict[tuple[str, str], tuple[datetime, datetime]]:
    """Each scheduled conversation of the manager's plans: (plan id, kind) to its times."""
    app = App.load(home)
    try:
        return {
            (plan.id, conv.kind.value): (conv.start, conv.end)
            for plan in app.store.find_plans(manager_id=manager_id)
            for conv in plan.conversations
            if conv.status is ConversationStatus.SCHEDULED and conv.start and conv.end
        }
    finally:
        app.close()


def outbox_is_empty(home: Path) -> bool:
    """Nothing pending or failed in the home's outbox."""
    app = App.load(home)
    try:
        return not app.store.outbox(["pending", "failed"])
    finally:
        app.close()


def _events(path: Path) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def check_home(
    home: Path, manager_id: str, *, cap_minutes: int = 240, zone: str = "Europe/Berlin"
) -> collections.Counter[str]:
    """The figures of one finished home (after a last dispatch): every one should be 0.

    - overlaps, weeks over the cap: the manager's booked conversations;
    - lost: a scheduled conversation without its invite at the stored time, an
      event missing from a participant's calendar file, an entry left in the outbox;
    - doubled: two invites for one conversation, an event twice in a person's
      file, a notice mailed twice;
    - leftover temporary files: ``.tmp`` or ``.new`` files of interrupted writes.
    """
    found: collections.Counter[str] = collections.Counter()
    booked = bookings(home, manager_id)
    spans = sorted(booked.values())
    found["overlaps"] += sum(end > start for (_, end), (start, _) in itertools.pairwise(spans))
    local = ZoneInfo(zone)
    weeks: collections.Counter[tuple[int, int]] = collections.Counter()
    for start, end in spans:
        iso = start.astimezone(local).isocalendar()
        weeks[iso.year, iso.week] += int((end - start).total_seconds() // 60)
    found["weeks over the cap"] += sum(minutes > cap_minutes for minutes in weeks.values())
    ics = home / "invites"
    per_conversation: collections.Counter[tuple[str, str]] = collections.Counter()
    written: dict[str, tuple[datetime, set[str]]] = {}
    for path in (ics / "invites").glob("*.ics"):
        event = _events(path)[0]
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        uid = str(event["UID"])  # "<plan>-<kind>@careerconv"
        plan_id, _, kind = uid.split("@", maxsplit=1)[0].rpartition("-")
        per_conversation[plan_id, kind] += 1
        written[uid] = (event.decoded("DTSTART"), set(mapping.participant_ids(event)))
    for (plan_id, kind), (start, _) in booked.items():
        uid = f"{plan_id}-{kind}@careerconv"
        found["lost"] += uid not in written or written[uid][0] != start
    found["doubled"] += sum(n - 1 for n in per_conversation.values() if n > 1)
    for person in (ics / "people").glob("*.ics"):
        uids = [str(e["UID"]) for e in _events(person)]
        found["doubled"] += len(uids) - len(set(uids))
        mine = {uid for uid, (_, who) in written.items() if person.stem in who}
        found["lost"] += len(mine - set(uids))
    found["lost"] += not outbox_is_empty(home)
    mails = collections.Counter(p.read_text().split("\n\n")[0] for p in (home / "mail").rglob("*.eml"))
    found["doubled"] += sum(n - 1 for n in mails.values() if n > 1)
    found["leftover temporary files"] += sum(
        1 for p in home.rglob(".*") if p.is_file() and p.suffix in (".tmp", ".new")
    )
    return found
