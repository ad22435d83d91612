"""Competencies and pinnacle roles (M5, M6): list, show, and import your own into careerconv.toml."""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from careerconv.cli._args import path_arg
from careerconv.cli._common import Invocation, UsageError, add_command

if TYPE_CHECKING:
    from careerconv.app import App

_HEADER = r"^\s*\[\[?\s*([^\]\s]+)\s*\]\]?\s*(#.*)?$"
"""A table header line, ``[name]`` or ``[[name]]``, with an optional comment."""


def cmd_catalog(args: argparse.Namespace, inv: Invocation) -> None:
    """``catalog list``, ``catalog show ROLE`` and ``catalog import``."""
    app = inv.app()
    if args.catalog_command == "import":
        _import(args, inv, app)
        return
    from careerconv.cli import _documents as d

    catalog = app.catalog()
    if args.catalog_command == "show":
        role = catalog.role(args.role)
        tops = [
            d.RoleCompetency(c.id, c.name, c.description, role.target_level(c.id))
            for c in map(catalog.competency, role.competency_ids)
        ]
        evidence = list(role.evidence)
        inv.show(d.CatalogRole(role.id, role.title, role.function, role.description, tops, evidence))
        return
    roles = sorted(catalog.roles, key=lambda r: (r.function, r.title)) if not args.competencies else []
    comps = sorted(catalog.competencies, key=lambda c: (c.group, c.name)) if not args.roles else []
    inv.show(
        d.Catalog(
            [d.RoleEntry(r.id, r.title, r.function) for r in roles],
            [d.CompetencyEntry(c.id, c.name, c.group) for c in comps],
        )
    )


def _import(args: argparse.Namespace, inv: Invocation, app: App) -> None:
    """Check the two CSV files with the csv catalog adapter, then point careerconv.toml at them."""
    from careerconv.config import CONFIG_NAME
    from careerconv_core.hookspecs import AdapterKind

    settings = {
        "competencies_path": str(Path(args.competencies).resolve()),
        "roles_path": str(Path(args.roles).resolve()),
    }
    catalog = app.host.create(AdapterKind.CATALOG, "csv", settings).load()
    levelled = sum(1 for r in catalog.roles if any(n is not None for n in r.target_levels))
    config = inv.home / CONFIG_NAME
    text = with_catalog_table(config.read_text(encoding="utf-8"), "csv", settings, str(config))
    from careerconv_plugins.files import write_atomic  # the one durable, atomic file write

    try:
        write_atomic(config, text)
    except OSError as exc:
        raise UsageError(f"cannot write {config} ({exc.strerror}); nothing was changed") from None
    from careerconv.cli._upkeep_documents import CatalogImported

    inv.show(CatalogImported(len(catalog.competencies), len(catalog.roles), levelled, str(config)))


def with_catalog_table(text: str, adapter: str, settings: Mapping[str, str], where: str) -> str:
    """``text`` (a careerconv.toml) with its ``[catalog]`` table set to ``adapter`` and ``settings``.

    The table (and any ``[catalog.*]`` sub-table) is replaced where it stands,
    or added at the end; comments and every other table stay as written. The
    result is read back and must hold the new catalog and everything else
    unchanged; if not, the error shows the table to set by hand.
    """
    import tomllib

    from careerconv_core.errors import ConfigurationError

    pairs = ", ".join(f"{key} = {_toml_string(value)}" for key, value in settings.items())
    block = f"[catalog]\nadapter = {_toml_string(adapter)}\nsettings = {{ {pairs} }}\n"
    out: list[str] = []
    placed = False
    for name, lines in _tables(text):
        if name != "catalog" and not (name or "").startswith("catalog."):
            out.extend(lines)
            continue
        if not placed:
            out.append(block)
            placed = True
        out.extend(_blank_tail(lines))  # the spacing after the old table stays
    if not placed:
        out.append("\n" if not out or out[-1].endswith("\n") else "\n\n")
        out.append(block)
    rewritten = "".join(out)
    try:
        before, after = tomllib.loads(text), tomllib.loads(rewritten)
    except tomllib.TOMLDecodeError:
        before, after = {}, {}
    expected = {"adapter": adapter, "settings": dict(settings)}
    before.pop("catalog", None)
    if after.pop("catalog", None) != expected or before != after:
        raise ConfigurationError(
            f"{where}: the [catalog] table could not be rewritten safely; replace it by hand with:\n{block}"
        )
    return rewritten


def _tables(text: str) -> list[tuple[str | None, list[str]]]:
    """The lines of a TOML text, table by table; the lines before the first header have no name."""
    tables: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in text.splitlines(keepends=True):
        header = re.match(_HEADER, line)
        if header:
            tables.append((header.group(1), []))
        tables[-1][1].append(line)
    return tables


def _blank_tail(lines: list[str]) -> list[str]:
    tail: list[str] = []
    for line in reversed(lines):
        if line.strip():
            break
        tail.insert(0, line)
    return tail


def _toml_string(value: str) -> str:
    """``value`` as a TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif (char < " " and char != "\t") or char == "\x7f":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``catalog list``, ``catalog show`` and ``catalog import``."""
    catalog = add_command(sub, "catalog", cmd_catalog, "competencies and pinnacle roles")
    cs = catalog.add_subparsers(dest="catalog_command", required=True, metavar="SUBCOMMAND")
    p = cs.add_parser("list", help="list roles and competencies")
    p.add_argument("--roles", action="store_true", help="roles only")
    p.add_argument("--competencies", action="store_true", help="competencies only")
    p = cs.add_parser("show", help="a role with its top competencies")
    p.add_argument("role")
    p = cs.add_parser("import", help="check and use your own competencies.csv and roles.csv")
    p.add_argument("--competencies", type=path_arg, required=True)
    p.add_argument("--roles", type=path_arg, required=True)
