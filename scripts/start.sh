#!/usr/bin/env bash
# Install what the app needs and start it on the embedded SQLite database (with the demo).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/streamlit run app.py "$@"
