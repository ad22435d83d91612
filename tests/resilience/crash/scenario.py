"""One crash run's world: a careerconv home whose outbox holds real effects, and the checks.

``build_home`` writes a ``careerconv.toml`` that points at real servers
(Radicale for invites, the fake Jira over HTTP for tickets, aiosmtpd and
``.eml`` files for notices, JSON files for the HRIS summary) and runs the use
cases so that the SQLite outbox holds invites, updates, tickets, notices and
a summary. ``check_home`` then looks at what the servers hold, not at what
the store believes, and names every missing or duplicated effect.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import requests
from attrs import define, field

from careerconv.app import App
from careerconv_core import serialization
from careerconv_core.dispatch import view_key
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.domain.life_story import LifeStory
from careerconv_core.domain.plan import Consent
from careerconv_core.outbox import Channel, OutboxEntry, OutboxStatus
from careerconv_core.ports import DELIVERING, PlanChange
from careerconv_core.testing import FixedClock, SequentialIds
from careerconv_core.views import HrisSummaryView, InviteMethod, InviteView, NoticeView, TicketView
from careerconv_plugins.ics import mapping as ics_mapping
from careerconv_plugins.jira.mapping import label_for
from careerconv_plugins.localfiles.client import JsonFolder
from careerconv_plugins.mail.mapping import notice_message
from careerconv_plugins.mail.notifier_adapter import MailFilesNotifier
from careerconv_plugins.sql.sealing import create_key_file
from resilience.crash.child import host
from support.plans import grow_plan, pinnacle_for_manager
from support.world import PEOPLE

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CALDAV_ENV = "CC_CRASH_CALDAV_PASSWORD"
JIRA_ENV = "CC_CRASH_JIRA_TOKEN"
SENDER = "careers@example.com"
DAV = "{DAV:}"


@define
class Servers:
    """Where the real servers of a crash module listen."""

    caldav_home: str  # the user's home collection URL, ending in "/"
    caldav_user: str
    caldav_password: str
    jira_url: str
    jira_token: str
    smtp_port: int
    caldav_storage: Path | None = None  # Radicale's collection folder, read directly when set


def write_config(home: Path, servers: Servers, run: int) -> None:
    """careerconv.toml for one run: a calendar collection of its own on the CalDAV server."""
    home.mkdir(parents=True, exist_ok=True)
    create_key_file(home / "careerconv.key")
    (home / "careerconv.toml").write_text(
        f"""\
[store]
adapter = "sqlite"
settings = {{ path = "careerconv.db", key_file = "careerconv.key" }}

[[calendar]]
adapter = "caldav"
settings = {{ url = "{servers.caldav_home}crash-{run}/", user = "{servers.caldav_user}", \
password_env = "{CALDAV_ENV}", timeout = "10" }}

[[tracker]]
adapter = "jira"
settings = {{ url = "{servers.jira_url}", project = "CAREER", deployment = "cloud", \
email = "bot@example.com", token_env = "{JIRA_ENV}", timeout = "10" }}

[[notifier]]
adapter = "smtp"
settings = {{ host = "127.0.0.1", port = "{servers.smtp_port}", security = "none", \
from_address = "{SENDER}", timeout = "10", state_directory = "smtp-sent" }}

[[notifier]]
adapter = "mailfiles"
settings = {{ directory = "mail", from_address = "{SENDER}" }}

[[hris_writer]]
adapter = "files"
settings = {{ directory = "hris" }}

[hris_source]
adapter = "orgfile"

[catalog]
adapter = "builtin"

[dispatch]
max_attempts = 6
base_seconds = 30
""",
        encoding="utf-8",
    )


def _close_adapters(app: App) -> None:
    for port in DELIVERING.values():
        for _n, adapter in app.adapters(port):
            closer = getattr(adapter, "close", None)
            if callable(closer):
                closer()
    app.close()


def build_home(root: Path, servers: Servers, run: int, rng: random.Random) -> Path:
    """A home whose outbox holds a small, seeded mix of effects; nothing delivered yet
    except, in some runs, a first version that a later change then updates."""
    home = root / f"run{run:03d}"
    write_config(home, servers, run)
    app = App.load(home, host())
    clock = FixedClock(T0)
    app.clock = clock
    try:
        app.store.commit(PlanChange(people=PEOPLE))
        from careerconv_core.services import Services

        svc = Services(app.store, clock, SequentialIds(f"c{run}p"), app.settings)
        second = started(svc, clock, "r2") if rng.random() < 0.5 else None
        if second is not None and rng.random() < 0.5:
            # Deliver the first version now, so the crash run holds a real update (SEQUENCE 1).
            app.dispatcher().run_once()
            now = clock()
            svc.place_conversations(
                second,
                "m1",
                {
                    ConversationKind.PINNACLE: (
                        now + timedelta(days=2, hours=6),
                        now + timedelta(days=2, hours=7),
                    ),
                },
            )
        first = through_review(svc, clock, "r1")
        if rng.random() < 0.5:
            svc.set_consent(first, "r1", Consent(summary_to_hris=True))
        if second is not None and rng.random() < 0.3:
            svc.decline(second, "r2")  # cancellations: the events must be gone afterwards
    finally:
        _close_adapters(app)
    return home


def started(svc: Any, clock: FixedClock, report: str) -> str:
    """A plan of ``report`` with its three conversations placed; its id."""
    plan_id: str = svc.propose("m1", report).plan.id
    svc.accept(plan_id, report, life_story_opt_in=True)
    svc.confirm_readiness(plan_id, "m1", True, True)
    # T0 is 09:00 UTC, 10:00 in Berlin; r2 works in New York, so hers start at 14:00 UTC,
    # inside both people's working hours (M4).
    now = clock() + timedelta(hours=5 if report == "r2" else 0)
    svc.place_conversations(
        plan_id,
        "m1",
        {
            ConversationKind.LIFE_STORY: (now + timedelta(days=1), now + timedelta(days=1, hours=1)),
            ConversationKind.PINNACLE: (now + timedelta(days=2), now + timedelta(days=2, hours=1)),
            ConversationKind.GROW_REVIEW: (now + timedelta(days=7), now + timedelta(days=7, minutes=45)),
        },
    )
    return plan_id


def through_review(svc: Any, clock: FixedClock, report: str) -> str:
    """A plan of ``report`` through conversation 3, with one GROW action; its id."""
    plan_id = started(svc, clock, report)
    clock.advance(days=1, hours=1)
    svc.record_life_story(plan_id, "m1", LifeStory("grew up by the sea", ("curiosity",), ("fairness",)))
    clock.advance(days=1)
    svc.record_pinnacle(plan_id, "m1", pinnacle_for_manager())
    svc.rate(plan_id, report, "strategy", 2)
    svc.choose_focus(plan_id, report, ["strategy"])
    svc.write_grow(plan_id, report, grow_plan(starts=clock().date()))
    clock.advance(days=5)
    svc.record_grow_review(plan_id, report)
    return plan_id


# ------------------------------------------------------------------ the checks
@define
class Findings:
    """What the servers hold compared with the outbox: lost and duplicated effects."""

    effects: int = 0
    missing: list[str] = field(factory=list)
    duplicates: list[str] = field(factory=list)  # effects promised exactly once, seen twice
    mail_duplicates: list[str] = field(factory=list)  # SMTP notices seen more than once
    stuck: list[str] = field(factory=list)  # entries not delivered after the restart

    @property
    def exactly_once(self) -> bool:
        """Every effect arrived, and none twice, on every channel (SMTP included)."""
        return not (self.missing or self.duplicates or self.mail_duplicates or self.stuck)


_TYPES: dict[Channel, type] = {
    Channel.CALENDAR: InviteView,
    Channel.TRACKER: TicketView,
    Channel.NOTIFIER: NoticeView,
    Channel.HRIS: HrisSummaryView,
}


def _latest(entries: list[OutboxEntry], channel: Channel) -> dict[str, Any]:
    """The newest view per delivery key (uid, ticket key, notice key, external id)."""
    latest: dict[str, Any] = {}
    for entry in entries:  # oldest first, so the last one per key wins
        if entry.channel is channel:
            view = serialization.loads(entry.payload, _TYPES[channel])
            latest[view_key(channel, view)] = view
    return latest


def calendar_events(url: str, auth: tuple[str, str]) -> list[icalendar.Event]:
    """Every event stored in the collection at ``url`` (one GET per resource)."""
    answer = requests.request(
        "PROPFIND",
        url,
        auth=auth,
        headers={"Depth": "1", "Content-Type": "application/xml"},
        data='<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>',
        timeout=10,
    )
    if answer.status_code == 404:
        return []
    answer.raise_for_status()
    hrefs = [h.text or "" for h in ET.fromstring(answer.content).iter(f"{DAV}href")]
    events: list[icalendar.Event] = []
    for href in hrefs:
        if not href.endswith(".ics"):
            continue
        got = requests.get(requests.compat.urljoin(url, href), auth=auth, timeout=10)
        got.raise_for_status()
        events += list(icalendar.Calendar.from_ical(got.text).walk("VEVENT"))
    return events


def stored_events(folder: Path) -> list[icalendar.Event]:
    """Every event in a Radicale collection folder, read from the server's own storage."""
    if not folder.is_dir():
        return []
    return [
        e
        for path in sorted(folder.glob("*.ics"))
        for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    ]


def check_home(home: Path, run: int, servers: Servers, jira: Any, mail_ids: Counter[str]) -> Findings:
    """Compare every effect the outbox asked for with what the servers hold."""
    found = Findings()
    app = App.load(home, host())
    try:
        entries = list(app.store.outbox())
    finally:
        app.close()
    found.stuck += [
        f"{e.channel.value} {e.key}: {e.status.value} {e.last_error}"
        for e in entries
        if e.status in (OutboxStatus.PENDING, OutboxStatus.FAILED)
    ]
    _check_invites(found, entries, run, servers)
    _check_tickets(found, entries, jira)
    _check_notices(found, entries, home, mail_ids)
    for key in _latest(entries, Channel.HRIS):  # one summary file per external id
        found.effects += 1
        if not JsonFolder("files hris", str(home / "hris")).path(key).is_file():
            found.missing.append(f"summary {key}: no file")
    return found


def _check_invites(found: Findings, entries: list[OutboxEntry], run: int, servers: Servers) -> None:
    """Each UID once, with the latest start and SEQUENCE; cancelled ones gone."""
    if servers.caldav_storage is not None:
        user_folder = servers.caldav_storage / "collection-root" / servers.caldav_user
        events = stored_events(user_folder / f"crash-{run}")
    else:
        url = f"{servers.caldav_home}crash-{run}/"
        events = calendar_events(url, (servers.caldav_user, servers.caldav_password))
    by_uid = Counter(str(e["UID"]) for e in events)
    for key, view in _latest(entries, Channel.CALENDAR).items():
        found.effects += 1
        count = by_uid.pop(view.uid, 0)
        if view.method is InviteMethod.CANCEL:
            if count:
                found.missing.append(f"invite {key}: cancelled but still on the server")
        elif count == 0:
            found.missing.append(f"invite {key}: not on the server")
        elif count > 1:
            found.duplicates.append(f"invite {key}: {count} events with this UID")
        else:
            event = next(e for e in events if str(e["UID"]) == view.uid)
            latest = event.decoded("DTSTART") == view.start
            if not latest or ics_mapping.stored_sequence(event) != view.sequence:
                found.missing.append(f"invite {key}: the server holds an old version")
    found.duplicates += [f"invite {uid}: not asked for" for uid in by_uid]


def _check_tickets(found: Findings, entries: list[OutboxEntry], jira: Any) -> None:
    """Each action's label on exactly one issue."""
    for key in _latest(entries, Channel.TRACKER):
        found.effects += 1
        issues = jira.by_label(label_for("careerconv-", key))
        if not issues:
            found.missing.append(f"ticket {key}: not in Jira")
        elif len(issues) > 1:
            found.duplicates.append(f"ticket {key}: {len(issues)} issues")


class MailIds:
    """Message-IDs the SMTP server received, counted as they arrive (parsed once each)."""

    def __init__(self, messages: list[Any]) -> None:
        self.messages = messages
        self.seen = 0
        self.counts: Counter[str] = Counter()

    def update(self) -> Counter[str]:
        """The counts, including messages received since the last call."""
        for message in self.messages[self.seen :]:
            self.counts[str(message.message["Message-ID"])] += 1
        self.seen = len(self.messages)
        return self.counts


def _check_notices(found: Findings, entries: list[OutboxEntry], home: Path, ids: Counter[str]) -> None:
    """Each notice once by SMTP (found by its Message-ID) and once as an .eml file."""
    files = MailFilesNotifier(home / "mail", sender=SENDER)
    notices = _latest(entries, Channel.NOTIFIER)
    for key, view in notices.items():
        found.effects += 2
        count = ids[str(notice_message(view, sender=SENDER, stamp=T0)["Message-ID"])]
        if count == 0:
            found.missing.append(f"notice {key}: no mail")
        elif count > 1:
            found.mail_duplicates.append(f"notice {key}: {count} mails")
        if not files.path(key).is_file():
            found.missing.append(f"notice {key}: no .eml file")
    eml = list((home / "mail").glob("*.eml")) if (home / "mail").is_dir() else []
    if len(eml) > len(notices):
        found.duplicates.append(f"{len(eml)} .eml files for {len(notices)} notices")


# ------------------------------------------------------------ the crash server
CHILD = Path(__file__).with_name("child.py")


class Zygote:
    """``child.py serve``: forks one dispatcher process per job, answers one line per job."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self._err = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD), "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._err,
            env=env,
            text=True,
            bufsize=1,
        )

    def run(self, job: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the crash server died:\n{self.log.read_text()[-3000:]}"
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()
        self._err.close()


def fast_folder(factory: Any, name: str) -> Path:
    """A folder in memory (tmpfs) when there is one: SIGKILL loses no written data there
    either, and the servers' fsyncs stop dominating the run time."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix=f"careerconv-{name}-", dir=shm))
    return factory.mktemp(name)
