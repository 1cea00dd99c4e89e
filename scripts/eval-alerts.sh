#!/usr/bin/env bash
# Reproduces the alert measurement table of docs/INSIGHTS.md: leave-one-series-out
# cross-validation and the shipped defaults on the five labelled tweet-volume series of
# data/volume, with the published detectors beside them. Every figure is computed by
# `earshot alerts backtest --labels data/volume/labels.json --json` (scripts/eval-alerts.py).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product earshot >/dev/null
exec python3 scripts/eval-alerts.py .build/release/earshot
