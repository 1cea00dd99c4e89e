#!/usr/bin/env bash
# Speed of `earshot alerts backtest` (a benchmark, not a test; see docs/INSIGHTS.md):
# one year of 5-minute buckets (105,120), made by repeating the committed AAPL tweet-volume
# series, backtested once with the default detector and swept over 10 z-thresholds.
# Prints the command's own timing lines (reading the CSV, and detection) and the whole command's
# wall and CPU time, and with valgrind the instructions of each (steady on a loaded machine).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product earshot >/dev/null
year=$(mktemp --suffix=.csv)
trap 'rm -f "$year"' EXIT
python3 - data/volume/Twitter_volume_AAPL.csv "$year" <<'PY'
import csv, datetime, sys
values = [row["value"] for row in csv.DictReader(open(sys.argv[1]))]
start = datetime.datetime(2015, 1, 1)
with open(sys.argv[2], "w") as out:
    out.write("timestamp,value\n")
    for i in range(105_120):
        out.write("%s,%s\n" % ((start + datetime.timedelta(minutes=5 * i)).strftime("%Y-%m-%d %H:%M:%S"), values[i % len(values)]))
PY
# The whole command as a user runs it; CPU time beside wall time, which a loaded machine inflates.
TIMEFORMAT="whole command: %R s wall, %U s user"
echo "one year of 5-minute buckets, default detector:"
time .build/release/earshot alerts backtest --series "$year" --timing >/dev/null
echo "the same year, sweep of 10 settings (z-threshold=3:7.5:0.5):"
time .build/release/earshot alerts backtest --series "$year" --sweep z-threshold=3:7.5:0.5 --timing >/dev/null
# Instructions, which a loaded machine does not inflate (valgrind callgrind, all threads summed;
# skipped without valgrind, Debian package `valgrind`).
if command -v valgrind >/dev/null; then
    # Valgrind gives up on the release binary's debug information ("Possibly corrupted debuginfo
    # file. I can't recover."), so it runs a stripped copy: the same instructions.
    stripped=$(mktemp)
    trap 'rm -f "$year" "$stripped"' EXIT
    strip -o "$stripped" .build/release/earshot
    instructions() {
        local count
        count=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | sed -n 's/.*Collected : //p')
        echo "${count:-not counted (valgrind failed; run it by hand to see why)}"
    }
    echo "instructions, one year, default detector: $(instructions "$stripped" alerts backtest --series "$year")"
    echo "instructions, one year, sweep of 10 settings: $(instructions "$stripped" alerts backtest --series "$year" --sweep z-threshold=3:7.5:0.5)"
else
    echo "instructions: skipped, valgrind not found (Debian package valgrind)"
fi
