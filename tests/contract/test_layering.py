"""careerconv_core stays pure (ARCHITECTURE section 3), with no exemption.

No plugin, HTTP, Jira, calendar, mail, socket or database library is imported
anywhere under ``careerconv_core``, and no file, environment or terminal is
touched there: ``open``, ``Path.read_*``/``write_*``, ``os.environ``,
``tomllib``, ``input``, ``print`` and ``sys.stdout`` live in the ``careerconv``
application package and in the adapters.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
CORE = SRC / "careerconv_core"
# Ours above the core, and the libraries that reach a network, a mail server or a database.
LIBRARIES = (
    "careerconv",  # the application package sits above the core, never below it
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
# Standard modules for files, processes and the network; the standard library itself loads
# some of them (metadata, zoneinfo), so they are checked in the sources, not at run time.
STANDARD_IO = (
    "urllib",
    "http",
    "ssl",
    "tomllib",
    "subprocess",
    "shutil",
    "tempfile",
    "io",
    "glob",
    "pathlib",
)
FORBIDDEN = LIBRARIES + STANDARD_IO
# Calls and attributes that read or write a file, the environment or the terminal.
FORBIDDEN_CALLS = {"open", "input", "print", "breakpoint", "getenv", "putenv"}
FORBIDDEN_ATTRIBUTES = {
    "environ",
    "environb",
    "stdout",
    "stderr",
    "stdin",
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
    "open",
    "getenv",
    "system",
    "popen",
}


def core_sources() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def imported_modules(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def io_uses(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            found.append(f"line {node.lineno}: {node.func.id}()")
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
            found.append(f"line {node.lineno}: .{node.attr}")
    return found


def parse(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def test_the_core_has_sources_to_check() -> None:
    assert len(core_sources()) >= 30


def test_core_sources_import_no_forbidden_module() -> None:
    offenders = {
        str(path.relative_to(CORE)): sorted(imported_modules(parse(path)) & set(FORBIDDEN))
        for path in core_sources()
        if imported_modules(parse(path)) & set(FORBIDDEN)
    }
    assert offenders == {}


def test_core_sources_touch_no_file_environment_or_terminal() -> None:
    offenders = {
        str(path.relative_to(CORE)): io_uses(parse(path)) for path in core_sources() if io_uses(parse(path))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    "code",
    [
        "open('x')",
        "Path('x').read_text()",
        "p.write_bytes(b'')",
        "os.environ.get('X')",
        "sys.stdout.write('x')",
        "print('x')",
        "input('?')",
    ],
)
def test_the_io_check_sees_each_kind_of_use(code: str) -> None:
    assert io_uses(ast.parse(code))


def test_importing_the_whole_core_loads_none_of_them() -> None:
    modules = [
        f"careerconv_core.{p.relative_to(CORE).with_suffix('').as_posix().replace('/', '.')}"
        for p in core_sources()
        if p.name != "__init__.py"
    ]
    libraries = LIBRARIES
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(sorted(n for n in sys.modules if n.split('.')[0] in {libraries!r}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
