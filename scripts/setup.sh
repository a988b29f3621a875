#!/usr/bin/env bash
# Install what the workbench needs: a virtualenv with the pinned packages, and with "dev"
# also the system parts the tests use (Debian's Chromium, PostgreSQL, Node.js with npm) when they
# are missing, and the pinned npm packages of the browser tests (axe-core).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
requirements=requirements.txt
[ "${1:-}" = "dev" ] && requirements=requirements-dev.txt
stamp=".venv/.installed-$(sha256sum requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)-${1:-app}"
if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
    touch "$stamp"
fi

if [ "${1:-}" = "dev" ]; then
    missing=()
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
    [ -x /usr/bin/npm ] || missing+=(nodejs npm)
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "The tests need these Debian packages: ${missing[*]}. Install them as root:" >&2
            echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
            exit 1
        fi
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi

    # axe-core for the accessibility test, exactly as the lock file pins it. The stamp names the
    # lock file's hash, so a changed lock installs again; `npm ci` starts from an empty
    # node_modules (which removes an old stamp). Nothing is fetched when the tests run.
    npm_stamp="tests/browser/node_modules/.installed-$(sha256sum tests/browser/package-lock.json | cut -c1-16)"
    if [ ! -f "$npm_stamp" ]; then
        (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
        touch "$npm_stamp"
    fi
fi
