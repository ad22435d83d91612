"""The three conversations (M3-M9): schedule, reschedule, record an outcome, the report's consent."""

from __future__ import annotations

import argparse
from collections.abc import Collection
from datetime import date, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from careerconv.cli._args import named, parse_date, parse_datetime, path_arg, shown
from careerconv.cli._common import (
    Interrupted,
    Invocation,
    UsageError,
    add_as,
    add_command,
    add_reports,
    each_report,
    local_time,
    plan_of,
    step_done,
    who,
)

if TYPE_CHECKING:
    from careerconv.app import App
    from careerconv_core.errors import CareerconvError
    from careerconv_core.services import TeamScheduleReport

CONVERSATIONS = ("life_story", "pinnacle", "grow", "grow_review")
"""What ``record`` takes: the three outcomes, and ``grow_review`` for conversation 3 held."""


def cmd_schedule(args: argparse.Namespace, inv: Invocation) -> None:
    """Place conversations 1-3 within one month, manager by manager."""
    app = inv.app()
    start = args.start or app.clock().date()
    groups: dict[str, list[str] | None] = {}
    if args.team:
        groups[args.team] = None
    for report_id in args.reports:
        manager_id = app.store.load_person(report_id).manager_id
        if manager_id is None:
            raise UsageError(f"{shown(report_id)} has no manager in the org")
        existing = groups.setdefault(manager_id, [])
        if existing is not None:
            existing.append(report_id)
    if not groups:
        raise UsageError("name reports to schedule, or --team MANAGER")
    refusals: list[CareerconvError] = []
    before = _scheduled(app, groups)
    for manager_id, reports in groups.items():
        try:
            result = app.services().schedule_team(
                manager_id,
                start,
                reports,
                progress=inv.progress(f"scheduling {manager_id}'s team"),
                exact=args.exact,
                time_limit=args.time_limit,
            )
        except KeyboardInterrupt:
            _tell_interrupted(inv, sorted(_scheduled(app, groups) - before), groups)
            raise Interrupted from None
        # A report named by hand whose plan a rule holds back is a refusal (exit 1, on
        # standard error); in a --team run they are part of the team's overview.
        held = {r: _refusal(app, r) for r in reports or () if r in result.not_ready}
        refusals += [exc for exc in held.values() if exc is not None]
        _show_team_schedule(inv, app, manager_id, start, result, skip={r for r, e in held.items() if e})
    for exc in refusals[:-1]:
        inv.refused(exc)
    if refusals:
        raise refusals[-1]


def _scheduled(app: App, groups: dict[str, list[str] | None]) -> set[str]:
    """The reports of ``groups`` whose open plan has a conversation on the calendar, as stored now."""
    from careerconv_core.domain.conversations import ConversationStatus

    found = set()
    for manager_id, reports in groups.items():
        for plan in app.store.find_plans(manager_id=manager_id):
            wanted = reports is None or plan.report_id in reports
            booked = any(c.status is ConversationStatus.SCHEDULED for c in plan.conversations)
            if wanted and plan.status.is_open and booked:
                found.add(plan.report_id)
    return found


def _tell_interrupted(inv: Invocation, placed: list[str], groups: dict[str, list[str] | None]) -> None:
    """What an interrupted schedule committed: each placed report is whole, with its invites queued."""
    again = " ".join(f"--team {m}" if r is None else " ".join(r) for m, r in groups.items())
    if placed:
        inv.err(
            f"interrupted after placing {len(placed)} report(s), committed with their invites queued: "
            f"{', '.join(placed)}; the others are not placed. Run 'careerconv schedule {again}' "
            "again to place the rest"
        )
    else:
        inv.err("interrupted before any report was placed; nothing was committed")


def _refusal(app: App, report_id: str) -> CareerconvError | None:
    """The rule that keeps a named report from being scheduled; None when already scheduled."""
    from careerconv_core.errors import CareerconvError

    try:
        plan_of(app, report_id).check_schedulable()
    except CareerconvError as exc:
        return exc
    return None


def _show_team_schedule(
    inv: Invocation,
    app: App,
    manager_id: str,
    start: date,
    result: TeamScheduleReport,
    *,
    skip: Collection[str] = (),
) -> None:
    from careerconv.cli import _run_documents as d
    from careerconv_core.domain.budget import budget

    manager_zone = app.store.load_person(manager_id).time_zone
    placed = []
    for report_id, placement in sorted(result.placements.items()):
        zone = app.store.load_person(report_id).time_zone
        slots = [
            d.PlacedConversation(s.kind.value, at.astimezone(_zone(manager_zone)), at.astimezone(_zone(zone)))
            for s in placement.slots
            for at in (s.interval.start,)
        ]
        placed.append(d.Placed(report_id, zone, slots))
    time = None
    if result.placed:
        settings = app.settings
        spent = budget(len(result.placed), settings.lengths, settings.scheduling.weekly_cap_minutes)
        time = d.CareerTime(spent.reports, spent.initial_hours, spent.quarterly_minutes)
    team = d.TeamSchedule(
        manager_id,
        manager_zone,
        start,
        placed,
        [d.Unplaced(r, b.reason, b.fix) for r, b in sorted(result.unplaced.items())],
        [d.NotReady(r, why, r in skip) for r, why in sorted(result.not_ready.items())],
        result.note,
        time,
        dict(sorted(result.minutes_per_week.items())),
        result.exact,
    )
    inv.show(d.Schedule([team]))


def _zone(name: str) -> tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def cmd_reschedule(args: argparse.Namespace, inv: Invocation) -> None:
    """Move one conversation; the others stay valid or the error says why."""
    from careerconv_core.domain.conversations import ConversationKind

    app = inv.app()
    plan = plan_of(app, args.report)
    actor = who(args, plan)
    report = app.services().reschedule(
        plan.id,
        actor,
        ConversationKind(args.conversation),
        local_time(app, args.to, actor),
        shift_later=args.shift_later,
    )
    step_done(inv, report)


def cmd_record(args: argparse.Namespace, inv: Invocation) -> None:
    """Record an outcome from a file or from answers at the terminal; or conversation 3 held."""
    from careerconv import records

    app = inv.app()
    plan = plan_of(app, args.report)
    actor = who(args, plan, report_step=args.conversation == "grow")  # the GROW plan is the report's
    svc = app.services()
    if args.conversation == "grow_review":
        step_done(inv, svc.record_grow_review(plan.id, actor))
        try:
            step_done(inv, svc.schedule_follow_ups(plan.id, actor))
        except Exception as exc:  # noqa: BLE001 - the review is recorded; say why check-ins were not placed
            from careerconv.cli._documents import Steps
            from careerconv_core.services import safe_message

            why = f"check-ins not placed: {safe_message(exc)}; run 'careerconv followups {args.report}'"
            inv.show(Steps([], warnings=[why]))
        return
    if args.file:
        source = str(args.file)
        data = records.read_document(Path(args.file))
    elif inv.stdin.isatty() and not inv.json:  # the questions would go where the document goes
        from careerconv.cli.recording_prompts import outcome_from_answers

        source = "answers"
        data = outcome_from_answers(
            args.conversation, ask=inv.ask, catalog=app.catalog, as_report=actor == plan.report_id
        )
    else:
        raise UsageError("give --file FILE (TOML or JSON), or run in a terminal to answer questions")
    table = records.outcome(data, args.conversation, source)
    if args.conversation == "life_story":
        step_done(inv, svc.record_life_story(plan.id, actor, records.life_story(table, source)))
    elif args.conversation == "pinnacle":
        pinnacle = records.pinnacle(table, source, app.catalog())
        step_done(inv, svc.record_pinnacle(plan.id, actor, pinnacle))
    else:
        grow = records.grow(table, source, app.clock().date())
        step_done(inv, svc.write_grow(plan.id, actor, grow))


def cmd_consent(args: argparse.Namespace, inv: Invocation) -> None:
    """The report decides what leaves the pair."""
    from careerconv_core.domain.plan import Consent

    consent = Consent(args.goal_on_tickets, args.summary_to_hris, args.goal_in_summary)
    each_report(args, inv, lambda app, p: app.services().set_consent(p.id, who(args, p), consent))


def _seconds(text: str) -> float:
    """A time limit in seconds, more than 0 and at most an hour."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"{shown(text)} is not seconds from more than 0 to 3600, such as 10")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``schedule``, ``reschedule``, ``record`` and ``consent``."""
    p = add_command(
        sub,
        "schedule",
        cmd_schedule,
        "place conversations 1-3 within one month (M4), for reports or a team",
    )
    p.add_argument("reports", nargs="*", metavar="REPORT")
    p.add_argument("--team", type=named, metavar="MANAGER", help="every ready report of MANAGER")
    p.add_argument("--start", type=parse_date, help="first day of the one-month window (default today)")
    p.add_argument(
        "--exact",
        action="store_true",
        help="solve again with CP-SAT, seeded by the heuristic (needs careerconv[optimal])",
    )
    p.add_argument(
        "--time-limit",
        type=_seconds,
        default=10.0,
        metavar="S",
        help="seconds CP-SAT may take per team with --exact (default 10)",
    )

    p = add_command(
        sub,
        "reschedule",
        cmd_reschedule,
        "move one conversation; the others stay valid or the error says why",
    )
    p.add_argument("report")
    p.add_argument("conversation", choices=("life_story", "pinnacle", "grow_review"))
    p.add_argument(
        "--to",
        type=parse_datetime,
        required=True,
        help="new start in your local time, e.g. 2026-12-10T14:00, or with an offset",
    )
    p.add_argument(
        "--shift-later",
        action="store_true",
        help="move the later conversations as little as needed",
    )
    add_as(p)

    p = add_command(
        sub,
        "record",
        cmd_record,
        "record a conversation's outcome from a TOML/JSON file or interactively",
    )
    p.add_argument("report")
    p.add_argument(
        "conversation",
        choices=CONVERSATIONS,
        help="life_story, pinnacle, grow (the report's homework: --as defaults to the report) or "
        "grow_review (conversation 3 held)",
    )
    p.add_argument(
        "--file", type=path_arg, help="TOML or JSON with a [life_story], [pinnacle] or [grow] table"
    )
    add_as(p)

    p = add_command(
        sub, "consent", cmd_consent, "the report decides what leaves the pair (tickets, HR record)"
    )
    add_reports(p)
    add_as(p, report_step=True)
    p.add_argument("--goal-on-tickets", action="store_true", help="show the goal on tickets")
    p.add_argument("--summary-to-hris", action="store_true", help="write a plan summary to the HRIS")
    p.add_argument("--goal-in-summary", action="store_true", help="include the goal in that summary")
