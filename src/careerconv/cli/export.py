"""The pair's own copy of the plan: ``export`` as Markdown or one self-contained HTML page."""

from __future__ import annotations

import argparse

from careerconv.cli._args import path_arg
from careerconv.cli._common import Invocation, UsageError, add_as, add_command, plan_of


def cmd_export(args: argparse.Namespace, inv: Invocation) -> None:
    """Write the plan for one of its two participants, to a file or standard output."""
    from careerconv_core import export

    app = inv.app()
    plan = plan_of(app, args.report)
    # The one rule of who reads a plan: a new manager before the report's yes
    # and a former manager are refused under M12, anyone else under M1.
    viewer = plan.manager_id if args.as_ is None else args.as_
    plan.require_viewer(viewer, app.clock())
    from careerconv_core.colleagues import named

    report = app.store.load_person(plan.report_id)
    manager = named(app.store, plan.manager_id, report.time_zone)  # "a former colleague" once they left
    p = plan.pinnacle
    # The catalog is read only when the goal names a catalog role: it gives the levels that role calls for.
    linked = any(r.id == p.chosen_role_id and r.catalog_role_id for r in p.roles)
    catalog = app.catalog() if linked else None
    write = export.html if args.format == "html" else export.markdown
    text = write(plan, report, manager, catalog=catalog, now=app.clock())
    from careerconv.cli.audit import record_export

    record_export(app, plan, viewer, args.out or "standard output")  # on the trail before it leaves
    if args.out:
        from careerconv.cli._args import output_file
        from careerconv_plugins.files import write_atomic  # owner-only, never half-written

        try:
            write_atomic(output_file(args.out), text)
        except OSError as exc:
            raise UsageError(
                f"cannot write {args.out} ({exc.strerror}); give a file in a folder that exists"
            ) from None
        inv.out(f"wrote {args.out}")
    else:
        inv.stdout.write(text)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``export``."""
    p = add_command(sub, "export", cmd_export, "the plan as Markdown or one self-contained HTML page")
    p.add_argument("report")
    p.add_argument("--format", choices=("md", "html"), default="md")
    p.add_argument("--out", type=path_arg, help="file to write (default: standard output)")
    add_as(p)
