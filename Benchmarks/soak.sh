#!/usr/bin/env bash
# Soak: minutes of mixed load against one release `signet serve`, watching that nothing leaks.
#
#   Benchmarks/soak.sh [--minutes M] [--pats N] [--database sqlite|postgres]
#
#   --minutes M      how long the load runs (default 10)
#   --pats N         PATs in the store before it starts (default 1000)
#   --database KIND  sqlite (default) or postgres (the tests' throwaway cluster, scripts/with-postgres)
#
# Seven `signet-bench load` drivers run at once, each at a fixed rate (evenly spaced operations),
# against one server started with --gateway in front of `signet-bench upstream`:
#   reads (GET /auth/pats with a PAT), gateway reads (GET /wallets), Fast Auth writes (a PAT's
#   rename), three-request signed rounds, Fast Auth writes through the gateway (POST /wallets),
#   logins (init and signed login), and PAT churn (a signed create, then a signed delete).
# Every 30 seconds it samples the server's resident memory, open file descriptors and threads
# (/proc). It fails (exit 1) when any operation failed, the server logged an unexpected failure, or
# memory or descriptors grew from the end of the warm-up (the first quarter of the run) to the last
# sample under full load: memory by more than 10 %, descriptors by more than 8. Targets 127.0.0.1 only; bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MINUTES=10
PATS=1000
DATABASE=sqlite
ARGUMENTS=("$@")
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) MINUTES=$2; shift 2 ;;
        --pats) PATS=$2; shift 2 ;;
        --database) DATABASE=$2; shift 2 ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$MINUTES" in ''|*[!0-9]*) echo "--minutes must be a whole number of minutes, 1 to 60" >&2; exit 2 ;; esac
case "$PATS" in ''|*[!0-9]*) echo "--pats must be a whole number" >&2; exit 2 ;; esac
[ "$MINUTES" -ge 1 ] && [ "$MINUTES" -le 60 ] || { echo "--minutes must be 1 to 60" >&2; exit 2; }
case "$DATABASE" in
    sqlite) ;;
    postgres) if [ -z "${SIGNET_TEST_POSTGRES_URL:-}" ]; then exec "$ROOT/scripts/with-postgres" "$ROOT/Benchmarks/soak.sh" "${ARGUMENTS[@]}"; fi ;;
    *) echo "--database must be sqlite or postgres" >&2; exit 2 ;;
esac

echo "building in release…" >&2
SIGNET_BENCHMARKS=1 swift build -c release >/dev/null
BIN="$(SIGNET_BENCHMARKS=1 swift build -c release --show-bin-path)"
SIGNET="$BIN/signet"
BENCH="$BIN/signet-bench"
WORK=$(mktemp -d)
SERVER=""
UPSTREAM=""
DRIVERS=()
cleanup() { kill $SERVER $UPSTREAM "${DRIVERS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
UPSTREAM_PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
DB="$WORK/signet-data/signet.sqlite"
[ "$DATABASE" = postgres ] && DB="$SIGNET_TEST_POSTGRES_URL"
export SIGNET_CONFIG_DIR="$WORK/config"
cd "$WORK"

# The abuse limits stay in the path, at rates the drivers do not reach (one administrator logs in
# three times a second: a soak, not an attack).
LIMITS="address=1000000/s,username=1000000/s,organisation=1000000/s,token-writes=1000000/s,failed-tokens=1000000/s"
start_server() {
    SIGNET_RATE_LIMITS="$LIMITS" "$SIGNET" serve --database "$DB" --port "$PORT" --log-level warning "$@" >>"$WORK/serve.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 300); do curl -sf "$URL/healthz" >/dev/null && return; sleep 0.1; done
    echo "the server did not start:" >&2; cat "$WORK/serve.log" >&2; exit 1
}
"$BENCH" upstream --port "$UPSTREAM_PORT" >>"$WORK/upstream.log" 2>&1 &
UPSTREAM=$!
printf 'upstreams: { bench: { url: "http://127.0.0.1:%s" } }\nroutes:\n  - { method: GET, path: /wallets, upstream: bench, operation: Wallets:Read }\n  - { method: POST, path: /wallets, upstream: bench, operation: Wallets:Create }\n' \
    "$UPSTREAM_PORT" >"$WORK/gateway.yaml"
start_server --dev
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
[ "$PATS" -gt 0 ] && "$BENCH" seed --database "$DB" --pats "$PATS" >&2
start_server --gateway "$WORK/gateway.yaml"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$UPSTREAM_PORT/wallets" >/dev/null && break; sleep 0.1; done

DURATION=$(( MINUTES * 60 ))
# kind, clients, operations per second
LOADS="reads:8:400 gateway-reads:8:200 fast-writes:4:40 rounds:4:15 gateway-fast-writes:2:10 login:2:3 pat-churn:2:3"
echo "soaking for $MINUTES minutes: $LOADS" >&2
for LOAD in $LOADS; do
    IFS=: read -r KIND CLIENTS RATE <<<"$LOAD"
    "$BENCH" load "$KIND" --from signet-data/admin.json --seconds "$DURATION" --concurrency "$CLIENTS" --rate "$RATE" \
        >"$WORK/load-$KIND.out" 2>"$WORK/load-$KIND.err" &
    DRIVERS+=($!)
done
running() { local pid; for pid in "${DRIVERS[@]}"; do kill -0 "$pid" 2>/dev/null && return 0; done; return 1; }
sample() { # seconds since start → "t|RSS MiB|fds|threads"
    echo "$1|$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$SERVER/status")|$(ls "/proc/$SERVER/fd" | wc -l)|$(awk '/Threads/ {print $2}' "/proc/$SERVER/status")"
}
STARTED=$(date +%s)
sample 0 >"$WORK/samples"
while [ $(( $(date +%s) - STARTED )) -lt $(( DURATION + 60 )) ] && running; do
    sleep 30
    kill -0 "$SERVER" 2>/dev/null || { echo "the server stopped during the soak:" >&2; tail -20 "$WORK/serve.log" >&2; exit 1; }
    sample $(( $(date +%s) - STARTED )) >>"$WORK/samples"
done
for PID in "${DRIVERS[@]}"; do wait "$PID" || true; done
sample $(( $(date +%s) - STARTED )) >>"$WORK/samples"

field() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1==k {print $2}'; }
FAILED=0
echo "## Soak: $MINUTES minutes of mixed load ($(nproc) cores, $DATABASE, $PATS PATs seeded; release build; drivers on the same cores)"
echo
echo "| load | clients | asked /s | done /s | p50 / p99 ms | completed | failed |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for LOAD in $LOADS; do
    IFS=: read -r KIND CLIENTS RATE <<<"$LOAD"
    RESULT=$(grep '^RESULT' "$WORK/load-$KIND.out" || echo "RESULT $KIND completed=0 failed=1")
    FAILED=$(( FAILED + $(field "$RESULT" failed) ))
    echo "| $KIND | $CLIENTS | $RATE | $(field "$RESULT" per_second) | $(field "$RESULT" p50_ms) / $(field "$RESULT" p99_ms) | $(field "$RESULT" completed) | $(field "$RESULT" failed) |"
    grep -h "first failure" "$WORK/load-$KIND.err" | head -1 | sed "s/^/  $KIND: /" >&2 || true
done
UNEXPECTED=$(grep -c "request failed unexpectedly" "$WORK/serve.log" || true)
echo
echo "| seconds | RSS MiB | open fds | threads |"
echo "|---:|---:|---:|---:|"
tr '|' ' ' <"$WORK/samples" | while read -r T R F H; do echo "| $T | $R | $F | $H |"; done
# Both ends under load: the first sample past the warm-up, the last one while every driver ran.
WARM=$(( DURATION / 4 ))
read -r RSS_WARM FDS_WARM <<<"$(awk -F'|' -v w="$WARM" '$1 >= w { print $2, $3; exit }' "$WORK/samples")"
read -r RSS_END FDS_END <<<"$(awk -F'|' -v e=$(( DURATION - 15 )) '$1 <= e { last = $2 " " $3 } END { print last }' "$WORK/samples")"
if [ -z "${RSS_WARM:-}" ] || [ -z "${RSS_END:-}" ]; then echo "FAIL: the load ended before the warm-up did (see the failures above)" >&2; exit 1; fi
GROWTH=$(awk -v a="$RSS_END" -v b="$RSS_WARM" 'BEGIN { printf "%.1f", (a - b) * 100 / b }')
echo
echo "After the warm-up ($WARM s) to the last sample under full load: resident memory $RSS_WARM → $RSS_END MiB ($GROWTH %), open descriptors $FDS_WARM → $FDS_END; $FAILED operations failed; $UNEXPECTED unexpected failures in the server's log."
VERDICT=0
[ "$FAILED" -eq 0 ] || { echo "FAIL: $FAILED operations failed" >&2; VERDICT=1; }
[ "$UNEXPECTED" -eq 0 ] || { echo "FAIL: the server logged $UNEXPECTED unexpected failures:" >&2; grep -m3 "request failed unexpectedly" "$WORK/serve.log" >&2; VERDICT=1; }
awk -v g="$GROWTH" 'BEGIN { exit !(g > 10) }' && { echo "FAIL: resident memory grew $GROWTH % after the warm-up" >&2; VERDICT=1; }
[ $(( FDS_END - FDS_WARM )) -le 8 ] || { echo "FAIL: open descriptors grew from $FDS_WARM to $FDS_END" >&2; VERDICT=1; }
exit "$VERDICT"
