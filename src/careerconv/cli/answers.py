"""Attendees' answers read back from the calendars: ``sync-answers``, and the lines
``status`` and ``due`` show for declined, tentative and deleted meetings."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from careerconv.cli._common import Invocation, add_command

if TYPE_CHECKING:
    from careerconv.app import App
    from careerconv.cli._documents import AnswerEntry

NONE_READS = (
    "no configured calendar reads answers back; set imap_host (and the other imap_ settings) "
    "on the imip calendar, or use a calendar adapter that reads them (google, microsoft)"
)


def cmd_sync_answers(args: argparse.Namespace, inv: Invocation) -> None:
    """Ask each calendar that can tell answers about the upcoming meetings delivered through it."""
    from careerconv.cli._upkeep_documents import AnswersSync, CalendarRead, NewAnswer
    from careerconv_core.ports import AdapterKind, AnswersRead

    app = inv.app()
    sources = [(n, a) for n, a in app.adapters(AdapterKind.CALENDAR) if isinstance(a, AnswersRead)]
    if not sources:
        inv.show(AnswersSync(False, [], [], 0))
        return
    report = app.services().read_answers(sources, progress=inv.progress("reading answers"))
    calendars = [
        CalendarRead(name, report.asked.get(name, 0), report.read.get(name, 0), report.unavailable.get(name))
        for name, _ in sources
    ]
    new = [NewAnswer(s.report_id, s.title, s.start, s.person_id or None, s.answer.value) for s in report.new]
    inv.show(AnswersSync(True, calendars, new, len(report.queued)))


def answer_entries(app: App, manager_id: str | None = None) -> list[AnswerEntry]:
    """Each declined, tentative or deleted upcoming meeting, in its manager's time zone,
    with the command that moves it."""
    from careerconv.cli._documents import AnswerEntry
    from careerconv_core import colleagues
    from careerconv_core.domain.answers import Answer
    from careerconv_core.domain.when import local
    from careerconv_core.services import Services
    from careerconv_core.services.answers import move_command

    # Only the store is read: no calendar is built, so 'status' works whatever they need.
    svc = Services(app.store, app.clock, lambda: "", app.settings)
    entries: list[AnswerEntry] = []
    for plan in sorted(app.store.find_plans(manager_id=manager_id), key=lambda p: p.report_id):
        if not plan.status.is_open or not plan.answers:
            continue
        zone = colleagues.named(app.store, plan.manager_id).time_zone  # a manager who left: UTC
        for invite, answer in svc.standing_answers(plan):
            removed = answer.answer is Answer.REMOVED
            name = next((p.name for p in invite.attendees if p.person_id == answer.person_id), "")
            entries.append(
                AnswerEntry(
                    plan.report_id,
                    invite.title,
                    invite.start,
                    str(local(invite.start, zone)),
                    answer.answer.value,
                    None if removed else answer.person_id,
                    "" if removed else name,
                    move_command(plan.report_id, invite.kind),
                )
            )
    return entries


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``sync-answers``."""
    add_command(
        sub,
        "sync-answers",
        cmd_sync_answers,
        "read attendees' answers to the invites back from the calendars (and the REPLY mailbox)",
    )
