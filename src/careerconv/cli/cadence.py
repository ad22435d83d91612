"""Keeping the plan alive (M10, M11): check-ins, the first year's follow-ups, what is due."""

from __future__ import annotations

import argparse

from careerconv.cli._args import named, parse_date
from careerconv.cli._common import Invocation, add_as, add_command, add_reports, each_report, who


def cmd_checkin(args: argparse.Namespace, inv: Invocation) -> None:
    """A monthly check-in, or a quarterly review; a decline of more is respected."""
    from careerconv_core.domain.cadence import CheckInKind

    kind = CheckInKind.EXTENDED_REVIEW if args.review else CheckInKind.CHECK_IN
    on_track = None if args.on_track is None else args.on_track == "yes"
    each_report(
        args,
        inv,
        lambda app, p: app.services().check_in(
            p.id,
            who(args, p),
            kind,
            on_track=on_track,
            notes=args.notes or "",
            declines_more_conversation=args.decline_more,
        ),
    )


def cmd_followups(args: argparse.Namespace, inv: Invocation) -> None:
    """Place the first year's check-ins and reviews."""
    each_report(args, inv, lambda app, p: app.services().schedule_follow_ups(p.id, who(args, p)))


def cmd_due(args: argparse.Namespace, inv: Invocation) -> None:
    """What is due or overdue on a day; nudges queued for it on request."""
    from careerconv.cli._documents import Due, DueEntry

    app = inv.app()
    day = args.on or app.clock().date()
    items = app.services().due(day, args.manager)
    nudged = len(app.services().send_nudges(day, args.manager)) if args.nudge else None
    entries = [
        DueEntry(i.due, i.kind.value, i.plan_id, i.report_id, i.manager_id, i.due < day) for i in items
    ]
    from careerconv.cli.answers import answer_entries

    inv.show(Due(day, args.manager, entries, nudged, answer_entries(app, args.manager)))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``checkin``, ``followups`` and ``due``."""
    p = add_command(
        sub,
        "checkin",
        cmd_checkin,
        "record a monthly check-in or (--review) a quarterly review (M10)",
    )
    add_reports(p)
    add_as(p)
    p.add_argument("--review", action="store_true", help="an extended quarterly review")
    p.add_argument("--on-track", choices=("yes", "no"), help="is the plan on track?")
    p.add_argument("--notes", help="private notes (stay between the two of you)")
    p.add_argument(
        "--decline-more",
        action="store_true",
        help="the report does not want longer career conversations now (respected)",
    )
    p = add_command(sub, "followups", cmd_followups, "place the first year's check-ins and reviews (M10)")
    add_reports(p)
    add_as(p)

    p = add_command(
        sub,
        "due",
        cmd_due,
        "what is due on or before a day: conversations, check-ins, reviews, probes",
    )
    p.add_argument("--manager", type=named)
    p.add_argument("--on", type=parse_date, help="the day (default today)")
    p.add_argument("--nudge", action="store_true", help="queue nudges for what is due")
