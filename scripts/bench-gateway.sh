#!/usr/bin/env bash
# The gateway's request rate (issue #16, "Speed"; a benchmark, not a test): a local stack
# and gateway, 1,000 posts published over HTTP, then wrk (Debian) on GET /v1/overview
# with a reader token, 2 threads and 32 connections for 10 s, latency percentiles printed.
#
#   scripts/bench-gateway.sh          (EARSHOT_BIN, default .build/release/earshot, built when missing)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${EARSHOT_BIN:-.build/release/earshot}
[ -x "$bin" ] || swift build -c release --product earshot
command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null

. scripts/lib/gateway-stack.sh
start_gateway_stack "$bin" "${EARSHOT_BENCH_PORT:-32200}"
feed=$("$bin" tokens create --name feed --role publisher "${keys_args[@]}" 2>/dev/null)
reader=$("$bin" tokens create --name bench --role reader "${keys_args[@]}" 2>/dev/null)
"$bin" generate --count 1000 --seed 3 | python3 -c '
import json, sys
posts = [json.loads(line) for line in sys.stdin if line.strip()]
print(json.dumps({"posts": posts}))' >"$work/batch.json"
curl -sf -X POST "$gateway/v1/posts/batch" -H "Authorization: Bearer $feed" -H 'Content-Type: application/json' \
  --data-binary @"$work/batch.json" >/dev/null
sleep 3
echo "== GET /v1/overview: $(curl -sf "$gateway/v1/overview" -H "Authorization: Bearer $reader" | head -c 80)…"
wrk -t2 -c32 -d10s --latency -H "Authorization: Bearer $reader" "$gateway/v1/overview"
