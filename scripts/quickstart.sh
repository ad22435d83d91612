#!/usr/bin/env bash
# The main job on embedded defaults, no server needed: installs careerconv into
# .venv and runs the example team end to end (import the org, opt-ins, schedule
# the team, record one report's conversations, what is due, a handoff with
# consent, export the plan, write every invite).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet .
.venv/bin/careerconv --home "${CAREERCONV_HOME:-careerconv-demo}" demo examples --force
