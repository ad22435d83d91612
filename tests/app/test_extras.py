"""A plain install (no extras) lists every adapter and runs the embedded defaults.

The optional libraries are hidden from a child interpreter; loading the
plugins must still work, and asking for an adapter that needs a missing
library must say which extra to install.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

HIDE = ("requests", "jira", "psycopg", "caldav")
CHILD = f"""
import importlib.abc, json, sys

class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in {HIDE!r}:
            raise ImportError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, Hide())
from careerconv_core.hookspecs import AdapterKind
from careerconv_core.ports import PORTS
from careerconv_core.errors import ConfigurationError
from careerconv_core.plugins import make_plugin_manager

host = make_plugin_manager(blocked=[])
names = {{k.name: sorted(host.adapters(k)) for k in PORTS}}
errors = {{}}
for kind, name, settings in [
    (AdapterKind.HRIS_SOURCE, "scim", {{"url": "https://idp.example.com/scim/v2"}}),
    (AdapterKind.TRACKER, "jira", {{
        "url": "https://example.atlassian.net", "project": "CC", "deployment": "cloud",
        "email": "a@example.com", "token_env": "CAREERCONV_JIRA_TOKEN", "issue_type": "Task",
    }}),
    (AdapterKind.STORE, "postgres", {{"dsn": "postgresql://127.0.0.1/x"}}),
    (AdapterKind.CALENDAR, "caldav", {{"url": "https://dav.example.com/cal/"}}),
]:
    try:
        host.create(kind, name, settings)
    except ConfigurationError as exc:
        errors[name] = str(exc)
print(json.dumps({{"names": names, "errors": errors}}))
"""


def test_plugins_load_without_optional_libraries_and_name_the_extra() -> None:
    env = {**os.environ, "CAREERCONV_SCIM_TOKEN": "t", "CAREERCONV_JIRA_TOKEN": "t"}
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True, env=env)
    result = json.loads(out.stdout)
    assert "scim" in result["names"]["hris_source"] and "jira" in result["names"]["tracker"]
    assert "sqlite" in result["names"]["store"] and "ics" in result["names"]["calendar"]
    for name, extra in (("scim", "hris"), ("jira", "jira"), ("postgres", "postgres"), ("caldav", "caldav")):
        assert f"careerconv[{extra}]" in result["errors"].get(name, ""), (name, result["errors"])
