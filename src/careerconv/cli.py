"""The ``careerconv`` command: Career Conversations for a whole team, on embedded defaults.

This module only parses arguments and prints; the work is in the use cases.
Imports of everything but ``argparse`` happen inside the commands, so that
``careerconv --help`` stays fast.

Who acts: commands that one side of a plan takes (accept, rate, choose
focus, consent) take ``--as PERSON``; it defaults to the report's current
manager. Checking who is really at the keyboard is the embedding tool's job;
careerconv checks that the person named may take the step.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from careerconv.app import App
    from careerconv_core.domain.plan import CareerPlan

HOME_ENV = "CAREERCONV_HOME"
CONVERSATIONS = ("life_story", "pinnacle", "grow", "grow_review")


class UsageError(Exception):
    """A command was called wrongly; the message says how to call it."""


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def _progress(label: str) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        if sys.stderr.isatty() or os.environ.get("CAREERCONV_PROGRESS"):
            end = "\n" if done == total else "\r"
            sys.stderr.write(f"{label} {done}/{total}{end}")
            sys.stderr.flush()

    return show


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _datetime(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date-time like 2026-12-03T10:00+01:00, got {text!r}"
        ) from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} has no UTC offset; add one, e.g. {text}+01:00 or {text}Z"
        )
    return value


# --------------------------------------------------------------------------- helpers
def _app(args: argparse.Namespace) -> App:
    from careerconv.app import App

    return App.load(Path(args.home))


def _plan_of(app: App, report_id: str) -> CareerPlan:
    """The report's current plan: the open one, else the latest."""
    from careerconv_core.domain.plan import PlanStatus
    from careerconv_core.errors import NotFound

    app.store.load_person(report_id)
    plans = list(app.store.find_plans(report_id=report_id))
    if not plans:
        raise NotFound("plan for report", report_id)
    open_ = [
        p for p in plans if p.status in (PlanStatus.PROPOSED, PlanStatus.ACTIVE, PlanStatus.PAUSED)
    ]
    chosen: CareerPlan = (open_ or sorted(plans, key=lambda p: p.proposed_at))[-1]
    return chosen


def _who(args: argparse.Namespace, plan: CareerPlan) -> str:
    return str(getattr(args, "as_", None) or plan.manager_id)


def _step_done(report: Any) -> None:
    plan = report.plan
    _out(
        f"{report.events[0]}: plan {plan.id} ({plan.status.value}), {len(report.queued)} effect(s) queued"
    )
    for finding in report.findings:
        _out(f"  stress test: {finding}")


# --------------------------------------------------------------------------- commands
def cmd_init(args: argparse.Namespace) -> None:
    from careerconv.app import CONFIG_NAME, DEFAULT_CONFIG, App

    home = Path(args.home)
    config = home / CONFIG_NAME
    if config.exists() and not args.force:
        raise UsageError(f"{config} exists; use --force to overwrite it")
    home.mkdir(parents=True, exist_ok=True)
    config.write_text(DEFAULT_CONFIG, encoding="utf-8")
    app = App.load(home)
    app.store  # noqa: B018 - opening the store creates and migrates it
    app.close()
    _out(
        f"initialised {home} (embedded defaults: SQLite store, .ics files, mail files, file tracker)"
    )


def cmd_adapters(args: argparse.Namespace) -> None:
    from careerconv_core.hookspecs import AdapterKind
    from careerconv_core.plugins import make_plugin_manager

    host = make_plugin_manager()
    for kind in AdapterKind:
        for name, spec in host.adapters(kind).items():
            settings = f" [settings: {', '.join(spec.settings)}]" if spec.settings else ""
            _out(f"{kind.value:12} {name:10} {spec.summary}{settings}")


def cmd_org_import(args: argparse.Namespace) -> None:
    app = _app(args)
    source = app.hris_source(path=str(Path(args.file).resolve()))
    snapshot = source.read_people()
    _org_report(app.services().sync_org(snapshot, complete=True))


def cmd_org_sync(args: argparse.Namespace) -> None:
    _org_report(_app(args).sync_org(full=args.full))


def _org_report(report: Any) -> None:
    _out(
        f"org: {len(report.added)} added, {len(report.updated)} updated, {len(report.removed)} removed"
    )
    for plan_id in report.handoffs:
        _out(f"  manager change on plan {plan_id}: the report is asked for consent first (M12)")
    for plan_id in report.ended:
        _out(f"  plan {plan_id} ended: the report left")


def cmd_propose(args: argparse.Namespace) -> None:
    app = _app(args)
    report_ids = args.reports
    if args.team:
        report_ids = sorted(p.id for p in app.store.list_people() if p.manager_id == args.team)
        if not report_ids:
            raise UsageError(
                f"{args.team!r} has no direct reports in the org; import the org first"
            )
    if not report_ids:
        raise UsageError("name the reports, or --team MANAGER")
    for report_id in report_ids:
        manager = args.manager or args.team or app.store.load_person(report_id).manager_id
        _step_done(app.services().propose(manager, report_id))


def _each_report(args: argparse.Namespace, fn: Callable[[App, CareerPlan], Any]) -> None:
    app = _app(args)
    for report_id in args.reports:
        plan = _plan_of(app, report_id)
        _step_done(fn(app, plan))


def cmd_accept(args: argparse.Namespace) -> None:
    _each_report(
        args, lambda app, p: app.services().accept(p.id, _who(args, p), not args.no_life_story)
    )


def cmd_decline(args: argparse.Namespace) -> None:
    _each_report(args, lambda app, p: app.services().decline(p.id, _who(args, p)))


def cmd_pause(args: argparse.Namespace) -> None:
    _each_report(args, lambda app, p: app.services().pause(p.id, _who(args, p)))


def cmd_resume(args: argparse.Namespace) -> None:
    _each_report(args, lambda app, p: app.services().resume(p.id, _who(args, p)))


def cmd_opt_in(args: argparse.Namespace) -> None:
    _each_report(
        args, lambda app, p: app.services().opt_in_life_story(p.id, _who(args, p), not args.no)
    )


def cmd_ready(args: argparse.Namespace) -> None:
    _each_report(
        args,
        lambda app, p: app.services().confirm_readiness(
            p.id, _who(args, p), not args.not_equipped, not args.no_trust
        ),
    )


def cmd_schedule(args: argparse.Namespace) -> None:
    app = _app(args)
    start = args.start or app.clock().date()
    groups: dict[str, list[str] | None] = {}
    if args.team:
        groups[args.team] = None
    for report_id in args.reports:
        manager_id = app.store.load_person(report_id).manager_id
        if manager_id is None:
            raise UsageError(f"{report_id!r} has no manager in the org")
        existing = groups.setdefault(manager_id, [])
        if existing is not None:
            existing.append(report_id)
    if not groups:
        raise UsageError("name reports to schedule, or --team MANAGER")
    for manager_id, reports in groups.items():
        result = app.services().schedule_team(
            manager_id, start, reports, progress=_progress(f"scheduling {manager_id}'s team")
        )
        _out(
            f"{manager_id}: {len(result.placed)} placed, {len(result.unplaced)} could not fit, "
            f"{len(result.not_ready)} not ready (window {start} + one month)"
        )
        for report_id, placement in sorted(result.placements.items()):
            times = ", ".join(
                f"{s.kind.value} {s.interval.start:%a %Y-%m-%d %H:%M}Z" for s in placement.slots
            )
            _out(f"  {report_id}: {times}")
        for report_id, blocker in sorted(result.unplaced.items()):
            _out(f"  {report_id}: not placed: {blocker.reason}. Fix: {blocker.fix}")
        for report_id, reason in sorted(result.not_ready.items()):
            _out(f"  {report_id}: not ready: {reason}")
        if result.note:
            _out(f"  note: {result.note}")
        if result.placed:
            from careerconv_core.domain.budget import budget

            settings = app.settings
            time = budget(len(result.placed), settings.lengths, settings.scheduling.weekly_cap_minutes)
            _out(f"  career time (M11): {time.initial_hours:.2f} h for the {time.reports} placed, then "
                 f"about {time.quarterly_minutes / 60:.1f} h a quarter")
        load = ", ".join(
            f"{week} {minutes / 60:.1f}h"
            for week, minutes in sorted(result.minutes_per_week.items())
        )
        if load:
            _out(f"  manager's career-conversation hours per week: {load}")


def cmd_reschedule(args: argparse.Namespace) -> None:
    from careerconv_core.domain.conversations import ConversationKind

    app = _app(args)
    plan = _plan_of(app, args.report)
    report = app.services().reschedule(
        plan.id,
        _who(args, plan),
        ConversationKind(args.conversation),
        args.to,
        shift_later=args.shift_later,
    )
    _step_done(report)


def _interactive_outcome(name: str, app: App, as_report: bool) -> dict[str, Any]:
    """Ask for an outcome on the terminal, field by field."""

    def ask(prompt: str, default: str = "") -> str:
        answer = input(f"{prompt}{f' [{default}]' if default else ''}: ").strip()
        return answer or default

    def many(prompt: str) -> list[str]:
        return [x.strip() for x in ask(f"{prompt} (comma-separated)").split(",") if x.strip()]

    if name == "life_story":
        return {
            "life_story": {
                "notes": ask("What did you learn (notes stay between you two)"),
                "drives": many("Core drives"),
                "values": many("Values"),
            }
        }
    if name == "pinnacle":
        catalog = app.catalog()
        roles = []
        for n in range(3):
            title = ask(f"Pinnacle role {n + 1} (empty to stop)")
            if not title:
                break
            roles.append(
                {"id": f"role{n + 1}", "title": title, "company": ask("  at which kind of company")}
            )
        chosen = ask("Which role is the goal (1-3)", "1") if roles else ""
        comp_ids = many(
            f"Competency ids for that role (e.g. {', '.join(c.id for c in catalog.competencies[:3])})"
        )
        comps: list[dict[str, Any]] = []
        for cid in comp_ids[:10]:
            entry: dict[str, Any] = {"competency_id": cid}
            if as_report:
                entry["self_rating"] = int(ask(f"  your rating for {cid}, 1-5", "3"))
            comps.append(entry)
        table: dict[str, Any] = {
            "dream": ask("The dream, in a sentence"),
            "roles": roles,
            "crossed_out": many("Careers crossed out"),
            "competencies": comps,
        }
        if roles and chosen.isdigit() and 1 <= int(chosen) <= len(roles):
            table["chosen_role_id"] = f"role{chosen}"
        if as_report:
            table["focus"] = many("Which competencies do you choose to develop now")
        return {"pinnacle": table}
    goal_role = ask("Goal: the id of the pinnacle role", "role1")
    actions = []
    for n in range(10):
        title = ask(f"Will: action {n + 1} (empty to stop)")
        if not title:
            break
        actions.append(
            {
                "id": f"a{n + 1}",
                "title": title,
                "owner_id": ask("  owner (person id)"),
                "due": ask("  due date YYYY-MM-DD"),
                "done_when": ask("  done when"),
                "opportunity": {
                    "kind": ask(
                        "  where in the current job (role/project/team_responsibility)", "project"
                    ),
                    "description": ask("  which one"),
                },
            }
        )
    return {
        "grow": {
            "goal": {"role_id": goal_role, "statement": ask("Goal in your words")},
            "actions": actions,
        }
    }


def cmd_record(args: argparse.Namespace) -> None:
    from careerconv import records

    app = _app(args)
    plan = _plan_of(app, args.report)
    who = _who(args, plan)
    svc = app.services()
    if args.conversation == "grow_review":
        _step_done(svc.record_grow_review(plan.id, who))
        try:
            _step_done(svc.schedule_follow_ups(plan.id, who))
        except Exception as exc:  # noqa: BLE001 - the review is recorded; say why check-ins were not placed
            from careerconv_core.services import safe_message

            _out(
                f"  check-ins not placed: {safe_message(exc)}; run 'careerconv followups {args.report}'"
            )
        return
    if args.file:
        source = str(args.file)
        data = records.read_document(Path(args.file))
    elif sys.stdin.isatty():
        source = "answers"
        data = _interactive_outcome(args.conversation, app, who == plan.report_id)
    else:
        raise UsageError(
            "give --file FILE (TOML or JSON), or run in a terminal to answer questions"
        )
    table = records.outcome(data, args.conversation, source)
    if args.conversation == "life_story":
        _step_done(svc.record_life_story(plan.id, who, records.life_story(table, source)))
    elif args.conversation == "pinnacle":
        _step_done(
            svc.record_pinnacle(plan.id, who, records.pinnacle(table, source, app.catalog()))
        )
    else:
        _step_done(svc.write_grow(plan.id, who, records.grow(table, source, app.clock().date())))


def cmd_consent(args: argparse.Namespace) -> None:
    from careerconv_core.domain.plan import Consent

    consent = Consent(args.goal_on_tickets, args.summary_to_hris, args.goal_in_summary)
    _each_report(args, lambda app, p: app.services().set_consent(p.id, _who(args, p), consent))


def cmd_checkin(args: argparse.Namespace) -> None:
    from careerconv_core.domain.cadence import CheckInKind

    kind = CheckInKind.EXTENDED_REVIEW if args.review else CheckInKind.CHECK_IN
    on_track = None if args.on_track is None else args.on_track == "yes"
    _each_report(
        args,
        lambda app, p: app.services().check_in(
            p.id,
            _who(args, p),
            kind,
            on_track=on_track,
            notes=args.notes or "",
            declines_more_conversation=args.decline_more,
        ),
    )


def cmd_followups(args: argparse.Namespace) -> None:
    _each_report(args, lambda app, p: app.services().schedule_follow_ups(p.id, _who(args, p)))


def cmd_actions(args: argparse.Namespace) -> None:
    app = _app(args)
    plans = app.store.find_plans(report_id=args.report) if args.report else app.store.find_plans()
    rows = 0
    for plan in sorted(plans, key=lambda p: p.report_id):
        if plan.grow is None:
            continue
        for action in plan.grow.actions:
            rows += 1
            _out(
                f"{plan.report_id}:{action.id:8} {action.status.value:5} due {action.due}  "
                f"owner {action.owner_id:10} {action.title}"
            )
    if rows == 0:
        _out("no GROW actions yet")


def cmd_action(args: argparse.Namespace) -> None:
    report_id, sep, action_id = args.action_id.partition(":")
    if not sep or not action_id:
        raise UsageError(
            f"name the action as REPORT:ACTION (see 'careerconv actions'), not {args.action_id!r}"
        )
    app = _app(args)
    plan = _plan_of(app, report_id)
    svc = app.services()
    if args.state == "resync":
        _step_done(svc.resync_action(plan.id, _who(args, plan), action_id))
        return
    _step_done(svc.set_action_status(plan.id, _who(args, plan), action_id, args.state == "done"))


def cmd_due(args: argparse.Namespace) -> None:
    app = _app(args)
    day = args.on or app.clock().date()
    items = app.services().due(day, args.manager)
    if not items:
        _out(f"nothing due on or before {day}")
    for item in items:
        late = " (overdue)" if item.due < day else ""
        _out(
            f"{item.due}  {item.kind.value:16} report {item.report_id:10} manager {item.manager_id}{late}"
        )
    if args.nudge:
        keys = app.services().send_nudges(day, args.manager)
        _out(f"{len(keys)} nudge(s) queued; run 'careerconv dispatch' to send them")


def cmd_handoff(args: argparse.Namespace) -> None:
    from careerconv_core.domain.handoff import NewManagerPath

    app = _app(args)
    svc = app.services()
    if args.handoff_command == "expire":
        ended = svc.expire_handoffs()
        _out(f"{len(ended)} handoff(s) expired without an answer: nothing shared")
        return
    plan = _plan_of(app, args.report)
    who = _who(args, plan)
    if args.handoff_command == "consent":
        _step_done(svc.answer_handoff(plan.id, who, args.answer == "yes"))
    elif args.handoff_command == "meeting":
        _step_done(svc.schedule_handoff_meeting(plan.id, who, args.at))
    elif args.handoff_command == "path":
        paths = {
            "full": NewManagerPath.FULL_CONVERSATIONS,
            "abbreviated": NewManagerPath.ABBREVIATED_SESSION,
            "continue": NewManagerPath.CONTINUE_PLAN,
        }
        _step_done(svc.choose_path(plan.id, who, paths[args.path]))
        if args.path == "abbreviated" and args.at:
            _step_done(svc.schedule_meeting(plan.id, who, "abbreviated_session", args.at, 60))
    else:
        handoff = plan.current_handoff
        if handoff is None:
            _out(f"{args.report}: no manager change")
        else:
            _out(
                f"{args.report}: {handoff.state.value} "
                f"({handoff.old_manager_id} -> {handoff.new_manager_id}), "
                f"answer by {handoff.answer_by:%Y-%m-%d}"
            )


def cmd_reciprocity(args: argparse.Namespace) -> None:
    _each_report(args, lambda app, p: app.services().request_manager_life_story(p.id, _who(args, p)))


def cmd_meeting(args: argparse.Namespace) -> None:
    app = _app(args)
    plan = _plan_of(app, args.report)
    _step_done(app.services().schedule_meeting(plan.id, _who(args, plan), args.kind, args.at, args.minutes))


def cmd_team_story(args: argparse.Namespace) -> None:
    app = _app(args)
    uid = app.services().schedule_team_life_story(args.manager, args.at, args.minutes)
    _out(f"team life story segment queued: {uid}; run 'careerconv dispatch' to send the invites")


def cmd_feedback(args: argparse.Namespace) -> None:
    _each_report(args, lambda app, p: app.services().give_feedback(p.id, _who(args, p), args.score))


def cmd_feedback_report(args: argparse.Namespace) -> None:
    app = _app(args)
    agg = app.services().feedback_report(args.manager)

    def show(value: float | None) -> str:
        return "-" if value is None else f"{value:g}"

    _out(f"feedback for {agg.group}: {agg.people} people; median from reports {show(agg.report_median)}, "
         f"from managers {show(agg.manager_median)} (0-10)")


def cmd_export(args: argparse.Namespace) -> None:
    from careerconv_core import export
    from careerconv_core.services import NotAParticipant

    app = _app(args)
    plan = _plan_of(app, args.report)
    who = args.as_ or plan.manager_id
    if not plan.can_view(who):
        raise NotAParticipant(who, plan.id)
    report, manager = app.store.load_person(plan.report_id), app.store.load_person(plan.manager_id)
    text = (export.html if args.format == "html" else export.markdown)(plan, report, manager)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        _out(f"wrote {args.out}")
    else:
        sys.stdout.write(text)


def cmd_catalog(args: argparse.Namespace) -> None:
    app = _app(args)
    if args.catalog_command == "import":
        from careerconv_core.hookspecs import AdapterKind

        settings = {
            "competencies_path": str(Path(args.competencies).resolve()),
            "roles_path": str(Path(args.roles).resolve()),
        }
        catalog = app.host.create(AdapterKind.CATALOG, "csv", settings).load()
        _out(f"checked: {len(catalog.competencies)} competencies, {len(catalog.roles)} roles")
        config = Path(args.home) / "careerconv.toml"
        text = config.read_text(encoding="utf-8")
        block = (
            f'[catalog]\nadapter = "csv"\n'
            f'settings = {{ competencies_path = "{settings["competencies_path"]}", '
            f'roles_path = "{settings["roles_path"]}" }}\n'
        )
        start = text.find("[catalog]")
        end = text.find("\n[", start + 1) if start >= 0 else -1
        text = (
            (text[:start] + block + (text[end + 1 :] if end >= 0 else ""))
            if start >= 0
            else text + "\n" + block
        )
        config.write_text(text, encoding="utf-8")
        _out(f"{config} now uses your catalog")
        return
    catalog = app.catalog()
    if args.catalog_command == "show":
        role = catalog.role(args.role)
        _out(f"{role.title} ({role.function}) [{role.id}]")
        if role.description:
            _out(f"  {role.description}")
        for n, cid in enumerate(role.competency_ids, 1):
            comp = catalog.competency(cid)
            _out(f"  {n:2}. {comp.name} [{comp.id}]: {comp.description}")
        if role.evidence:
            _out(f"  evidence: {', '.join(role.evidence)}")
        return
    if not args.competencies:
        for role in sorted(catalog.roles, key=lambda r: (r.function, r.title)):
            _out(f"{role.function:24} {role.id:28} {role.title}")
    if not args.roles:
        for comp in sorted(catalog.competencies, key=lambda c: (c.group, c.name)):
            _out(f"{comp.group:24} {comp.id:28} {comp.name}")


def cmd_dispatch(args: argparse.Namespace) -> None:
    import time

    app = _app(args)
    runs = 0
    while True:
        report = app.dispatcher().run_once(args.limit)
        runs += 1
        for name, tally in sorted(report.adapters.items()):
            _out(
                f"{name:10} delivered {tally.delivered}, unchanged {tally.unchanged}, "
                f"retrying {tally.retried}, failed {tally.failed}"
            )
            for reason in tally.reasons:
                _out(f"  failed: {reason}")
        if report.skipped:
            _out(f"{len(report.skipped)} entries wait for an adapter that is not configured")
        if not args.loop and report.claimed < args.limit:
            break
        if args.loop and args.runs and runs >= args.runs:
            break
        if args.loop:
            time.sleep(args.interval)
    if report.claimed == 0 and runs == 1:
        _out("nothing to deliver")


def cmd_status(args: argparse.Namespace) -> None:
    app = _app(args)
    entries = app.store.outbox(["pending", "failed"])
    pending = [e for e in entries if e.status.value == "pending"]
    failed = [e for e in entries if e.status.value == "failed"]
    _out(f"outbox: {len(pending)} pending, {len(failed)} failed")
    for e in pending:
        why = f" (last: {e.last_error})" if e.last_error else ""
        _out(
            f"  pending {e.id} {e.key} attempt {e.attempts + 1} at {e.next_attempt_at:%Y-%m-%d %H:%M}Z{why}"
        )
    for e in failed:
        _out(f"  failed  {e.id} {e.key} after {e.attempts} attempt(s): {e.last_error}")
    if failed:
        _out("run 'careerconv retry' to queue the failed ones again")


def cmd_retry(args: argparse.Namespace) -> None:
    app = _app(args)
    count = app.store.requeue(args.entries or None, now=app.clock())
    _out(f"{count} failed entr{'y' if count == 1 else 'ies'} queued again")


def cmd_sync_tickets(args: argparse.Namespace) -> None:
    app = _app(args)
    keys = [f"cc-{p.id}-a-{a.id}" for p in app.store.find_plans() if p.grow for a in p.grow.actions]
    for name, tracker in app.adapters("tracker"):
        statuses = tracker.pull_statuses(keys)  # type: ignore[attr-defined]
        deleted = app.services().pull_ticket_statuses(statuses)
        _out(f"{name}: {len(statuses)} ticket(s) read, {len(deleted)} deleted")
        for key in deleted:
            _out(
                f"  {key}: ticket deleted in the tracker; it is not recreated. Close the action, "
                "or run 'careerconv action resync REPORT:ACTION' to create it again"
            )


def cmd_demo(args: argparse.Namespace) -> None:
    from careerconv.demo import run_demo

    run_demo(Path(args.example), Path(args.home), force=args.force, say=_out)


# --------------------------------------------------------------------------- parser
def _reports(p: argparse.ArgumentParser, many: bool = True) -> None:
    p.add_argument(
        "reports", nargs="+" if many else 1, metavar="REPORT", help="report id(s) from the org"
    )


def _as(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--as",
        dest="as_",
        metavar="PERSON",
        help="who takes the step (default: the report's manager)",
    )


def build_parser() -> argparse.ArgumentParser:  # noqa: PLR0915 - one flat list of commands
    """The whole command line."""
    parser = argparse.ArgumentParser(
        prog="careerconv",
        description="Career Conversations: three structured conversations with each report, a GROW "
        "plan they own, kept alive with check-ins, and kept private.",
    )
    parser.add_argument(
        "--home",
        default=os.environ.get(HOME_ENV, "careerconv-data"),
        help=f"folder with careerconv.toml and the data (default ${HOME_ENV} or ./careerconv-data)",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(
        name: str, fn: Callable[[argparse.Namespace], None], help_: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(fn=fn)
        return p

    p = add("init", cmd_init, "create careerconv.toml with embedded defaults and an empty store")
    p.add_argument("--force", action="store_true", help="overwrite an existing careerconv.toml")
    add("adapters", cmd_adapters, "list the installed adapters and their settings")

    org = add("org", lambda a: None, "read the org from the HRIS source")
    org_sub = org.add_subparsers(dest="org_command", required=True, metavar="SUBCOMMAND")
    p = org_sub.add_parser(
        "import",
        help="import (or re-import) an org file; manager changes start a handoff",
        description="import (or re-import) an org file (TOML or CSV); a changed manager "
        "starts the consent-first handoff (M12)",
    )
    p.add_argument("file", help="org file, .toml or .csv")
    p.set_defaults(fn=cmd_org_import)
    p = org_sub.add_parser(
        "sync",
        help="read changes from the configured HRIS source (SCIM, BambooHR, ...)",
        description="read what changed since the last sync from the configured HRIS "
        "source; the first sync, or --full, reads everyone and finds who left",
    )
    p.add_argument("--full", action="store_true", help="read the whole org, not only changes")
    p.set_defaults(fn=cmd_org_sync)

    p = add("propose", cmd_propose, "the manager proposes Career Conversations (M1)")
    p.add_argument("reports", nargs="*", metavar="REPORT")
    p.add_argument("--team", metavar="MANAGER", help="propose to every direct report of MANAGER")
    p.add_argument("--manager", help="the proposing manager (default: the report's manager)")

    p = add(
        "accept",
        cmd_accept,
        "the report accepts (M1); add --no-life-story to decline conversation 1",
    )
    _reports(p)
    _as(p)
    p.add_argument(
        "--no-life-story", action="store_true", help="accept, but not conversation 1 (yet)"
    )
    for name, fn, text in (
        ("decline", cmd_decline, "either side declines (M1); invites are cancelled"),
        ("pause", cmd_pause, "either side pauses (M1); invites are cancelled"),
        ("resume", cmd_resume, "resume a paused plan"),
    ):
        p = add(name, fn, text)
        _reports(p)
        _as(p)
    p = add("opt-in", cmd_opt_in, "the report's own yes (or --no) to conversation 1 (M1)")
    _reports(p)
    _as(p)
    p.add_argument("--no", action="store_true", help="say no to conversation 1")
    p = add("ready", cmd_ready, "the manager's trust gate before conversation 1 (M2)")
    _reports(p)
    _as(p)
    p.add_argument("--not-equipped", action="store_true", help="I do not feel equipped yet")
    p.add_argument("--no-trust", action="store_true", help="trust is not in place yet")

    p = add(
        "schedule",
        cmd_schedule,
        "place conversations 1-3 within one month (M4), for reports or a team",
    )
    p.add_argument("reports", nargs="*", metavar="REPORT")
    p.add_argument("--team", metavar="MANAGER", help="every ready report of MANAGER")
    p.add_argument("--start", type=_date, help="first day of the one-month window (default today)")

    p = add(
        "reschedule",
        cmd_reschedule,
        "move one conversation; the others stay valid or the error says why",
    )
    p.add_argument("report")
    p.add_argument("conversation", choices=("life_story", "pinnacle", "grow_review"))
    p.add_argument(
        "--to", type=_datetime, required=True, help="new start, e.g. 2026-12-10T14:00+01:00"
    )
    p.add_argument(
        "--shift-later",
        action="store_true",
        help="move the later conversations as little as needed",
    )
    _as(p)

    p = add(
        "record",
        cmd_record,
        "record a conversation's outcome from a TOML/JSON file or interactively",
    )
    p.add_argument("report")
    p.add_argument(
        "conversation",
        choices=CONVERSATIONS,
        help="life_story, pinnacle, grow (the report's homework) or grow_review (conversation 3 held)",
    )
    p.add_argument("--file", help="TOML or JSON with a [life_story], [pinnacle] or [grow] table")
    _as(p)

    p = add("consent", cmd_consent, "the report decides what leaves the pair (tickets, HR record)")
    _reports(p)
    _as(p)
    p.add_argument("--goal-on-tickets", action="store_true", help="show the goal on tickets")
    p.add_argument(
        "--summary-to-hris", action="store_true", help="write a plan summary to the HRIS"
    )
    p.add_argument(
        "--goal-in-summary", action="store_true", help="include the goal in that summary"
    )

    p = add(
        "checkin", cmd_checkin, "record a monthly check-in or (--review) a quarterly review (M10)"
    )
    _reports(p)
    _as(p)
    p.add_argument("--review", action="store_true", help="an extended quarterly review")
    p.add_argument("--on-track", choices=("yes", "no"), help="is the plan on track?")
    p.add_argument("--notes", help="private notes (stay between the two of you)")
    p.add_argument(
        "--decline-more",
        action="store_true",
        help="the report does not want longer career conversations now (respected)",
    )
    p = add("followups", cmd_followups, "place the first year's check-ins and reviews (M10)")
    _reports(p)
    _as(p)

    p = add("actions", cmd_actions, "list GROW actions (the embedded tracker)")
    p.add_argument("--report")
    p = add("action", cmd_action, "mark a GROW action done or reopen it")
    p.add_argument(
        "state", choices=("done", "reopen", "resync"),
        help="done, reopen, or resync (create again a ticket that was deleted in the tracker)",
    )
    p.add_argument("action_id", metavar="REPORT:ACTION")
    _as(p)
    add("sync-tickets", cmd_sync_tickets, "read ticket statuses back from the tracker")

    p = add(
        "due", cmd_due, "what is due on or before a day: conversations, check-ins, reviews, probes"
    )
    p.add_argument("--manager")
    p.add_argument("--on", type=_date, help="the day (default today)")
    p.add_argument("--nudge", action="store_true", help="queue nudges for what is due")

    handoff = add("handoff", cmd_handoff, "a report's move to a new manager (M12, M13)")
    hs = handoff.add_subparsers(dest="handoff_command", required=True, metavar="SUBCOMMAND")
    p = hs.add_parser("consent", help="the report's answer: may the plan be shared?")
    p.add_argument("report")
    p.add_argument("answer", choices=("yes", "no"))
    _as(p)
    p = hs.add_parser("meeting", help="schedule the three-way meeting")
    p.add_argument("report")
    p.add_argument("--at", type=_datetime, required=True)
    _as(p)
    p = hs.add_parser("path", help="how the new manager goes on (M13)")
    p.add_argument("report")
    p.add_argument("path", choices=("full", "abbreviated", "continue"))
    p.add_argument("--at", type=_datetime, help="start of the 60-minute abbreviated session")
    _as(p)
    p = hs.add_parser("status", help="where a manager change stands")
    p.add_argument("report")
    _as(p)
    hs.add_parser("expire", help="end handoffs whose deadline passed without an answer")

    p = add("reciprocity", cmd_reciprocity, "the report asks to hear the manager's own life story (M14)")
    _reports(p)
    _as(p)
    p = add("meeting", cmd_meeting, "place the manager's life story (M14) or an abbreviated session (M13)")
    p.add_argument("report")
    p.add_argument("kind", choices=("manager_life_story", "abbreviated_session"))
    p.add_argument("--at", type=_datetime, required=True, help="start, e.g. 2027-01-20T15:00+01:00")
    p.add_argument("--minutes", type=int, default=60)
    _as(p)
    p = add("team-story", cmd_team_story, "a 15-minute team life-story segment for a manager's team (M14)")
    p.add_argument("manager")
    p.add_argument("--at", type=_datetime, required=True, help="start, e.g. 2027-01-20T10:00+01:00")
    p.add_argument("--minutes", type=int, default=15)

    p = add("feedback", cmd_feedback, "a 0-10 rating after conversation 3 (M16)")
    p.add_argument("reports", nargs=1, metavar="REPORT")
    p.add_argument("score", type=int)
    _as(p)

    p = add("feedback-report", cmd_feedback_report,
            "what HR may see of the feedback: medians over groups of five or more (M16)")
    p.add_argument("--manager", help="everyone under this manager (default: the whole org)")

    p = add("export", cmd_export, "the plan as Markdown or one self-contained HTML page")
    p.add_argument("report")
    p.add_argument("--format", choices=("md", "html"), default="md")
    p.add_argument("--out", help="file to write (default: standard output)")
    _as(p)

    catalog = add("catalog", cmd_catalog, "competencies and pinnacle roles")
    cs = catalog.add_subparsers(dest="catalog_command", required=True, metavar="SUBCOMMAND")
    p = cs.add_parser("list", help="list roles and competencies")
    p.add_argument("--roles", action="store_true", help="roles only")
    p.add_argument("--competencies", action="store_true", help="competencies only")
    p = cs.add_parser("show", help="a role with its top competencies")
    p.add_argument("role")
    p = cs.add_parser("import", help="check and use your own competencies.csv and roles.csv")
    p.add_argument("--competencies", required=True)
    p.add_argument("--roles", required=True)

    p = add("dispatch", cmd_dispatch, "deliver queued invites, tickets, summaries and notices")
    p.add_argument("--loop", action="store_true", help="keep running")
    p.add_argument("--interval", type=float, default=30.0, help="seconds between runs with --loop")
    p.add_argument("--runs", type=int, default=0, help="stop after this many runs with --loop")
    p.add_argument("--limit", type=int, default=200, help="entries per run")
    add("status", cmd_status, "what is pending or failed in the outbox, and why")
    p = add("retry", cmd_retry, "queue failed outbox entries again")
    p.add_argument("entries", nargs="*", metavar="ENTRY_ID")

    p = add("demo", cmd_demo, "run the example team end to end on embedded defaults")
    p.add_argument(
        "example", nargs="?", default="examples", help="folder with org.toml (default ./examples)"
    )
    p.add_argument("--force", action="store_true", help="start over in an existing --home")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors are one line on stderr and a non-zero exit."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from careerconv import __version__

        _out(f"careerconv {__version__}")
        return 0
    if not getattr(args, "fn", None):
        parser.print_help()
        return 2
    from careerconv_core.errors import CareerconvError

    try:
        args.fn(args)
    except UsageError as exc:
        _err(f"careerconv {args.command}: {exc}")
        return 2
    except CareerconvError as exc:
        _err(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        _err("interrupted; nothing half-done was committed")
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
