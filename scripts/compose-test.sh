#!/usr/bin/env bash
# The docker compose stack, run for real (issue 6): build the image from a
# binary built on this machine, start compose/compose.yaml with 3 score and
# 2 enrich workers, publish 10,000 posts through the published ingest port,
# `docker kill` one score worker midway, and require the query service to
# report exactly 10,000 posts; the HTTP gateway (compose.gateway.yaml) must
# answer /readyz and report the same count to a reader token; the collect service
# (compose.collect.yaml) must store the posts of a stand-in Jetstream container
# (compose.collect-test.yaml) and save its cursor in its volume. Ends with one line:
#   compose-test: PASS ...   (exit 0)   or   compose-test: FAIL ...   (exit 1)
#
# For a fresh Debian 12 machine, as root: installs docker.io, docker-compose
# and debootstrap when missing, starts dockerd when none answers (and stops it
# again at the end), and builds a Debian base image from Debian's mirror
# (scripts/debian-base-image.sh; an existing one is reused). No image registry
# is needed. Traffic stays on loopback and on the stack's own bridge network.
#
# Environment (all optional):
#   COMPOSE_TEST_POSTS=10000        posts to publish
#   COMPOSE_TEST_SCORE=3 COMPOSE_TEST_ENRICH=2   replicas
#   COMPOSE_TEST_INGEST_PORT=5550 COMPOSE_TEST_QUERY_PORT=5560   host ports (127.0.0.1)
#   COMPOSE_TEST_PROJECT=earshotci  compose project name
#   COMPOSE_TEST_KEEP=1             leave the stack up and the logs in place
#   COMPOSE_TEST_COLLECT_POSTS=900  posts the stand-in Jetstream serves to the collect service
#   COMPOSE_TEST_STORE=postgres     the stack on PostgreSQL (compose/compose.postgres.yaml): a
#                                   postgres container built on the same Debian base, the query
#                                   service as the writer and COMPOSE_TEST_READERS=3 readers; one
#                                   reader and the writer are killed too, and the posts are
#                                   counted through a reader
set -Eeuo pipefail

started_at=$(date +%s)
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
compose_dir=$repo/compose
posts=${COMPOSE_TEST_POSTS:-10000}
score_replicas=${COMPOSE_TEST_SCORE:-3}
enrich_replicas=${COMPOSE_TEST_ENRICH:-2}
project=${COMPOSE_TEST_PROJECT:-earshotci}
store=${COMPOSE_TEST_STORE:-sqlite}
readers=0
gateways=0
compose_files=(-f "$compose_dir/compose.yaml")
if [[ $store == sqlite ]]; then
    # The HTTP gateway rides on the SQLite stack, whose query service answers reads.
    gateways=1
    compose_files+=(-f "$compose_dir/compose.gateway.yaml")
elif [[ $store == postgres ]]; then
    readers=${COMPOSE_TEST_READERS:-3}
    compose_files+=(-f "$compose_dir/compose.postgres.yaml")
else
    echo "compose-test: COMPOSE_TEST_STORE is sqlite or postgres, not '$store'" >&2
    exit 2
fi
password_file=$compose_dir/postgres.password
made_password=0
export EARSHOT_IMAGE=earshot:compose-test
export EARSHOT_RUNTIME_BASE=${EARSHOT_RUNTIME_BASE:-earshot-debian-base:bookworm}
export EARSHOT_INGEST_PORT=${COMPOSE_TEST_INGEST_PORT:-5550}
export EARSHOT_QUERY_PORT=${COMPOSE_TEST_QUERY_PORT:-5560}
export EARSHOT_PUBLISH_ADDR=127.0.0.1
ingest_endpoint=tcp://127.0.0.1:$EARSHOT_INGEST_PORT
query_endpoint=tcp://127.0.0.1:$EARSHOT_QUERY_PORT
work=$(mktemp -d /tmp/earshot-compose-test.XXXXXX)
dockerd_pid=""
main_pid=$$
stack_up=0
earshot=""

elapsed() { echo "$(($(date +%s) - started_at)) s"; }
step() { echo "== [$(elapsed)] $*"; }

compose() {
    if command -v docker-compose >/dev/null; then
        docker-compose -p "$project" "$@"
    else
        docker compose -p "$project" "$@"
    fi
}
stack() { compose "${compose_files[@]}" "$@"; }

cleanup() {
    if [[ $stack_up == 1 && ${COMPOSE_TEST_KEEP:-0} != 1 ]]; then
        stack down -v --remove-orphans >"$work/down.log" 2>&1 || cat "$work/down.log"
    fi
    rm -rf "$compose_dir/prebuilt"
    [[ $made_password == 0 ]] || rm -f "$password_file"
    if [[ -n $dockerd_pid && ${COMPOSE_TEST_KEEP:-0} != 1 ]]; then
        if kill "$dockerd_pid" 2>/dev/null; then wait "$dockerd_pid" 2>/dev/null || true; fi
    fi
}

fail() {
    # In a subshell (command substitution, background import) only end it;
    # the main shell sees the failure and reports it.
    [[ $BASHPID == "$main_pid" ]] || exit 1
    trap - ERR
    echo "compose-test: details in $work"
    if [[ $stack_up == 1 ]]; then
        stack ps || true
        stack logs --no-color --tail 40 >"$work/stack.log" 2>&1 || true
        tail -n 80 "$work/stack.log" || true
    fi
    cleanup
    echo "compose-test: FAIL $* ($(elapsed))"
    exit 1
}
trap 'fail "line $LINENO: $BASH_COMMAND exited with $?"' ERR
trap 'fail "interrupted"' INT TERM

# --- tools: Docker engine, compose, debootstrap, the host build's libraries
ensure_packages() {
    local missing=()
    command -v dockerd >/dev/null || missing+=(docker.io)
    command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    command -v curl >/dev/null || missing+=(curl)
    for package in libzmq3-dev libprotobuf-c-dev libsqlite3-dev libcurl4-openssl-dev libxml2-dev pkg-config; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
    done
    if ((${#missing[@]})); then
        step "apt-get install ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q "${missing[@]}" >"$work/apt.log" 2>&1 \
            || { apt-get update -q >>"$work/apt.log" 2>&1 && apt-get install -y -q "${missing[@]}" >>"$work/apt.log" 2>&1; } \
            || { tail -n 20 "$work/apt.log"; fail "apt-get install ${missing[*]}"; }
    fi
}

ensure_engine() {
    if docker info >/dev/null 2>&1; then return; fi
    step "starting dockerd"
    dockerd >"$work/dockerd.log" 2>&1 &
    dockerd_pid=$!
    for _ in $(seq 1 60); do
        docker info >/dev/null 2>&1 && return
        kill -0 "$dockerd_pid" 2>/dev/null || { tail -n 20 "$work/dockerd.log"; fail "dockerd exited"; }
        sleep 1
    done
    tail -n 20 "$work/dockerd.log"
    fail "dockerd did not answer within 60 s"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Where reads go: the query service, or on PostgreSQL the published port of a running reader.
read_endpoint() {
    [[ $store == postgres ]] || { echo "$query_endpoint"; return; }
    local reader
    reader=$(containers query-reader | head -n 1)
    [[ -n $reader ]] || { echo "tcp://127.0.0.1:1"; return; }
    echo "tcp://$(docker port "$reader" 5560/tcp | head -n 1)"
}

# Number of posts the query service reports, or -1 when it does not answer.
stored_posts() {
    local json
    json=$("$earshot" ask overview --json --query "$(read_endpoint)" --timeout-ms 3000 2>/dev/null) || { echo -1; return; }
    grep -oE '"posts":"?[0-9]+' <<<"$json" | grep -oE '[0-9]+$' || echo 0
}

# Containers of one service (or of the whole project), by id.
containers() {
    docker ps -q --filter "label=com.docker.compose.project=$project" ${1:+--filter "label=com.docker.compose.service=$1"}
}

container_ip() { docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"; }
container_name() { docker inspect -f '{{.Name}}' "$1" | tr -d /; }

# GET /metrics from a container's metrics port, over the stack's network.
scrape_metrics() {
    local ip
    ip=$(container_ip "$1")
    exec 3<>"/dev/tcp/$ip/9100"
    printf 'GET /metrics HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$ip" >&3
    timeout 5 cat <&3
    exec 3<&-
}

wait_healthy() {
    local expected=$1 deadline=$(($(date +%s) + $2)) healthy total
    while true; do
        healthy=0 total=0
        for id in $(containers); do
            total=$((total + 1))
            [[ $(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$id") == healthy ]] && healthy=$((healthy + 1))
        done
        ((total == expected && healthy == expected)) && return
        (($(date +%s) > deadline)) && fail "$healthy of $expected containers healthy ($total running) after $2 s"
        sleep 1
    done
}

# --- 1. engine, base image, binary, runtime image
ensure_packages
ensure_engine
for port in "$EARSHOT_INGEST_PORT" "$EARSHOT_QUERY_PORT"; do
    port_free "$port" || fail "127.0.0.1:$port is in use; set COMPOSE_TEST_INGEST_PORT / COMPOSE_TEST_QUERY_PORT"
done
# A stack left over by an interrupted run of this script.
stack down -v --remove-orphans >/dev/null 2>&1 || true

step "Debian base image $EARSHOT_RUNTIME_BASE"
"$repo/scripts/debian-base-image.sh" "$EARSHOT_RUNTIME_BASE"

step "swift build -c release --static-swift-stdlib (scratch .build-docker)"
build_flags=(-c release --static-swift-stdlib --scratch-path "$repo/.build-docker")
(cd "$repo" && swift build "${build_flags[@]}" --product earshot) >"$work/swift-build.log" 2>&1 \
    || { tail -n 40 "$work/swift-build.log"; fail "swift build"; }
bin_path=$(cd "$repo" && swift build "${build_flags[@]}" --show-bin-path)
earshot=$bin_path/earshot
# The binary and the data bundles it loads at run time (language profiles,
# lexicons, models: SwiftPM's *.resources folders) go next to each other.
rm -rf "$compose_dir/prebuilt"
mkdir -p "$compose_dir/prebuilt"
cp "$earshot" "$compose_dir/prebuilt/earshot"
find "$bin_path" -maxdepth 1 -name '*.resources' -exec cp -R {} "$compose_dir/prebuilt/" \;

step "runtime image $EARSHOT_IMAGE (target runtime-prebuilt on $EARSHOT_RUNTIME_BASE)"
compose -f "$compose_dir/compose.yaml" -f "$compose_dir/compose.prebuilt.yaml" build ingest >"$work/image-build.log" 2>&1 \
    || { tail -n 30 "$work/image-build.log"; fail "image build"; }
docker image ls "$EARSHOT_IMAGE" --format '   {{.Repository}}:{{.Tag}} {{.Size}}'
if [[ $store == postgres ]]; then
    step "postgres image (Debian's postgresql-15 on $EARSHOT_RUNTIME_BASE)"
    if [[ ! -s $password_file ]]; then
        # Read by the postgres and earshot users of the containers; removed again at the end.
        head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$password_file"
        chmod 644 "$password_file"
        made_password=1
    fi
    stack build postgres >"$work/postgres-build.log" 2>&1 || { tail -n 30 "$work/postgres-build.log"; fail "postgres image build"; }
fi

# --- 2. the stack, scaled, healthy
scale=(--scale "score=$score_replicas" --scale "enrich=$enrich_replicas")
[[ $store != postgres ]] || scale+=(--scale "query-reader=$readers")
step "up ${scale[*]} (store: $store)"
stack_up=1
stack up -d "${scale[@]}" >"$work/up.log" 2>&1 \
    || { cat "$work/up.log"; fail "compose up"; }
services=$((2 + score_replicas + enrich_replicas))  # ingest, query and the workers answer ask stats
# plus the gateway (SQLite) or the readers and postgres (PostgreSQL)
replicas=$((services + gateways + readers + (readers > 0 ? 1 : 0)))
wait_healthy "$replicas" 180
# The stack is secure: this script is a client like any other, with the cli
# key the keys service shared into the keys-cli volume.
mkdir -p "$work/keys" && chmod 700 "$work/keys"
for file in cli.key ingest.pub query.pub worker.pub; do
    docker run --rm -v "${project}_keys-cli:/k:ro" --entrypoint cat "$EARSHOT_IMAGE" "/k/$file" >"$work/keys/$file" \
        || fail "cannot read $file from the keys-cli volume"
done
export EARSHOT_KEYS=$work/keys
"$earshot" health --endpoint "$ingest_endpoint" --server ingest >/dev/null || fail "ingest not healthy through the published port"
"$earshot" health --endpoint "$query_endpoint" --server query >/dev/null || fail "query not healthy through the published port"
step "$replicas containers healthy"

# A container without the stack's keys is refused: with ingest's public key
# (public knowledge) but a key of its own that no allow-list has, it fails the
# handshake, and ingest logs the refusal.
network=$(docker inspect -f '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}}{{end}}' "$(containers ingest)")
if docker run --rm --network "$network" -e "INGEST_PUB=$(cat "$work/keys/ingest.pub")" --entrypoint /bin/sh "$EARSHOT_IMAGE" -c \
    'earshot keys init --keys /tmp/k >/dev/null && printf "%s\n" "$INGEST_PUB" >/tmp/k/ingest.pub &&
     earshot health --endpoint tcp://ingest:5550 --server ingest --keys /tmp/k --timeout-ms 3000' \
    >"$work/keyless.log" 2>&1; then
    cat "$work/keyless.log"; fail "a container with unknown keys got an answer from ingest"
fi
grep -q "UNAVAILABLE" "$work/keyless.log" || { cat "$work/keyless.log"; fail "the keyless container's call did not fail as refused"; }
sleep 1
docker logs "$(containers ingest)" 2>&1 | grep -q "refused a connection: unknown key" || fail "ingest did not log the refused key"
step "a container with unknown keys is refused (ingest logged its fingerprint)"

# Only ingest and query publish ports, on 127.0.0.1; services run as non-root.
for id in $(containers); do
    name=$(container_name "$id")
    service=$(docker inspect -f '{{index .Config.Labels "com.docker.compose.service"}}' "$id")
    published=$(docker port "$id" | sed 's/.*-> //' | sort -u | tr '\n' ' ')
    case $service in
        ingest|query|query-reader|gateway) [[ $published == 127.0.0.1:* && $published != *" "?* ]] \
                          || fail "$name publishes '$published', expected one port on 127.0.0.1" ;;
        *) [[ -z $published ]] || fail "$name publishes $published" ;;
    esac
    [[ $(docker exec "$id" id -u) != 0 ]] || fail "$name runs as root"
done

# --- 3. publish through the published ingest port; kill a score worker midway
"$earshot" generate --count "$posts" --seed 6 >"$work/posts.jsonl"
chunk_lines=$(((posts + 19) / 20))
split -l "$chunk_lines" -d -a 3 "$work/posts.jsonl" "$work/chunk-"
step "publishing $posts posts to $ingest_endpoint in 20 chunks (background)"
(
    for chunk in "$work"/chunk-*; do
        "$earshot" import "$chunk" --ingest "$ingest_endpoint" --batch-size 100 || exit 1
        sleep 0.25
    done
) >"$work/import.log" 2>&1 &
import_pid=$!

kill_at=$((posts * 3 / 10))
seen=0
while kill -0 "$import_pid" 2>/dev/null && ((seen < kill_at)); do
    seen=$(stored_posts)
    sleep 0.2
done
# Freeze the victim first so that work is surely in flight at it (batches in
# its socket buffers, unprocessed), then kill it: that work is lost with the
# container and must come back through ingest's redelivery.
victim=$(containers score | sed -n 2p)
victims=("$victim")
# On PostgreSQL the writer and a reader die too (after the count: it is read through a reader).
[[ $store != postgres ]] || victims+=("$(containers query)" "$(containers query-reader | sed -n 2p)")
victim_name=$(for id in "${victims[@]}"; do container_name "$id"; done | paste -sd ' ')
docker pause "$victim" >/dev/null
sleep 1.5
seen_at_kill=$(stored_posts)
docker kill "${victims[@]}" >/dev/null
publishing=$(kill -0 "$import_pid" 2>/dev/null && echo "still publishing" || echo "publishing done")
step "docker kill $victim_name (paused 1.5 s first) with $seen_at_kill of $posts posts stored ($publishing)"
((seen_at_kill < posts)) || fail "the kill came too late: all posts were already stored"

wait "$import_pid" || { cat "$work/import.log"; fail "earshot import"; }
# Each chunk's last progress report (after the last carriage return) is its total.
accepted=$(awk -F'\r' '/ accepted/ { split($NF, words, " "); sum += words[3] } END { print sum + 0 }' "$work/import.log")
((accepted == posts)) || { cat "$work/import.log"; fail "ingest accepted $accepted of $posts posts"; }
step "import finished: $accepted accepted"

# The killed containers come back (docker kill counts as a manual stop, so the
# restart policy leaves them down); they rejoin without any other change.
docker start "${victims[@]}" >/dev/null
wait_healthy "$replicas" 120
step "$victim_name restarted and healthy"

# --- 4. exactly all the posts, no more; then the overview
deadline=$(($(date +%s) + 180))
while true; do
    count=$(stored_posts)
    ((count > posts)) && fail "query reports $count posts, more than the $posts published"
    ((count == posts)) && break
    (($(date +%s) > deadline)) && fail "query reports $count of $posts posts after 180 s"
    sleep 1
done
step "query reports $count posts"
sleep 3
count=$(stored_posts)
((count == posts)) || fail "query reports $count posts 3 s after reaching $posts"

ingest_id=$(containers ingest)
metrics=$(scrape_metrics "$ingest_id") || fail "GET /metrics from ingest"
grep -q '^HTTP/1.1 200' <<<"$metrics" || fail "GET /metrics from ingest: $(head -n 1 <<<"$metrics")"
backlog_deadline=$(($(date +%s) + 60))
until grep -qE '^earshot_ingest_backlog 0(\.0)?$' <<<"$metrics"; do
    (($(date +%s) > backlog_deadline)) && fail "ingest backlog not 0: $(grep '^earshot_ingest_backlog' <<<"$metrics")"
    sleep 1
    metrics=$(scrape_metrics "$ingest_id")
done
redelivered=$(awk '/^earshot_ingest_redelivered_total / { print $2 + 0 }' <<<"$metrics")
step "ingest /metrics: backlog 0, redelivered ${redelivered:-0}"

"$earshot" ask overview --query "$(read_endpoint)"
worker_endpoints=()
for id in $(containers enrich) $(containers score); do worker_endpoints+=(--endpoint "tcp://$(container_ip "$id"):5570"); done
"$earshot" ask stats --ingest "$ingest_endpoint" --query "$query_endpoint" "${worker_endpoints[@]}" >"$work/stats.txt" \
    || fail "earshot ask stats"
answered=$(grep -cE '^[a-z]+ +up ' "$work/stats.txt" || true)
((answered == services)) || { cat "$work/stats.txt"; fail "ask stats: $answered of $services services answered"; }
step "ask stats: all $answered services answered"

# --- 5. the HTTP gateway (SQLite stack): ready, and one authenticated read agrees with the RPC
if ((gateways == 1)); then
gateway_id=$(containers gateway)
gateway_url=http://$(docker port "$gateway_id" 8080 | grep -m 1 '^127\.0\.0\.1:')
curl -sf "$gateway_url/readyz" >/dev/null || fail "GET $gateway_url/readyz is not 200"
token=$(docker exec "$gateway_id" earshot tokens create --name compose-test --role reader 2>/dev/null | tail -n 1)
gateway_posts=$(curl -sf "$gateway_url/v1/overview" -H "Authorization: Bearer $token" | grep -oE '"posts":[0-9]+' | head -n 1 | grep -oE '[0-9]+$') \
    || fail "GET $gateway_url/v1/overview with a reader token"
((gateway_posts == posts)) || fail "the gateway's overview reports $gateway_posts posts, the RPC $posts"
step "gateway $gateway_url: /readyz 200; GET /v1/overview with a reader token reports $gateway_posts posts"
fi

# --- 6. the live collector (compose.collect.yaml) against a stand-in Jetstream container
collect_posts=${COMPOSE_TEST_COLLECT_POSTS:-900}
printf '%s\n' 'state_directory = "/var/lib/earshot/collect"' '[[source]]' 'name = "fake-bluesky"' 'kind = "bluesky"' \
    'endpoint = "ws://fake-jetstream:6008/subscribe"' >"$work/sources.toml"
chmod 644 "$work/sources.toml"
export COMPOSE_TEST_SOURCES=$work/sources.toml COMPOSE_TEST_COLLECT_POSTS=$collect_posts
compose_files+=(-f "$compose_dir/compose.collect.yaml" -f "$compose_dir/compose.collect-test.yaml")
step "collect: a bluesky source against a stand-in Jetstream container ($collect_posts posts)"
stack up -d fake-jetstream collect >"$work/collect-up.log" 2>&1 || { cat "$work/collect-up.log"; fail "compose up collect"; }
deadline=$(($(date +%s) + 120))
until (($(stored_posts) == posts + collect_posts)); do
    if (($(date +%s) > deadline)); then
        docker logs "$(containers collect)" 2>&1 | tail -n 20
        fail "query reports $(stored_posts) posts, not $posts + $collect_posts, 120 s after collect started"
    fi
    sleep 1
done
step "collect: the $collect_posts posts of the stand-in Jetstream stored"
# The collector keeps its place in the collect-state volume. The image must create the
# volume's directory for the service's user: a root-owned volume made every cursor save fail
# and the source back off, which delayed the posts or left some out depending on timing.
if docker logs "$(containers collect)" 2>&1 | grep -q "cannot save the cursor"; then
    docker logs "$(containers collect)" 2>&1 | grep "cannot save the cursor" | tail -n 3
    fail "the collector could not save its cursor in the collect-state volume"
fi
stack exec -T collect test -s /var/lib/earshot/collect/fake-bluesky.cursor.json \
    || fail "the collector saved no cursor in the collect-state volume"
step "collect: the cursor saved in the collect-state volume"

# --- down
step "down -v"
stack down -v --remove-orphans >"$work/down.log" 2>&1 || { cat "$work/down.log"; fail "compose down"; }
stack_up=0
[[ -z $(docker volume ls -q --filter "label=com.docker.compose.project=$project") ]] || fail "volumes left after down -v"
trap - ERR
cleanup
[[ ${COMPOSE_TEST_KEEP:-0} == 1 ]] || rm -rf "$work"
echo "compose-test: PASS $count/$posts posts stored exactly once ($store store) with $score_replicas score + $enrich_replicas enrich workers$( ((readers == 0)) || echo " and $readers query readers"), $victim_name killed at $seen_at_kill stored and restarted, ${redelivered:-0} redelivered$( ((gateways == 0)) || echo "; the gateway answered"); collect stored $collect_posts Jetstream posts ($(elapsed))"
