#!/usr/bin/env bash
# The API contract, checked from outside: schemathesis (from PyPI) generates requests for every
# operation of the document a live `signet serve --dev` serves at GET /openapi.json, with a PAT as
# the bearer token, and checks each answer: no server error, and the status code, content type and
# body conforming to the document. Bounded in time; installs schemathesis into .build/contract/venv.
#
#   scripts/contract-tests.sh [--max-time SECONDS] [--max-examples N] [--seed N] [--long]
#
#   --max-time SECONDS  the whole run's budget (default 120)
#   --max-examples N    generated cases per operation and phase (default 10)
#   --seed N            schemathesis's seed (default a fixed one, so runs start from the same cases;
#                       `random` for a new one each run)
#   --long              20 minutes, 100 examples, a random seed: the search, not the check
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

SCHEMATHESIS_VERSION="${SIGNET_SCHEMATHESIS_VERSION:-4.32.5}"
VENV=.build/contract/venv
MAX_TIME=120
MAX_EXAMPLES=10
SEED=20261205
while [ $# -gt 0 ]; do
    case "$1" in
        --max-time) MAX_TIME=$2; shift 2 ;;
        --max-examples) MAX_EXAMPLES=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        --long) MAX_TIME=1200; MAX_EXAMPLES=100; SEED=random; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

if [ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null)" != "$SCHEMATHESIS_VERSION" ]; then
    echo "==> Installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

echo "==> Building signet"
swift build --product signet
SIGNET="$(swift build --show-bin-path)/signet"

WORK=$(mktemp -d)
SERVER=""
cleanup() {
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The HTTP status of GET $1 (with bearer $2 if given), 0 when nothing answers.
status_of() {
    python3 - "$@" <<'PY'
import sys, urllib.error, urllib.request
request = urllib.request.Request(sys.argv[1], headers={"Authorization": "Bearer " + sys.argv[2]} if len(sys.argv) > 2 else {})
try:
    print(urllib.request.urlopen(request, timeout=30).status)
except urllib.error.HTTPError as error:
    print(error.code)
except Exception:
    print(0)
PY
}
URL="http://127.0.0.1:$PORT"
export XDG_CONFIG_HOME="$WORK/config"

# Abuse limits off: a generator's burst would otherwise meet 429s (documented, so conforming) and
# test less of the API. Everything else is the server as `--dev` runs it.
(cd "$WORK" && exec "$SIGNET" serve --dev --port "$PORT" --no-rate-limits) > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 600); do
    [ "$(status_of "$URL/healthz")" = 200 ] && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log" >&2; echo "signet serve stopped" >&2; exit 1; }
    sleep 0.2
done
[ "$(status_of "$URL/healthz")" = 200 ] || { cat "$WORK/server.log" >&2; echo "signet serve did not answer in 120 s" >&2; exit 1; }

(cd "$WORK" && "$SIGNET" login --from signet-data/admin.json > /dev/null && "$SIGNET" pat create --name contract --days 1 > token 2> pat.err) \
    || { cat "$WORK/pat.err" >&2; echo "could not create the PAT the run uses" >&2; exit 1; }
TOKEN=$(cat "$WORK/token")
# A run whose every answer is 401 would pass every check: the token must work first.
[ "$(status_of "$URL/auth/whoami" "$TOKEN")" = 200 ] || { echo "the run's PAT is refused by GET /auth/whoami" >&2; exit 1; }

echo "==> schemathesis $SCHEMATHESIS_VERSION against $URL/openapi.json (${MAX_TIME} s, ${MAX_EXAMPLES} examples, seed $SEED)"
SEED_OPTION=()
[ "$SEED" != random ] && SEED_OPTION=(--seed "$SEED")
set +e
(cd "$WORK" && "$ROOT/$VENV/bin/schemathesis" run "$URL/openapi.json" \
    --header "Authorization: Bearer $TOKEN" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "$MAX_EXAMPLES" --max-time "$MAX_TIME" --workers 1 --request-timeout 60 \
    --suppress-health-check all --no-color "${SEED_OPTION[@]}")
status=$?
set -e
if [ "$(status_of "$URL/healthz")" != 200 ]; then echo "signet serve no longer answers after the run" >&2; status=1; fi
# A 500 is logged as "request failed unexpectedly" (ErrorMiddleware), whether schemathesis saw it or not.
if grep -q 'request failed unexpectedly' "$WORK/server.log"; then
    echo "the server failed unexpectedly during the run:" >&2
    grep 'request failed unexpectedly' "$WORK/server.log" | head -n 20 >&2
    status=1
fi
exit "$status"
