"""``careerconv person export`` and ``person erase``: a person's rights over what the store holds.

``export`` writes everything held about a person as JSON (``docs/privacy.md``
describes it) and, with ``--out FILE``, the page of each plan they own beside it.
``erase`` destroys the keys of their plans, removes them, queues what can be
called back, and lists what was delivered and cannot be.
"""

from __future__ import annotations

import argparse
import json

from careerconv.cli._args import path_arg
from careerconv.cli._common import Invocation, UsageError, add_command


def cmd_export(args: argparse.Namespace, inv: Invocation) -> None:
    """Write the subject export; the export itself goes on the person's audit trail first."""
    from careerconv.cli.audit import trail_of
    from careerconv_core import export
    from careerconv_core.colleagues import named
    from careerconv_core.disclosures import Disclosure, DisclosureKind

    app = inv.app()
    try:
        services = app.services()
        document = services.subject_export(args.person)
        plans = list(app.store.find_plans(report_id=args.person))
        where = args.out or "standard output"
        record = Disclosure(
            app.clock(),
            DisclosureKind.SUBJECT_EXPORT,
            args.person,
            None,
            args.person,
            ("everything held about the person",),
            "a subject access request",
            str(where),
        )
        trail_of(app.store, "record_disclosures")([record])  # recorded before anything is written
        text = json.dumps(document, indent=2, sort_keys=True, default=str) + "\n"
        if args.out is None:
            inv.stdout.write(text)
            return
        from careerconv.cli._args import output_file
        from careerconv_plugins.files import write_atomic  # owner-only, never half-written

        target = output_file(args.out)
        pages = [target.with_name(f"{target.stem}.plan-{plan.id}.html") for plan in plans]
        try:
            write_atomic(target, text)
            for plan, page in zip(plans, pages, strict=True):
                report = app.store.load_person(plan.report_id)
                manager = named(app.store, plan.manager_id, report.time_zone)
                write_atomic(page, export.html(plan, report, manager, now=app.clock()))
        except OSError as exc:
            raise UsageError(
                f"cannot write {args.out} ({exc.strerror}); give a file in a folder that exists"
            ) from None
        inv.out(f"wrote {args.out}" + "".join(f" and {page.name}" for page in pages))
    finally:
        app.close()


def cmd_erase(args: argparse.Namespace, inv: Invocation) -> None:
    """Erase a person after a confirmation (or --yes); print what cannot be reached."""
    from careerconv.cli._rights_documents import Erasure

    app = inv.app()
    try:
        services = app.services()
        preview = services.erase_person(args.person, dry_run=True)
        # Dry, what it cannot reach is told now; else once it is erased, after the confirmation.
        inv.show(Erasure.of(preview, erased=False, unreachable=args.dry_run))
        if args.dry_run:
            return
        if (
            not args.yes
            and inv.ask(f"erase {args.person}? this cannot be undone; type the id to confirm: ")
            != args.person
        ):
            raise UsageError("not confirmed; nothing erased")
        report = services.erase_person(args.person)
        vacuum = getattr(app.store, "vacuum", None)
        if callable(vacuum):  # no freed page, and no old page in SQLite's WAL, keeps what was erased
            vacuum()
        remains = getattr(app.store, "after_erasure", None)
        kept = list(remains()) if callable(remains) else []
        inv.show(Erasure.of(report, erased=True, remains=kept))
    finally:
        app.close()


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``person export`` and ``person erase``."""
    p = add_command(sub, "person", None, "a person's rights: everything held about them, or its erasure")
    ps = p.add_subparsers(dest="person_command", required=True, metavar="SUBCOMMAND")
    q = ps.add_parser(
        "export", help="everything the store holds about a person, as JSON (a subject access request)"
    )
    q.set_defaults(fn=cmd_export)
    q.add_argument("person")
    q.add_argument(
        "--out",
        type=path_arg,
        help="file to write the JSON to (default: standard output); each plan the person owns goes "
        "beside it as a page, FILE's name .plan-ID.html",
    )
    q = ps.add_parser("erase", help="destroy a person's plans (their keys), remove them, queue retractions")
    q.set_defaults(fn=cmd_erase)
    q.add_argument("person")
    q.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    q.add_argument("--dry-run", action="store_true", help="say what would be erased; change nothing")
