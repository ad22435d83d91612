#!/usr/bin/env bash
# Installs Prism (the OpenAPI request/response validator the Jira tests run
# the adapter's traffic through) into .ci/node/, which git ignores.
# Prints the path of the prism binary; export it as PRISM_BIN.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="$here/node"
version="${PRISM_VERSION:-5.14.2}"
mkdir -p "$prefix"
printf "*\n" > "$prefix/.gitignore"  # keep the install out of git
if [ ! -x "$prefix/node_modules/.bin/prism" ]; then
    npm install --no-audit --no-fund --prefix "$prefix" "@stoplight/prism-cli@$version" >&2
fi
"$prefix/node_modules/.bin/prism" --version >&2
echo "$prefix/node_modules/.bin/prism"
