#!/usr/bin/env bash
# Signet's benchmark: one run, one machine, one table. Targets 127.0.0.1 only; every load is bounded in time.
#
#   Benchmarks/run.sh [--seconds N] [--scales "10 10000 1000000"] [--soak-minutes M] [--quick]
#
#   --seconds N        length of each load (default 10)
#   --scales LIST      how many PATs the store holds for each pass (default "10 10000 1000000")
#   --soak-minutes M   after the passes, M more minutes of GET /auth/pats at the largest scale,
#                      resident memory sampled every minute (default 0: no soak)
#   --quick            the micro-benchmarks only, 20 ms each: proves they build and run (CI)
#   --database KIND    sqlite (default) or postgres: the throwaway cluster of the tests
#                      (scripts/with-postgres; default scales then "10 10000")
#   --peer nginx       the gateway also against nginx (installed from Debian's packages if
#                      missing): proxy_pass alone, and auth_request asking Signet's /auth/check;
#                      every gateway row's upstream is then nginx answering the fixed list itself
#                      (an upstream that costs next to nothing, as issue 25 measures)
#
# What it does: builds `signet` and `signet-bench` in release (SIGNET_BENCHMARKS=1), prints the
# micro-benchmarks, then starts `signet serve --dev` on a fresh SQLite store and, for each scale,
# seeds the store, restarts the server, and measures in the same process:
#   - GET /healthz (hello world) and GET /auth/pats and GET /auth/whoami with a PAT, wrk -t2 -c64;
#   - the signed round (action/init, action, PUT /auth/pats/{id}), with `signet-bench load rounds`;
#   - the server's resident memory.
# Then the optional soak, PAT creation and login rates, and the gateway (`serve --gateway` in front
# of `signet-bench upstream`, or of nginx's fixed answer with --peer nginx) beside the same server's
# hello world and /auth/check, in alternating passes. Installs wrk (and with --peer nginx, nginx) from Debian's packages if missing. Absolute numbers depend on the machine and on what else runs; quote the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECONDS_PER_LOAD=10
SCALES="10 10000 1000000"
DATABASE=sqlite
SOAK_MINUTES=0
QUICK=0
PEER=""
ARGUMENTS=("$@")
SCALES_GIVEN=0
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) SECONDS_PER_LOAD=$2; shift 2 ;;
        --scales) SCALES=$2; SCALES_GIVEN=1; shift 2 ;;
        --soak-minutes) SOAK_MINUTES=$2; shift 2 ;;
        --quick) QUICK=1; shift ;;
        --database) DATABASE=$2; shift 2 ;;
        --peer) PEER=$2; shift 2 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

case "$PEER" in
    ""|nginx) ;;
    *) echo "--peer must be nginx" >&2; exit 2 ;;
esac
case "$DATABASE" in
    sqlite) ;;
    postgres)
        # Under the tests' throwaway cluster (which runs with fsync off: commits cost no disk flush).
        if [ -z "${SIGNET_TEST_POSTGRES_URL:-}" ]; then exec scripts/with-postgres "$0" "${ARGUMENTS[@]}"; fi
        [ "$SCALES_GIVEN" = 1 ] || SCALES="10 10000" ;;
    *) echo "--database must be sqlite or postgres" >&2; exit 2 ;;
esac

if [ "$QUICK" = 1 ]; then
    SIGNET_BENCHMARKS=1 swift build --product signet-bench >/dev/null
    exec env SIGNET_BENCHMARKS=1 "$(SIGNET_BENCHMARKS=1 swift build --show-bin-path)/signet-bench" micro --quick
fi

if ! command -v wrk >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi

echo "building in release…" >&2
SIGNET_BENCHMARKS=1 swift build -c release >/dev/null
BIN="$(SIGNET_BENCHMARKS=1 swift build -c release --show-bin-path)"
SIGNET="$BIN/signet"
BENCH="$BIN/signet-bench"
WORK=$(mktemp -d)
SERVER=""
UPSTREAM=""
NGINX=""
# Every background process this run started (the server, the upstream, nginx) stops with it.
cleanup() { for pid in $SERVER $UPSTREAM $NGINX; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
DB="$WORK/signet-data/signet.sqlite"
[ "$DATABASE" = postgres ] && DB="$SIGNET_TEST_POSTGRES_URL"
export SIGNET_CONFIG_DIR="$WORK/config"
cd "$WORK"

echo "## Micro-benchmarks (release, one core each)"
echo
"$BENCH" micro | tee "$WORK/micro.md"
echo

# The abuse limits stay in the request path (their cost is measured) at rates no run reaches: 16
# clients writing with one token, or logging in as one user, are a load test, not abuse.
# SIGNET_BENCH_LIMITS=off measures without them, for the comparison in BENCHMARKS.md.
UNREACHED_LIMITS=${SIGNET_BENCH_LIMITS:-"address=1000000/s,username=1000000/s,organisation=1000000/s,token-writes=1000000/s,failed-tokens=1000000/s"}
start_server() { # [--dev]
    SIGNET_RATE_LIMITS="$UNREACHED_LIMITS" "$SIGNET" serve --database "$DB" --port "$PORT" --log-level error "$@" >>"$WORK/serve.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 200); do curl -sf "$URL/healthz" >/dev/null && return; sleep 0.1; done
    echo "the server did not start:" >&2; cat "$WORK/serve.log" >&2; exit 1
}
stop_server() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }
rss_mib() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$SERVER/status"; }
to_ms() { # wrk latency such as 812.00us, 3.41ms, 1.02s
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
WRK_HEADERS=()  # more headers for wrk_run (the /auth/check rows)
wrk_run() { # label path → "label|req/s|p50|p99"
    local out
    out=$(wrk -t2 -c64 -d"${SECONDS_PER_LOAD}s" --latency -H "Authorization: Bearer $TOKEN" "${WRK_HEADERS[@]}" "$URL$2")
    if echo "$out" | grep -q "Non-2xx"; then echo "$2 answered errors under load:" >&2; echo "$out" >&2; exit 1; fi
    echo "$1|$(echo "$out" | awk '/Requests\/sec/ {print $2}')|$(to_ms "$(echo "$out" | awk '$1=="50%" {print $2}')")|$(to_ms "$(echo "$out" | awk '$1=="99%" {print $2}')")"
}
PASSES=3
median_of_passes() { # label path → "label|req/s|p50|p99", each the median of the passes recorded for label
    local column
    for column in 2 3 4; do
        cut -d'|' -f"$column" "$WORK/passes-$1" | sort -g | awk '{ v[NR] = $1 } END { printf "|%s", v[int((NR + 1) / 2)] }'
    done | sed "s/^/$1/"
}
run_passes() { # wrk over the three routes, alternating, PASSES times; results in $WORK/passes-*
    rm -f "$WORK"/passes-*
    local pass
    for pass in $(seq "$PASSES"); do
        wrk_run hello /healthz >>"$WORK/passes-hello"
        wrk_run pats /auth/pats >>"$WORK/passes-pats"
        wrk_run whoami /auth/whoami >>"$WORK/passes-whoami"
    done
}
field() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1==k {print $2}'; }

# Initialise with --dev, then a PAT through the command line, as a user would.
start_server --dev
"$SIGNET" login --from signet-data/admin.json >/dev/null
TOKEN=$("$SIGNET" pat create --name bench-reader --out "$WORK/reader" 2>/dev/null)
SEEDED=0
ROWS=()
PASS_SECONDS=$(( SECONDS_PER_LOAD / 2 > 0 ? SECONDS_PER_LOAD / 2 : 1 ))
for SCALE in $SCALES; do
    stop_server
    ADD=$(( SCALE - SEEDED - 1 ))
    if [ "$ADD" -gt 0 ]; then
        echo "seeding $ADD PATs…" >&2
        "$BENCH" seed --database "$DB" --pats "$ADD" >&2
        SEEDED=$(( SEEDED + ADD ))
    fi
    # Seeding leaves a large file to write back; let the kernel finish before measuring.
    sync
    start_server
    curl -sf -H "Authorization: Bearer $TOKEN" "$URL/auth/pats" >/dev/null
    # Three alternating passes over the three routes; each cell is the median pass, so that one
    # noisy stretch of the shared machine does not decide a ratio.
    SECONDS_PER_LOAD=$PASS_SECONDS run_passes
    HELLO=$(median_of_passes hello /healthz)
    PATS=$(median_of_passes pats /auth/pats)
    WHOAMI=$(median_of_passes whoami /auth/whoami)
    ROUNDS=$("$BENCH" load rounds --from signet-data/admin.json --seconds "$SECONDS_PER_LOAD" --concurrency 16 --server-pid "$SERVER" | grep '^RESULT')
    FAST=$("$BENCH" load fast-writes --from signet-data/admin.json --seconds "$SECONDS_PER_LOAD" --concurrency 16 --server-pid "$SERVER" | grep '^RESULT')
    echo "$FAST" >> "$WORK/fast-writes"
    ROWS+=("$SCALE|$HELLO|$PATS|$WHOAMI|$ROUNDS|$(rss_mib)")
done
# Signed writes against their bound, and reads under a 10% write mix, at the largest scale.
. "$ROOT/Benchmarks/signed-writes.sh"
mixed_load
SIGNED_TABLE=$(signed_writes_table "$(echo "$HELLO" | cut -d'|' -f2)" "$FAST" "$ROUNDS")

# The dashboard: its heaviest page against the API call it makes and the hello-world route, three
# alternating passes as above; and what a browser downloads (all JavaScript and CSS, uncompressed).
rm -f "$WORK"/passes-*
for _ in $(seq "$PASSES"); do
    SECONDS_PER_LOAD=$PASS_SECONDS wrk_run hello /healthz >>"$WORK/passes-hello"
    SECONDS_PER_LOAD=$PASS_SECONDS wrk_run page /settings/developers/personal-access-tokens >>"$WORK/passes-page"
    SECONDS_PER_LOAD=$PASS_SECONDS wrk_run pats /auth/pats >>"$WORK/passes-pats"
done
DASHBOARD=("$(median_of_passes hello /healthz)" "$(median_of_passes page /settings/developers/personal-access-tokens)" "$(median_of_passes pats /auth/pats)")
ASSET_BYTES=$(cat "$ROOT"/Sources/SignetServer/Dashboard/Assets/*.js "$ROOT"/Sources/SignetServer/Dashboard/Assets/*.css | wc -c)


SOAK_TABLE=""
if [ "$SOAK_MINUTES" -gt 0 ]; then
    SOAK_TABLE=$(
    echo
    echo "## Soak: GET /auth/pats, wrk -t2 -c64, resident memory at the end of each minute"
    echo
    echo "| minute | req/s | p99 ms | RSS MiB |"
    echo "|---:|---:|---:|---:|"
    echo "| 0 | | | $(rss_mib) |"
    SECONDS_PER_LOAD=60
    for MINUTE in $(seq "$SOAK_MINUTES"); do
        IFS='|' read -r _ RPS _ P99 <<<"$(wrk_run soak /auth/pats)"
        echo "| $MINUTE | $RPS | $P99 | $(rss_mib) |"
    done
    )
fi

# Creating PATs adds them to the administrator, whose PAT list the reads above return: last.
PATCREATE=$("$BENCH" load pat-create --from signet-data/admin.json --seconds "$SECONDS_PER_LOAD" --concurrency 16 --server-pid "$SERVER" | grep '^RESULT')
LOGIN=$("$BENCH" load login --from signet-data/admin.json --seconds "$SECONDS_PER_LOAD" --concurrency 16 --server-pid "$SERVER" | grep '^RESULT')

# The gateway beside the hello world and the checks of the same server (and nginx with --peer nginx).
. "$ROOT/Benchmarks/gateway.sh"
gateway_measure

echo "## Load ($(nproc) cores, $DATABASE; wrk -t2 -c64, three alternating ${PASS_SECONDS}-second passes per route, median shown; wrk and the load drivers on the same cores as the server)"
echo
echo "| PATs in store | hello req/s | hello p50 / p99 ms | GET /auth/pats req/s | ratio (target ≥ 0.8) | p50 / p99 ms (target p99 < 5) | GET /auth/whoami req/s | whoami / hello | signed rounds/s | round p50 / p99 ms | failed rounds | server CPU µs per round | RSS MiB |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for ROW in "${ROWS[@]}"; do
    IFS='|' read -r SCALE _ HRPS HP50 HP99 _ PRPS PP50 PP99 _ WRPS WP50 WP99 ROUND RSS <<<"$ROW"
    RATIO=$(awk -v a="$PRPS" -v b="$HRPS" 'BEGIN { printf "%.2f", a / b }')
    WRATIO=$(awk -v a="$WRPS" -v b="$HRPS" 'BEGIN { printf "%.2f", a / b }')
    echo "| $SCALE | $HRPS | $HP50 / $HP99 | $PRPS | $RATIO | $PP50 / $PP99 | $WRPS | $WRATIO | $(field "$ROUND" per_second) | $(field "$ROUND" p50_ms) / $(field "$ROUND" p99_ms) | $(field "$ROUND" failed) | $(field "$ROUND" server_cpu_us_per_op) | $RSS |"
done
echo
echo "Fast Auth writes (16 clients; PUT /auth/pats/{id} signed in one request), per scale above, in order:"
while read -r WRITES; do
    echo "- $(field "$WRITES" per_second)/s, p50 / p99 $(field "$WRITES" p50_ms) / $(field "$WRITES" p99_ms) ms, $(field "$WRITES" failed) failed, server CPU $(field "$WRITES" server_cpu_us_per_op) µs per write"
done < "$WORK/fast-writes"  # not FAST: the gateway table compares with the last scale's
echo
echo "| Operation (16 clients, ${SECONDS_PER_LOAD}s) | per second | p50 / p99 ms | server CPU µs per op |"
echo "|---|---:|---:|---:|"
echo "| PAT creation (signed POST /auth/pats) | $(field "$PATCREATE" per_second) | $(field "$PATCREATE" p50_ms) / $(field "$PATCREATE" p99_ms) | $(field "$PATCREATE" server_cpu_us_per_op) |"
echo "| Login (init + signed login) | $(field "$LOGIN" per_second) | $(field "$LOGIN" p50_ms) / $(field "$LOGIN" p99_ms) | $(field "$LOGIN" server_cpu_us_per_op) |"

echo
echo "$SIGNED_TABLE"
echo
gateway_table
echo
echo "## Dashboard (wrk -t2 -c64, same passes; the page is GET /settings/developers/personal-access-tokens, at the largest scale above)"
echo
echo "| Route | req/s | p50 / p99 ms | req/s ÷ GET /auth/pats (target > 1: a page costs less than the API call it makes) |"
echo "|---|---:|---:|---:|"
PATS_RPS=$(echo "${DASHBOARD[2]}" | cut -d'|' -f2)
ROUTES=("GET /healthz" "GET /settings/developers/personal-access-tokens (page)" "GET /auth/pats (API)")
for I in 0 1 2; do
    IFS='|' read -r _ RPS P50 P99 <<<"${DASHBOARD[$I]}"
    echo "| ${ROUTES[$I]} | $RPS | $P50 / $P99 | $(awk -v a="$RPS" -v b="$PATS_RPS" 'BEGIN { printf "%.2f", a / b }') |"
done
echo
echo "All dashboard JavaScript and CSS: $ASSET_BYTES bytes uncompressed (target < 102,400)."
echo "$SOAK_TABLE"
