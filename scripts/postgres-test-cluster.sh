#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and benchmarks: its own data folder, a loopback
# port, trust authentication for user "earshot", no fsync (throwaway data). Used by the store's
# conformance tests, the PostgreSQL pipeline test and `earshot bench store` (through
# Sources/Launcher/PostgresTestCluster.swift); runs as the "postgres" user when called as root
# (initdb refuses root). Needs Debian's postgresql-15 (scripts/setup.sh installs it).
#
#   postgres-test-cluster.sh start DIR PORT       initdb into DIR/data, start on 127.0.0.1:PORT
#   postgres-test-cluster.sh createdb DIR NAME    a new empty database; prints its store URL
#   postgres-test-cluster.sh pause DIR            stop the server (a clean shutdown), keep DIR
#   postgres-test-cluster.sh resume DIR           start a paused server again on its port
#   postgres-test-cluster.sh stop DIR             stop the server and remove DIR
set -euo pipefail
bin=${EARSHOT_POSTGRES_BIN:-/usr/lib/postgresql/15/bin}
command=${1:-}
dir=${2:-}
usage="usage: $0 start DIR PORT | createdb DIR NAME | pause DIR | resume DIR | stop DIR"
[ -n "$command" ] && [ -n "$dir" ] || { echo "$usage" >&2; exit 2; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Starts the server of $dir/data on 127.0.0.1:$port. Every output of pg_ctl to a file: the
# server it starts would otherwise hold the caller's pipes open.
start_server() {
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start \
    </dev/null >"$dir/pg_ctl.log" 2>&1 \
    || { cat "$dir/pg_ctl.log" "$dir/data/server.log" >&2; exit 1; }
}

case "$command" in
  start)
    port=${3:?start needs a port}
    [ -x "$bin/initdb" ] || { echo "postgres-test-cluster: no PostgreSQL 15 server at $bin (apt-get install postgresql-15)" >&2; exit 3; }
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U earshot --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    echo "$port" >"$dir/port"
    start_server
    ;;
  resume)
    port=$(cat "$dir/port")
    start_server
    ;;
  pause)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
    ;;
  createdb)
    name=${3:?createdb needs a name}
    port=$(cat "$dir/port")
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U earshot "$name"
    echo "postgres://earshot@127.0.0.1:$port/$name"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true; fi
    rm -rf "$dir"
    ;;
  *)
    echo "$usage" >&2
    exit 2
    ;;
esac
