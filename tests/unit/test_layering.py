"""careerconv_core stays pure: no plugins, HTTP, Jira, calendar or database libraries (section 3)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "src" / "careerconv_core"
FORBIDDEN = (
    "careerconv_plugins",
    "requests",
    "jira",
    "icalendar",
    "caldav",
    "psycopg",
    "sqlite3",
    "psycopg2",
    "pymysql",
    "sqlalchemy",
    "httpx",
    "urllib3",
    "smtplib",
    "socket",
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_sources_import_no_forbidden_module() -> None:
    offenders = {
        str(path.relative_to(CORE)): sorted(imported_modules(path) & set(FORBIDDEN))
        for path in CORE.rglob("*.py")
        if imported_modules(path) & set(FORBIDDEN)
    }
    assert offenders == {}


def test_importing_the_whole_core_loads_none_of_them() -> None:
    modules = [
        f"careerconv_core.{p.relative_to(CORE).with_suffix('').as_posix().replace('/', '.')}"
        for p in CORE.rglob("*.py")
        if p.name not in ("__init__.py", "cli.py")
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(sorted(n for n in sys.modules if n.split('.')[0] in {FORBIDDEN!r}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
