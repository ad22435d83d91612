"""A new manager and reciprocity (M12-M14): handoff, reciprocity, meeting, team-story."""

from __future__ import annotations

import argparse

from careerconv.cli._args import parse_datetime, positive
from careerconv.cli._common import (
    Invocation,
    add_as,
    add_command,
    add_reports,
    each_report,
    local_time,
    plan_of,
    step_done,
    who,
)


def cmd_handoff(args: argparse.Namespace, inv: Invocation) -> None:
    """A manager change, consent first: consent, meeting, path, status, expire."""
    from careerconv_core.domain.handoff import NewManagerPath

    app = inv.app()
    svc = app.services()
    if args.handoff_command == "expire":
        ended = svc.expire_handoffs()
        from careerconv.cli._upkeep_documents import HandoffsExpired

        inv.show(HandoffsExpired(len(ended)))
        return
    plan = plan_of(app, args.report)
    actor = who(args, plan)
    if args.handoff_command == "consent":
        step_done(inv, svc.answer_handoff(plan.id, actor, args.answer == "yes"))
    elif args.handoff_command == "meeting":
        step_done(inv, svc.schedule_handoff_meeting(plan.id, actor, local_time(app, args.at, actor)))
    elif args.handoff_command == "path":
        paths = {
            "full": NewManagerPath.FULL_CONVERSATIONS,
            "abbreviated": NewManagerPath.ABBREVIATED_SESSION,
            "continue": NewManagerPath.CONTINUE_PLAN,
        }
        step_done(inv, svc.choose_path(plan.id, actor, paths[args.path]))
        if args.path == "abbreviated" and args.at:
            start = local_time(app, args.at, actor)
            step_done(inv, svc.schedule_meeting(plan.id, actor, "abbreviated_session", start, 60))
    else:
        from careerconv.cli._documents import HandoffState, HandoffStatus

        h = plan.current_handoff
        state = (
            None
            if h is None
            else HandoffState(h.state.value, h.old_manager_id, h.new_manager_id, h.answer_by)
        )
        inv.show(HandoffStatus(args.report, state))


def cmd_reciprocity(args: argparse.Namespace, inv: Invocation) -> None:
    """The report asks to hear the manager's own life story."""
    each_report(args, inv, lambda app, p: app.services().request_manager_life_story(p.id, who(args, p)))


def cmd_meeting(args: argparse.Namespace, inv: Invocation) -> None:
    """Place the manager's life story or the abbreviated session."""
    app = inv.app()
    plan = plan_of(app, args.report)
    actor = who(args, plan)
    start = local_time(app, args.at, actor)
    step_done(inv, app.services().schedule_meeting(plan.id, actor, args.kind, start, args.minutes))


def cmd_team_story(args: argparse.Namespace, inv: Invocation) -> None:
    """A team life-story segment: one invite to the whole team."""
    app = inv.app()
    start = local_time(app, args.at, args.manager)
    uid = app.services().schedule_team_life_story(args.manager, start, args.minutes)
    from careerconv.cli._upkeep_documents import TeamStory

    inv.show(TeamStory(args.manager, uid))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``handoff ...``, ``reciprocity``, ``meeting`` and ``team-story``."""
    handoff = add_command(sub, "handoff", cmd_handoff, "a report's move to a new manager (M12, M13)")
    hs = handoff.add_subparsers(dest="handoff_command", required=True, metavar="SUBCOMMAND")
    p = hs.add_parser("consent", help="the report's answer: may the plan be shared?")
    p.add_argument("report")
    p.add_argument("answer", choices=("yes", "no"))
    add_as(p, report_step=True)
    p = hs.add_parser("meeting", help="schedule the three-way meeting")
    p.add_argument("report")
    p.add_argument(
        "--at", type=parse_datetime, required=True, help="start in your local time, or with an offset"
    )
    add_as(p)
    p = hs.add_parser("path", help="how the new manager goes on (M13)")
    p.add_argument("report")
    p.add_argument("path", choices=("full", "abbreviated", "continue"))
    p.add_argument("--at", type=parse_datetime, help="start of the 60-minute abbreviated session")
    add_as(p)
    p = hs.add_parser("status", help="where a manager change stands")
    p.add_argument("report")
    add_as(p)
    hs.add_parser("expire", help="end handoffs whose deadline passed without an answer")

    p = add_command(
        sub,
        "reciprocity",
        cmd_reciprocity,
        "the report asks to hear the manager's own life story (M14)",
    )
    add_reports(p)
    add_as(p, report_step=True)
    p = add_command(
        sub,
        "meeting",
        cmd_meeting,
        "place the manager's life story (M14) or an abbreviated session (M13)",
    )
    p.add_argument("report")
    p.add_argument("kind", choices=("manager_life_story", "abbreviated_session"))
    p.add_argument(
        "--at",
        type=parse_datetime,
        required=True,
        help="start in your local time, e.g. 2027-01-20T15:00, or with an offset",
    )
    p.add_argument("--minutes", type=positive(int), default=60, help="length (default 60)")
    add_as(p)
    p = add_command(
        sub,
        "team-story",
        cmd_team_story,
        "a 15-minute team life-story segment for a manager's team (M14)",
    )
    p.add_argument("manager")
    p.add_argument(
        "--at",
        type=parse_datetime,
        required=True,
        help="start in the manager's local time, e.g. 2027-01-20T10:00, or with an offset",
    )
    p.add_argument("--minutes", type=positive(int), default=15, help="length, 5 to 60 (default 15)")
