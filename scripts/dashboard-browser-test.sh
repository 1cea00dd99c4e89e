#!/usr/bin/env bash
# Runs the dashboard's browser test (scripts/dashboard-browser-test.py) in headless chromium.
# Debian's chromium and chromium-driver come from scripts/setup.sh --browser; selenium (PyPI)
# is installed here into .build/browser-venv on first use. The arguments go to the Python
# script; the Swift test DashboardBrowserTests starts the stack and calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build/browser-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import selenium' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'selenium>=4.20,<5'
fi
exec "$venv/bin/python" scripts/dashboard-browser-test.py "$@"
