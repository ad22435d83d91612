"""Every hook has a test named after it: a hook cannot exist that no test exercises.

As datasette does, each hook ``careerconv_x`` needs a test function
``test_hook_careerconv_x`` somewhere under ``tests/`` (``tests/contract/test_hooks.py``
holds them), and its name must appear in at least one other test module too, so
that the hook is used where its adapters are tested and not only in its own test.
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
OWN_TESTS = TESTS / "contract" / "test_hooks.py"  # names every hook by construction
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
    users = [path for path, text in _test_sources().items() if pattern.search(text) and path != OWN_TESTS]
    assert users, (
        f"no test names the hook {hook}; add a test that calls an implementation of it "
        "or builds a plugin host that uses it"
    )


@pytest.mark.parametrize("hook", HOOK_NAMES)
def test_hook_has_a_test_named_after_it(hook: str) -> None:
    pattern = re.compile(rf"^def test_hook_{re.escape(hook)}\(", re.M)
    named = [path for path, text in _test_sources().items() if pattern.search(text)]
    assert named, f"add a test named test_hook_{hook} that calls implementations of {hook}"
