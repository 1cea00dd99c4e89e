# Sourced by the gateway scripts: a local stack (ingest, query, one enrich, one score) and
# `earshot gateway` on loopback, in a temporary folder, stopped again on exit.
#   start_gateway_stack BIN BASE_PORT     sets $work, $keys_args, $gateway (http://…), $gateway_pid,
#                                         $ingest_rpc and $query_rpc (the services' RPC endpoints)
# The query service's store is $EARSHOT_STACK_STORE when set (an existing SQLite file, kept),
# else a new one in $work.
start_gateway_stack() {
  local bin=$1 port=$2
  work=$(mktemp -d)
  keys_args=(--keys "$work/keys")
  stack_pids=()
  trap stop_gateway_stack EXIT
  endpoint() { echo "tcp://127.0.0.1:$((port + $1))"; }
  ingest_rpc=$(endpoint 0)
  query_rpc=$(endpoint 10)
  "$bin" keys init "${keys_args[@]}" >/dev/null
  "$bin" ingest --rpc "$(endpoint 0)" --dispatch "$(endpoint 1)" --relay-in "$(endpoint 2)" --relay-out "$(endpoint 3)" \
    --acks "$(endpoint 4)" --journal "$work/journal.sqlite" "${keys_args[@]}" 2>"$work/ingest.log" & stack_pids+=($!)
  "$bin" query --rpc "$(endpoint 10)" --collect "$(endpoint 5)" --acks "$(endpoint 4)" --store "${EARSHOT_STACK_STORE:-$work/store.sqlite}" \
    --query-set "$(endpoint 11)" --alerts-pub "$(endpoint 12)" --alert-sources "$(endpoint 0)" "${keys_args[@]}" 2>"$work/query.log" & stack_pids+=($!)
  "$bin" enrich --pull "$(endpoint 1)" --push "$(endpoint 2)" --query-set "$(endpoint 11)" --threads 1 "${keys_args[@]}" 2>"$work/enrich.log" & stack_pids+=($!)
  "$bin" score --pull "$(endpoint 3)" --push "$(endpoint 5)" --threads 1 "${keys_args[@]}" 2>"$work/score.log" & stack_pids+=($!)
  "$bin" gateway --listen "127.0.0.1:$((port + 30))" --ingest "$(endpoint 0)" --query "$(endpoint 10)" --alerts "$(endpoint 12)" \
    --webhooks "$work/webhooks.sqlite" "${keys_args[@]}" 2>"$work/gateway.log" & gateway_pid=$!
  stack_pids+=("$gateway_pid")
  gateway="http://127.0.0.1:$((port + 30))"
  for _ in $(seq 1 150); do
    curl -sf "$gateway/readyz" >/dev/null && return 0
    sleep 0.2
  done
  echo "the gateway did not get ready" >&2
  cat "$work"/*.log >&2
  return 1
}

stop_gateway_stack() {
  for pid in "${stack_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${stack_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
