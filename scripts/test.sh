#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need
# (the package with every extra, PostgreSQL from Debian's packages, Prism from
# npm), then runs ruff (check and format), mypy --strict and pytest (which also builds the docs
# with warnings as errors and starts Radicale, Xandikos, aiosmtpd, scim2-server,
# Dovecot and PostgreSQL on 127.0.0.1 as fixtures; the browser tests drive Debian's Chromium,
# installed here too).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/check-prerequisites.sh
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[all,test]"
# openssl makes the TLS fixtures' self-signed certificate.
if ! command -v openssl >/dev/null 2>&1; then
    apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y openssl >/dev/null
fi
bash .ci/setup-postgres.sh >/dev/null
# Dovecot from Debian's packages: the IMAP mailbox the REPLY tests read.
bash .ci/setup-imap.sh >/dev/null
# zsh and fish, whose own completion the completion tests drive.
bash .ci/setup-shells.sh >/dev/null
# Debian's Chromium for the browser tests (Playwright drives it; it downloads no browser).
bash .ci/setup-browser.sh >/dev/null
PRISM_BIN="$(bash .ci/setup-jira.sh)"
export PRISM_BIN
echo "== ruff"
.venv/bin/ruff check src tests benchmarks
.venv/bin/ruff format --check src tests benchmarks
echo "== mypy --strict"
.venv/bin/mypy
echo "== pytest"
.venv/bin/python -m pytest "$@"
