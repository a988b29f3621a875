#!/usr/bin/env bash
# The shape of the code: the import layers (the steps over core, Streamlit only in the UI),
# ruff (lint and format) and mypy, all configured in pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
.venv/bin/lint-imports
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
