#!/usr/bin/env bash
# Install what the tests need and run the whole suite: unit, integration (SQLite and a
# throwaway PostgreSQL), AppTest and browser tests, on two workers (the browser tests in
# two groups, one a worker: tests/browser/conftest.py). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
exec .venv/bin/python -m pytest -p no:cacheprovider -n "${PYTEST_WORKERS:-2}" --dist loadgroup "$@"
