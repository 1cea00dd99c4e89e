#!/usr/bin/env bash
# Speed of `earshot alerts backtest` (a benchmark, not a test; see docs/INSIGHTS.md):
# one year of 5-minute buckets (105,120), made by repeating the committed AAPL tweet-volume
# series, backtested once with the default detector and swept over 10 z-thresholds.
# Prints the command's own timing lines (reading the CSV, and detection).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product earshot >/dev/null
year=$(mktemp --suffix=.csv)
trap 'rm -f "$year"' EXIT
awk -F, 'NR > 1 { value[n++] = $2 }
    END {
        print "timestamp,value"
        start = 1420070400  # 2015-01-01T00:00:00Z
        for (i = 0; i < 105120; i++) print strftime("%Y-%m-%d %H:%M:%S", start + 300 * i, 1) "," value[i % n]
    }' data/volume/Twitter_volume_AAPL.csv >"$year"
echo "one year of 5-minute buckets, default detector:"
.build/release/earshot alerts backtest --series "$year" --timing >/dev/null
echo "the same year, sweep of 10 settings (z-threshold=3:7.5:0.5):"
.build/release/earshot alerts backtest --series "$year" --sweep z-threshold=3:7.5:0.5 --timing >/dev/null
