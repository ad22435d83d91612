#!/usr/bin/env bash
# Installs Dovecot's IMAP server from Debian's packages for the tests that read
# attendees' iMIP REPLYs back from a mailbox (tests/adapters/mail). The tests
# start their own unprivileged Dovecot on 127.0.0.1 (tests/servers/imap.py):
# no service is enabled or started here. Prints the binary's path.
set -euo pipefail
if [ ! -x /usr/sbin/dovecot ]; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    $sudo apt-get update >&2
    # policy-rc.d (where present) keeps the package from starting the system service.
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dovecot-imapd >&2
fi
echo /usr/sbin/dovecot
