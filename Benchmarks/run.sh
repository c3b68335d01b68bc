#!/usr/bin/env bash
# Throughput of authenticated requests, measured with wrk against 127.0.0.1 (bounded in time).
#   Benchmarks/run.sh [seconds per run, default 10]
# Builds `signet` in release, starts a server, creates a PAT with the command line, then drives
# GET /auth/whoami (authentication: JWT verification, token and user records, effective
# permissions) in four configurations measured in one run, on one machine: SQLite and PostgreSQL,
# each with the authorization cache on and off. Installs wrk from Debian's packages if missing.
# Quote the ratios between rows; absolute numbers depend on the machine and what else runs on it.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"

if ! command -v wrk >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi

swift build -c release --product signet >/dev/null
SIGNET="$(swift build -c release --show-bin-path)/signet"
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export SIGNET_CONFIG_DIR="$WORK/config"

measure() { # label database cache-flag
    local label=$1 database=$2 cache=$3
    "$SIGNET" serve --database "$database" --port "$PORT" $cache --log-level error >"$WORK/serve.log" 2>&1 &
    local server=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
    local rps
    rps=$(wrk -t2 -c16 -d"${DURATION}s" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/auth/whoami" \
        | awk '/Requests\/sec/ {print $2}')
    kill "$server"; wait "$server" 2>/dev/null || true
    printf '%-34s %10s req/s\n' "$label" "$rps"
}

setup() { # database: initialise with --dev and create a PAT through the command line
    local database=$1
    "$SIGNET" serve --database "$database" --port "$PORT" --dev --log-level error >"$WORK/dev.log" 2>&1 &
    local server=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
    (cd "$WORK" && "$SIGNET" login --from signet-data/admin.json >/dev/null && "$SIGNET" pat create --name "bench-$RANDOM" --out "$WORK/pat-$RANDOM" 2>/dev/null) >"$WORK/token"
    TOKEN=$(cat "$WORK/token")
    kill "$server"; wait "$server" 2>/dev/null || true
}

echo "GET /auth/whoami with a PAT, wrk -t2 -c16 -d${DURATION}s, $(nproc) cores"
cd "$WORK"
setup "$WORK/signet-data/signet.sqlite"
measure "SQLite, cache on" "$WORK/signet-data/signet.sqlite" ""
measure "SQLite, cache off" "$WORK/signet-data/signet.sqlite" "--no-authorization-cache"
if [ "${SIGNET_BENCH_POSTGRES:-1}" = "1" ]; then
    cd - >/dev/null
    scripts/with-postgres bash -c "
        set -euo pipefail
        cd '$WORK'; rm -rf signet-data config
        export SIGNET_CONFIG_DIR='$WORK/config' TOKEN=''
        DB=\"\${SIGNET_TEST_POSTGRES_URL}\"
        $(declare -f measure setup)
        SIGNET='$SIGNET' PORT='$PORT' WORK='$WORK' DURATION='$DURATION'
        setup \"\$DB\"
        measure 'PostgreSQL, cache on' \"\$DB\" ''
        measure 'PostgreSQL, cache off' \"\$DB\" '--no-authorization-cache'
    " | grep -v '^==>'
fi
