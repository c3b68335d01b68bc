# Sourced by Benchmarks/run.sh: the gateway against Signet's own hello world in the same server, the
# checks another proxy asks (/auth/check), and with --peer nginx what a team would build instead.
# Uses run.sh's SIGNET, BENCH, URL, PORT, TOKEN, WORK, SERVER, PASS_SECONDS, PASSES, SECONDS_PER_LOAD,
# PEER and its functions (start_server, stop_server, wrk_run, median_of_passes, field).

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# nginx from Debian's packages, installed if missing (as scripts/e2e-dfns-sdk.sh does).
gateway_nginx_binary() {
    if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
        echo "installing nginx (Debian's packages)…" >&2
        local sudo=""
        [ "$(id -u)" != 0 ] && sudo="sudo"
        $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nginx >/dev/null
    fi
    command -v nginx || echo /usr/sbin/nginx
}

# Three nginx servers in one process. $UPSTREAM_PORT is the upstream of every row: the same fixed
# wallet list signet-bench upstream answers, from nginx's own `return`, so the upstream costs next to
# nothing (issue 25's method) and each row measures what is in front of it. $NGINX_PROXY_PORT
# forwards with no check (the floor of any reverse proxy); $NGINX_AUTH_PORT asks Signet's
# /auth/check first (auth_request, as Examples/wallets-upstream/nginx.conf) and passes its identity
# headers on; both keep connections alive to Signet and the upstream (a fair peer).
gateway_start_nginx() {
    local dir="$WORK/nginx"
    mkdir -p "$dir"
    NGINX_PROXY_PORT=$(free_port)
    NGINX_AUTH_PORT=$(free_port)
    {
        [ "$(id -u)" = 0 ] && echo "user root;"
        cat <<EOF
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/body; proxy_temp_path $dir/proxy; fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;
    upstream bench { server 127.0.0.1:$UPSTREAM_PORT; keepalive 128; }
    upstream signet { server 127.0.0.1:$PORT; keepalive 128; }
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    server {
        listen 127.0.0.1:$UPSTREAM_PORT;
        keepalive_requests 1000000;
        location = /wallets {
            default_type application/json;
            if (\$request_method = POST) { return 200 '{"id":"wa-bench-bench-0000000000000001","network":"Ethereum"}'; }
            return 200 '{"items":[{"id":"wa-bench-bench-0000000000000000","network":"Ethereum","status":"Active","custodial":true,"tags":[]}]}';
        }
    }
    server {
        listen 127.0.0.1:$NGINX_PROXY_PORT;
        location / { proxy_pass http://bench; }
    }
    server {
        listen 127.0.0.1:$NGINX_AUTH_PORT;
        location = /_signet_check {
            internal;
            proxy_pass http://signet/auth/check;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header Connection "";
            proxy_set_header X-Original-URI \$request_uri;
            proxy_set_header X-Original-Method \$request_method;
        }
        location / {
            auth_request /_signet_check;
            auth_request_set \$signet_user \$upstream_http_x_signet_user_id;
            auth_request_set \$signet_identity \$upstream_http_x_signet_identity;
            proxy_set_header Authorization "";
            proxy_set_header Connection "";
            proxy_set_header X-Signet-User-Id \$signet_user;
            proxy_set_header X-Signet-Identity \$signet_identity;
            proxy_pass http://bench;
        }
    }
}
EOF
    } >"$dir/nginx.conf"
    local binary
    binary=$(gateway_nginx_binary)  # installed here, not in the background job below
    "$binary" -p "$dir" -c "$dir/nginx.conf" >>"$dir/out.log" 2>&1 &
    NGINX=$!
}

# nginx answers through Signet's /auth/check (Signet runs with the gateway by now).
gateway_wait_nginx() {
    for _ in $(seq 100); do curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$NGINX_AUTH_PORT/wallets" >/dev/null && return; sleep 0.1; done
    echo "nginx did not start or refused the PAT:" >&2; cat "$WORK/nginx/error.log" "$WORK/nginx/out.log" >&2; exit 1
}

# GET /wallets with the PAT through `serve --gateway` (bearer check, the route's operation, identity
# headers and JWT, forwarding), the same call straight to the upstream (which checks nothing:
# `signet-bench upstream`, or with --peer nginx nginx's fixed answer), the hello world and both
# /auth/check styles of the same server, and the nginx rows with --peer nginx: alternating passes,
# medians in GATEWAY_ROWS.
gateway_measure() {
    UPSTREAM_PORT=$(free_port)
    if [ "$PEER" = nginx ]; then
        gateway_start_nginx
        UPSTREAM_NAME="nginx's fixed answer (return 200), on the same cores"
    else
        "$BENCH" upstream --port "$UPSTREAM_PORT" >>"$WORK/upstream.log" 2>&1 &
        UPSTREAM=$!
        UPSTREAM_NAME="signet-bench upstream (Hummingbird), on the same cores"
    fi
    printf 'upstreams: { bench: { url: "http://127.0.0.1:%s" } }\nroutes:\n  - { method: GET, path: /wallets, upstream: bench, operation: Wallets:Read }\n  - { method: POST, path: /wallets, upstream: bench, operation: Wallets:Create }\n' \
        "$UPSTREAM_PORT" >"$WORK/gateway.yaml"
    stop_server
    start_server --gateway "$WORK/gateway.yaml"
    local up=""
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$UPSTREAM_PORT/wallets" >/dev/null && { up=1; break; }; sleep 0.1; done
    if [ -z "$up" ]; then
        echo "the upstream did not answer on port $UPSTREAM_PORT:" >&2
        for log in "$WORK/upstream.log" "$WORK/nginx/error.log" "$WORK/nginx/out.log"; do [ -f "$log" ] && cat "$log" >&2; done
        exit 1
    fi
    curl -sf -H "Authorization: Bearer $TOKEN" "$URL/wallets" >/dev/null
    [ "$PEER" = nginx ] && gateway_wait_nginx
    local labels="direct hello gateway check envoy"
    [ "$PEER" = nginx ] && labels="$labels proxy auth"
    rm -f "$WORK"/passes-*
    for _ in $(seq "$PASSES"); do
        SECONDS_PER_LOAD=$PASS_SECONDS URL="http://127.0.0.1:$UPSTREAM_PORT" wrk_run direct /wallets >>"$WORK/passes-direct"
        SECONDS_PER_LOAD=$PASS_SECONDS wrk_run hello /healthz >>"$WORK/passes-hello"
        SECONDS_PER_LOAD=$PASS_SECONDS wrk_run gateway /wallets >>"$WORK/passes-gateway"
        WRK_HEADERS=(-H "X-Original-Method: GET" -H "X-Original-URI: /wallets")
        SECONDS_PER_LOAD=$PASS_SECONDS wrk_run check /auth/check >>"$WORK/passes-check"
        WRK_HEADERS=()
        SECONDS_PER_LOAD=$PASS_SECONDS wrk_run envoy /auth/check/wallets >>"$WORK/passes-envoy"
        if [ "$PEER" = nginx ]; then
            SECONDS_PER_LOAD=$PASS_SECONDS URL="http://127.0.0.1:$NGINX_PROXY_PORT" wrk_run proxy /wallets >>"$WORK/passes-proxy"
            SECONDS_PER_LOAD=$PASS_SECONDS URL="http://127.0.0.1:$NGINX_AUTH_PORT" wrk_run auth /wallets >>"$WORK/passes-auth"
        fi
    done
    declare -gA GATEWAY_ROWS=()
    local label
    for label in $labels; do GATEWAY_ROWS[$label]=$(median_of_passes "$label" x); done
    GATEWAY_ROUNDS=$("$BENCH" load gateway-rounds --from signet-data/admin.json --seconds "$SECONDS_PER_LOAD" --concurrency 16 --server-pid "$SERVER" | grep '^RESULT')
    GATEWAY_FAST=$("$BENCH" load gateway-fast-writes --from signet-data/admin.json --seconds "$SECONDS_PER_LOAD" --concurrency 16 --server-pid "$SERVER" | grep '^RESULT')
    [ "$PEER" = nginx ] && { kill "$NGINX" 2>/dev/null || true; wait "$NGINX" 2>/dev/null || true; }
    [ -n "$UPSTREAM" ] && { kill "$UPSTREAM" 2>/dev/null || true; wait "$UPSTREAM" 2>/dev/null || true; }
    NGINX=""
    UPSTREAM=""
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

gateway_table() {
    echo "## Gateway (wrk -t2 -c64, three alternating ${PASS_SECONDS}-second passes, median; upstream: $UPSTREAM_NAME; nginx with one worker)"
    echo
    echo "| GET /wallets, or the check for it | req/s | p50 / p99 ms | ÷ Signet's hello world |"
    echo "|---|---:|---:|---:|"
    local -A names=([direct]="straight to the upstream" [hello]="Signet's hello world (GET /healthz, same server)"
        [gateway]="through Signet's gateway, with a PAT" [check]="GET /auth/check alone (nginx auth_request headers)"
        [envoy]="GET /auth/check/wallets alone (Envoy ext_authz style)" [proxy]="nginx proxy_pass, no check"
        [auth]="nginx auth_request → Signet /auth/check → upstream")
    local label rps p50 p99 hello_rps hello_p99
    IFS='|' read -r _ hello_rps _ hello_p99 <<<"${GATEWAY_ROWS[hello]}"
    for label in direct hello gateway check envoy proxy auth; do
        [ -n "${GATEWAY_ROWS[$label]:-}" ] || continue
        IFS='|' read -r _ rps p50 p99 <<<"${GATEWAY_ROWS[$label]}"
        echo "| ${names[$label]} | $rps | $p50 / $p99 | $(ratio "$rps" "$hello_rps") |"
    done
    echo
    IFS='|' read -r _ rps _ p99 <<<"${GATEWAY_ROWS[gateway]}"
    local check envoy direct
    check=$(echo "${GATEWAY_ROWS[check]}" | cut -d'|' -f2)
    envoy=$(echo "${GATEWAY_ROWS[envoy]}" | cut -d'|' -f2)
    direct=$(echo "${GATEWAY_ROWS[direct]}" | cut -d'|' -f2)
    echo "Gateway ÷ hello world: $(ratio "$rps" "$hello_rps") (target ≥ 0.5); p99 added to hello world's: $(awk -v a="$p99" -v b="$hello_p99" 'BEGIN { printf "%.2f", a - b }') ms (target ≤ 1); gateway ÷ straight: $(ratio "$rps" "$direct")."
    echo "/auth/check ÷ hello world: $(ratio "$check" "$hello_rps"), /auth/check/{path}: $(ratio "$envoy" "$hello_rps") (target ≥ 0.8 each)."
    if [ -n "${GATEWAY_ROWS[auth]:-}" ]; then
        echo "Gateway ÷ nginx auth_request: $(ratio "$rps" "$(echo "${GATEWAY_ROWS[auth]}" | cut -d'|' -f2)") (target ≥ 1.5)."
    fi
    echo
    echo "Signed round through the gateway (16 clients: POST /auth/action/init, sign, POST /auth/action, POST /wallets forwarded): $(field "$GATEWAY_ROUNDS" per_second)/s, p50 / p99 $(field "$GATEWAY_ROUNDS" p50_ms) / $(field "$GATEWAY_ROUNDS" p99_ms) ms, server CPU $(field "$GATEWAY_ROUNDS" server_cpu_us_per_op) µs per round; on Signet's own routes at the largest scale above: $(field "$ROUNDS" server_cpu_us_per_op) µs."
    echo
    echo "Fast Auth write through the gateway (16 clients, POST /wallets in one request): $(field "$GATEWAY_FAST" per_second)/s, p50 / p99 $(field "$GATEWAY_FAST" p50_ms) / $(field "$GATEWAY_FAST" p99_ms) ms, server CPU $(field "$GATEWAY_FAST" server_cpu_us_per_op) µs per write; on Signet's own routes (PUT /auth/pats/{id}) at the largest scale above: $(field "$FAST" server_cpu_us_per_op) µs."
}
