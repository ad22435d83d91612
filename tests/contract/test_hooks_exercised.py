"""Every hook has a test: a hook cannot exist that no test names.

A hook counts as exercised when its name appears in at least one test module
(``test_*.py``) under ``tests/``, other than the documentation tests and this
file, which name every hook by construction.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from careerconv_core import hookspecs

TESTS = Path(__file__).resolve().parents[1]
NOT_COUNTED = {
    TESTS / "contract" / "test_docs.py",
    TESTS / "contract" / "test_hooks_exercised.py",
}
HOOK_NAMES = sorted(name for name in vars(hookspecs) if name.startswith("careerconv_"))


def _test_sources() -> dict[Path, str]:
    return {
        path: path.read_text(encoding="utf-8")
        for path in sorted(TESTS.rglob("test_*.py"))
        if path not in NOT_COUNTED
    }


def test_the_hook_list_is_not_empty() -> None:
    assert len(HOOK_NAMES) >= 8


@pytest.mark.parametrize("hook", HOOK_NAMES)
def test_hook_is_named_in_a_test(hook: str) -> None:
    pattern = re.compile(rf"\b{re.escape(hook)}\b")
    users = [path for path, text in _test_sources().items() if pattern.search(text)]
    assert users, (
        f"no test names the hook {hook}; add a test that calls an implementation of it "
        "or builds a plugin host that uses it"
    )
