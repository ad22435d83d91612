"""Each extra installs what its adapters import, and nothing an adapter imports is left out.

A user who installs ``careerconv[jira]`` gets the core's dependencies and the
``jira`` extra's, no more. Each check runs in a fresh interpreter in which
every installed distribution outside that set is made unimportable (a meta
path finder that refuses its top-level names), then imports every module of
the adapters the extra is for, and of the core: what would fail in a venv
with only that extra fails here.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
SRC = ROOT / "src"

# The adapter packages each extra is for; every other package must need the core only.
EXTRA_OF = {
    "caldav": "caldav",
    "jira": "jira",
    "bamboohr": "hris",
    "scim": "hris",
    "postgres_store": "postgres",
    "microsoft": "microsoft",
    "google": "google",
}
OURS = {"careerconv", "careerconv_core", "careerconv_plugins"}


def _name(requirement: str) -> str:
    """The distribution a requirement names, normalised (``psycopg[binary]>=3.1`` -> ``psycopg``)."""
    return canonicalize_name(Requirement(requirement).name)


def _closure(requirements: list[str]) -> set[str]:
    """The installed distributions these requirements bring, their own requirements included.

    Environment markers are evaluated for this interpreter, and a requirement's
    extras (``psycopg[binary]``) bring what they name.
    """
    seen: set[str] = set()
    todo = [(Requirement(r), "") for r in requirements]
    while todo:
        req, extra = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(req.name)
        if name == "careerconv":
            continue
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # not installed here, so there is nothing of it to import
        first = name not in seen
        seen.add(name)
        for inner in requires:
            wanted = Requirement(inner)
            if wanted.marker is None or first:
                todo.append((wanted, ""))
            for asked in req.extras:
                todo.append((wanted, asked))
    return seen


def _top_levels(distributions: set[str]) -> set[str]:
    """The importable top-level names the distributions provide."""
    names = set()
    for top, dists in metadata.packages_distributions().items():
        if any(canonicalize_name(d) in distributions for d in dists):
            names.add(top)
    return names


def _extra(name: str) -> list[str]:
    """The requirements of one extra, an extra that names others (``careerconv[a,b]``) resolved."""
    found: list[str] = []
    for req in PROJECT["optional-dependencies"][name]:
        inner = re.fullmatch(r"careerconv\[([^\]]+)\]", req)
        found += [r for e in inner.group(1).split(",") for r in _extra(e)] if inner else [req]
    return found


def _modules(packages: list[str]) -> list[str]:
    """Every module under the given packages of ``src``, dotted."""
    found = []
    for package in packages:
        for path in sorted((SRC / package.replace(".", "/")).rglob("*.py")):
            if path.stem == "__main__":
                continue  # importing it runs the command line
            dotted = ".".join(path.relative_to(SRC).with_suffix("").parts)
            found.append(dotted.removesuffix(".__init__"))
    return found


CHILD = """
import importlib, importlib.abc, json, sys
allowed = set(json.loads(sys.argv[1]))
blocked = set(json.loads(sys.argv[2]))

class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r} (not installed by this extra)")
        return None

sys.meta_path.insert(0, Refuse())
failed = []
for module in json.loads(sys.argv[3]):
    try:
        importlib.import_module(module)
    except ImportError as exc:
        failed.append(f"{module}: {exc}")
print(json.dumps(failed))
"""


def _run(extras: list[str], packages: list[str], leave_out: frozenset[str] = frozenset()) -> list[str]:
    import json

    wanted = list(PROJECT["dependencies"]) + [r for e in extras for r in _extra(e)]
    allowed = _top_levels(_closure(wanted)) | OURS
    names = (d.metadata["Name"] for d in metadata.distributions())
    everything = {canonicalize_name(name) for name in names if name}
    installed = _top_levels(everything)
    blocked = {name for name in installed - allowed if name not in sys.stdlib_module_names}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(sorted(allowed)), json.dumps(sorted(blocked)),
         json.dumps([m for m in _modules(packages) if m not in leave_out])],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    failed: list[str] = json.loads(done.stdout)
    return failed


def test_the_core_and_the_builtin_adapters_need_no_extra() -> None:
    builtin = [
        f"careerconv_plugins.{p.name}"
        for p in sorted((SRC / "careerconv_plugins").iterdir())
        if p.is_dir() and p.name not in EXTRA_OF and not p.name.startswith("__")
    ]
    shared = [
        f"careerconv_plugins.{p.stem}"
        for p in sorted((SRC / "careerconv_plugins").glob("*.py"))
        if p.stem not in {"http", "__init__"}  # http.py serves the HTTP adapters only
    ]
    assert _run([], ["careerconv", "careerconv_core", *builtin, *shared], WEB_PAGES) == []


# The web surface's pages need the web extra; the rest of careerconv.web (links, settings,
# forms) is read by the composition root and the command line without it.
WEB_PAGES = frozenset({"careerconv.web.asgi", "careerconv.web.pages", "careerconv.web.team"})


def test_the_web_extra_installs_what_the_pages_import() -> None:
    assert _run(["web"], ["careerconv.web"]) == []


@pytest.mark.parametrize("extra", sorted(set(EXTRA_OF.values())))
def test_each_extra_installs_what_its_adapters_import(extra: str) -> None:
    packages = [f"careerconv_plugins.{p}" for p, e in EXTRA_OF.items() if e == extra]
    assert _run([extra], packages) == []


@pytest.mark.parametrize("extra", sorted(set(EXTRA_OF.values())))
def test_each_extra_pins_only_what_is_imported(extra: str) -> None:
    """A distribution an extra adds that none of its adapters imports is a false promise."""
    core = _closure(list(PROJECT["dependencies"]))
    packages = [f"careerconv_plugins.{p}" for p, e in EXTRA_OF.items() if e == extra]
    source = "\n".join(
        (SRC / m.replace(".", "/")).with_suffix(".py").read_text(encoding="utf-8")
        if (SRC / m.replace(".", "/")).with_suffix(".py").exists()
        else (SRC / m.replace(".", "/") / "__init__.py").read_text(encoding="utf-8")
        for m in [*_modules(packages), "careerconv_plugins.http"]
    )
    for requirement in _extra(extra):
        name = _name(requirement)
        if name in core:
            continue
        tops = _top_levels({name})
        assert any(re.search(rf"^\s*(?:import|from) {t}\b", source, re.MULTILINE) for t in tops), (
            f"the {extra!r} extra installs {name!r}, which none of its adapters imports"
        )
