#!/usr/bin/env bash
# The dashboard's overview page on a store of 5M posts (issue #17, "Speed": interactive in
# <= 1 s, navigation to charts drawn, in headless chromium on this machine; a benchmark, not a
# test). Builds the store once with `earshot bench store` (4 listening queries in group
# "bench"; its own figures are printed too) and keeps it for the next run, starts a stack and
# a gateway on it (scripts/lib/gateway-stack.sh) and times the page (scripts/bench-dashboard.py).
#
#   scripts/bench-dashboard.sh     EARSHOT_BIN (default .build/release/earshot, built when missing),
#                                  EARSHOT_BENCH_POSTS (default 5000000), EARSHOT_BENCH_DASHBOARD_STORE
#                                  (default .build/bench-dashboard/store-<posts>.sqlite),
#                                  EARSHOT_BENCH_WARMUP (seconds before timing, default 120),
#                                  EARSHOT_BENCH_RUNS (loads per scope, default 5), EARSHOT_BENCH_TIMEOUT
#                                  (seconds a load may take, default 120; a slower one counts as that)
# Needs chromium and chromium-driver (scripts/setup.sh --browser); selenium comes from PyPI into
# .build/browser-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${EARSHOT_BIN:-.build/release/earshot}
[ -x "$bin" ] || swift build -c release --product earshot
posts=${EARSHOT_BENCH_POSTS:-5000000}
store=${EARSHOT_BENCH_DASHBOARD_STORE:-.build/bench-dashboard/store-$posts.sqlite}
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || { echo "chromium and chromium-driver are needed: scripts/setup.sh --browser" >&2; exit 1; }
venv=.build/browser-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import selenium' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'selenium>=4.20,<5'
fi
if [ ! -f "$store" ]; then
  mkdir -p "$(dirname "$store")"
  echo "== building the store: $posts posts (earshot bench store, kept in $store)"
  "$bin" bench store --posts "$posts" --days 30 --calls 20 --path "$store.partial"
  mv "$store.partial" "$store"
  for suffix in -wal -shm; do [ ! -f "$store.partial$suffix" ] || mv "$store.partial$suffix" "$store$suffix"; done
fi
EARSHOT_STACK_STORE=$(realpath "$store")
export EARSHOT_STACK_STORE
. scripts/lib/gateway-stack.sh
start_gateway_stack "$bin" "${EARSHOT_BENCH_PORT:-32300}"
reader=$("$bin" tokens create --name bench --role reader "${keys_args[@]}" 2>/dev/null)
# A query service started on a big store first catches its alert monitor up with the whole
# history, which holds up reads: the page is timed after EARSHOT_BENCH_WARMUP seconds (default 120).
sleep "${EARSHOT_BENCH_WARMUP:-120}"
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
"$venv/bin/python" scripts/bench-dashboard.py --base "$gateway" --reader "$reader" --runs "${EARSHOT_BENCH_RUNS:-5}" --timeout "${EARSHOT_BENCH_TIMEOUT:-120}" || status=$?
# The query service's log (slow calls are logged with their time queued and running) outlives the run.
cp "$work/query.log" "$(dirname "$store")/last-query.log"
echo "== the query service's log: $(dirname "$store")/last-query.log"
exit "$status"
