#!/usr/bin/env bash
# Installs Chromium from Debian's packages for the browser tests (tests/browser),
# which drive it headless through Playwright's executable_path: no browser is
# downloaded by Playwright itself. Prints the binary's path.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    $sudo apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium >/dev/null
fi
command -v chromium
