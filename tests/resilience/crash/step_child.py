"""Run one careerconv command that kills itself by SIGKILL at its N-th store commit or file rename.

``python tests/resilience/crash/step_child.py N before|after commit|replace -- ARGS...``
runs ``careerconv ARGS...`` (``careerconv.cli.main``) with a tripwire: at the
N-th store ``commit`` (a step's transaction), or the N-th ``os.replace`` (the
rename that ends every atomic file write), the process dies before the call
or right after it. N of 0 runs the command without one.
"""

from __future__ import annotations

import os
import sys

from careerconv.cli import main
from careerconv_plugins.sqlite_store.adapter import SqliteStore
from resilience.crash.child import Tripwire

POINTS = {"commit": (SqliteStore, "commit"), "replace": (os, "replace")}

if __name__ == "__main__":
    crash_at, when, point, separator, *argv = sys.argv[1:]
    if separator != "--" or point not in POINTS:
        raise SystemExit("usage: step_child.py N before|after commit|replace -- ARGS...")
    if int(crash_at):
        Tripwire(int(crash_at), when == "after").wrap(*POINTS[point])
    sys.exit(main(argv))
