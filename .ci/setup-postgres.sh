#!/usr/bin/env bash
# Installs the PostgreSQL server from Debian's packages, non-interactively,
# for the store tests and benchmarks. The tests start their own throwaway
# cluster (tests/servers/postgres.py): no cluster is created or started here.
# Prints the folder holding initdb and postgres.
#
# As root, the tests run initdb and postgres as the 'postgres' system user
# that the package creates (PostgreSQL refuses to run as root).
set -euo pipefail

find_bin() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

if ! bin="$(find_bin)"; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    # Do not let the package create (and try to start) a default cluster.
    $sudo mkdir -p /etc/postgresql-common
    if [ ! -f /etc/postgresql-common/createcluster.conf ]; then
        echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.conf >/dev/null
    fi
    $sudo apt-get update >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2
    bin="$(find_bin)"
fi

if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "setup-postgres: running as root but there is no 'postgres' user to run the server as" >&2
    exit 1
fi
"$bin/postgres" --version >&2
echo "$bin"
