#!/usr/bin/env bash
# What scripts/test.sh needs from the machine before it installs anything:
# python3 (3.11+) with venv, Node and npm (for Prism), and, unless PostgreSQL's
# initdb (and Chromium, for the browser tests, and Dovecot, for the IMAP tests) is already installed, apt-get and
# root or sudo to install it.
# Prints one line naming everything missing and exits 1; silent when all is there.
set -uo pipefail
missing=()
if ! command -v python3 >/dev/null 2>&1; then
    missing+=("python3 3.11 or newer")
elif ! python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    missing+=("python3 3.11 or newer with the venv module (Debian: python3-venv)")
fi
command -v node >/dev/null 2>&1 || missing+=("node (Debian: nodejs)")
command -v npm >/dev/null 2>&1 || missing+=("npm (Debian: npm)")
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || missing+=("apt-get, to install PostgreSQL (or install the PostgreSQL server yourself)")
    if [ "${EUID}" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
        missing+=("root or sudo, to install PostgreSQL")
    fi
fi
if ! command -v chromium >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || missing+=("apt-get, to install Chromium for the browser tests (or install chromium yourself)")
    if [ "${EUID}" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
        missing+=("root or sudo, to install Chromium")
    fi
fi
if [ ! -x /usr/sbin/dovecot ]; then
    command -v apt-get >/dev/null 2>&1 || missing+=("apt-get, to install Dovecot for the IMAP tests (or install dovecot-imapd yourself)")
    if [ "${EUID}" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
        missing+=("root or sudo, to install Dovecot")
    fi
fi
if ! command -v openssl >/dev/null 2>&1 && ! command -v apt-get >/dev/null 2>&1; then
    missing+=("openssl")
fi
if [ "${#missing[@]}" -gt 0 ]; then
    joined="$(printf '%s; ' "${missing[@]}")"
    echo "scripts/test.sh needs: ${joined%; }" >&2
    exit 1
fi
