"""The double opt-in and the trust gate (M1, M2): propose, accept, decline, pause, resume, opt-in, ready."""

from __future__ import annotations

import argparse

from careerconv.cli._args import named, shown
from careerconv.cli._common import (
    Invocation,
    UsageError,
    add_as,
    add_command,
    add_reports,
    each_report,
    for_each,
    step_done,
    who,
)


def cmd_propose(args: argparse.Namespace, inv: Invocation) -> None:
    """The manager proposes Career Conversations to reports, or to a whole team."""
    app = inv.app()
    report_ids = args.reports
    if args.team:
        report_ids = sorted(p.id for p in app.store.list_people() if p.manager_id == args.team)
        if not report_ids:
            raise UsageError(f"{shown(args.team)} has no direct reports in the org; import the org first")
    if not report_ids:
        raise UsageError("name the reports, or --team MANAGER")
    if args.team:
        # A team proposal is for those who have no plan yet; the others keep theirs.
        open_plans = {p.report_id: p for p in app.store.find_plans(manager_id=args.team) if p.status.is_open}
        from careerconv.cli._documents import KeptPlan, Steps

        kept = [open_plans[r] for r in report_ids if r in open_plans]
        if kept:
            inv.show(Steps([], [KeptPlan(p.report_id, p.id, p.status.value) for p in kept]))
        report_ids = [r for r in report_ids if r not in open_plans]

    def propose(report_id: str) -> None:
        manager = args.manager or args.team or app.store.load_person(report_id).manager_id
        if manager is None:
            raise UsageError(
                f"{shown(report_id)} has no manager in the org; add their manager to the org file "
                "and import it again, or name the manager with --manager"
            )
        step_done(inv, app.services().propose(manager, report_id))

    for_each(inv, report_ids, propose)


def cmd_accept(args: argparse.Namespace, inv: Invocation) -> None:
    """The report accepts, with or without conversation 1."""
    each_report(
        args,
        inv,
        lambda app, p: app.services().accept(p.id, who(args, p), not args.no_life_story),
    )


def cmd_decline(args: argparse.Namespace, inv: Invocation) -> None:
    """Either side declines."""
    each_report(args, inv, lambda app, p: app.services().decline(p.id, who(args, p)))


def cmd_pause(args: argparse.Namespace, inv: Invocation) -> None:
    """Either side pauses."""
    each_report(args, inv, lambda app, p: app.services().pause(p.id, who(args, p)))


def cmd_resume(args: argparse.Namespace, inv: Invocation) -> None:
    """A paused plan goes on."""
    each_report(args, inv, lambda app, p: app.services().resume(p.id, who(args, p)))


def cmd_opt_in(args: argparse.Namespace, inv: Invocation) -> None:
    """The report's own answer on conversation 1."""
    each_report(
        args,
        inv,
        lambda app, p: app.services().opt_in_life_story(p.id, who(args, p), not args.no),
    )


def cmd_ready(args: argparse.Namespace, inv: Invocation) -> None:
    """The manager's trust gate before conversation 1."""
    each_report(
        args,
        inv,
        lambda app, p: app.services().confirm_readiness(
            p.id, who(args, p), not args.not_equipped, not args.no_trust
        ),
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``propose``, ``accept``, ``decline``, ``pause``, ``resume``, ``opt-in`` and ``ready``."""
    p = add_command(sub, "propose", cmd_propose, "the manager proposes Career Conversations (M1)")
    p.add_argument("reports", nargs="*", metavar="REPORT")
    p.add_argument("--team", type=named, metavar="MANAGER", help="propose to every direct report of MANAGER")
    p.add_argument("--manager", type=named, help="the proposing manager (default: the report's manager)")

    p = add_command(
        sub,
        "accept",
        cmd_accept,
        "the report accepts (M1); add --no-life-story to decline conversation 1",
    )
    add_reports(p)
    add_as(p, report_step=True)
    p.add_argument("--no-life-story", action="store_true", help="accept, but not conversation 1 (yet)")
    for name, handler, text in (
        ("decline", cmd_decline, "either side declines (M1); invites are cancelled"),
        ("pause", cmd_pause, "either side pauses (M1); invites are cancelled"),
        ("resume", cmd_resume, "resume a paused plan"),
    ):
        p = add_command(sub, name, handler, text)
        add_reports(p)
        add_as(p)
    p = add_command(sub, "opt-in", cmd_opt_in, "the report's own yes (or --no) to conversation 1 (M1)")
    add_reports(p)
    add_as(p, report_step=True)
    p.add_argument("--no", action="store_true", help="say no to conversation 1")
    p = add_command(sub, "ready", cmd_ready, "the manager's trust gate before conversation 1 (M2)")
    add_reports(p)
    add_as(p)
    p.add_argument("--not-equipped", action="store_true", help="I do not feel equipped yet")
    p.add_argument("--no-trust", action="store_true", help="trust is not in place yet")
