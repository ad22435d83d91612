"""Feedback on the conversations (M16): a 0-10 rating, and what HR may see of it."""

from __future__ import annotations

import argparse

from careerconv.cli._args import named
from careerconv.cli._common import Invocation, add_as, add_command, each_report, who


def cmd_feedback(args: argparse.Namespace, inv: Invocation) -> None:
    """A 0-10 rating after conversation 3."""
    each_report(args, inv, lambda app, p: app.services().give_feedback(p.id, who(args, p), args.score))


def cmd_feedback_report(args: argparse.Namespace, inv: Invocation) -> None:
    """Medians over a group of five or more people, never a single score."""
    from careerconv.cli._documents import FeedbackReport

    agg = inv.app().services().feedback_report(args.manager)
    inv.show(FeedbackReport(agg.group, agg.people, agg.report_median, agg.manager_median))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``feedback`` and ``feedback-report``."""
    p = add_command(sub, "feedback", cmd_feedback, "a 0-10 rating after conversation 3 (M16)")
    p.add_argument("reports", nargs=1, metavar="REPORT")
    p.add_argument("score", type=int)
    add_as(p)

    p = add_command(
        sub,
        "feedback-report",
        cmd_feedback_report,
        "what HR may see of the feedback: medians over groups of five or more (M16)",
    )
    p.add_argument("--manager", type=named, help="everyone under this manager (default: the whole org)")
