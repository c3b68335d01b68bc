# Sourced by Benchmarks/run.sh: signed writes against their bound, and reads under a write mix.
# Uses run.sh's BENCH, URL, TOKEN, SERVER, WORK, PASS_SECONDS, PASSES and its functions.

# The bound of a signed write: the lower of hello-world's rate (per request of the write) and what
# the write's signature verification alone allows on every core (ECDSA-P256, the keys used here).
signed_write_bound() { # hello_rps requests_per_write → writes/s
    local verify
    verify=$(awk -F'|' '/signature verify, ECDSA-P256/ { gsub(/ /, "", $4); print $4 }' "$WORK/micro.md")
    awk -v h="$1" -v n="$2" -v v="$verify" -v c="$(nproc)" 'BEGIN { a = h / n; b = v * c; printf "%.0f", (a < b ? a : b) }'
}

# Reads of GET /auth/pats alone, then with Fast Auth writes making 10% of all operations, by another
# user (a person the writer creates, renaming a PAT of theirs: the reads' list is not theirs),
# alternating; the medians in $WORK/passes-alone and $WORK/passes-mixed.
mixed_load() {
    rm -f "$WORK"/passes-alone "$WORK"/passes-mixed
    local pass rate
    for pass in $(seq "$PASSES"); do
        SECONDS_PER_LOAD=$PASS_SECONDS wrk_run alone /auth/pats >>"$WORK/passes-alone"
        rate=$(cut -d'|' -f2 "$WORK/passes-alone" | tail -n 1 | awk '{ printf "%.0f", $1 / 9 }')
        "$BENCH" load fast-writes --as-other-user --from signet-data/admin.json --seconds "$((PASS_SECONDS + 3))" --concurrency 16 --rate "$rate" \
            >>"$WORK/mixed-writes" 2>&1 &
        local writer=$!
        sleep 2  # the writer's setup (a person, a role, a login, a PAT) is not part of the mix
        SECONDS_PER_LOAD=$PASS_SECONDS wrk_run mixed /auth/pats >>"$WORK/passes-mixed"
        wait "$writer"
    done
}

# Prints the signed-writes table from run.sh's results: $1 hello req/s, $2 the Fast Auth RESULT
# line, $3 the rounds RESULT line (both at the largest scale).
signed_writes_table() {
    local hello=$1 fast=$2 round=$3 fast_bound round_bound alone mixed
    fast_bound=$(signed_write_bound "$hello" 1)
    round_bound=$(signed_write_bound "$hello" 3)
    IFS='|' read -r _ alone _ _ <<<"$(median_of_passes alone)"
    IFS='|' read -r _ mixed _ _ <<<"$(median_of_passes mixed)"
    echo "## Signed writes against their bound ($DATABASE, largest scale above)"
    echo
    echo "Bound: the lower of hello-world's rate ÷ requests per write and ECDSA-P256 verification alone × $(nproc) cores (micro-benchmark above)."
    echo
    echo "| Write (16 clients) | per second | p50 / p99 ms | server CPU µs per write | bound /s | share of bound (target) |"
    echo "|---|---:|---:|---:|---:|---:|"
    echo "| Fast Auth: PUT /auth/pats/{id} in one request | $(field "$fast" per_second) | $(field "$fast" p50_ms) / $(field "$fast" p99_ms) | $(field "$fast" server_cpu_us_per_op) | $fast_bound | $(awk -v a="$(field "$fast" per_second)" -v b="$fast_bound" 'BEGIN { printf "%.1f%%", 100 * a / b }') (≥ 50%, ≥ 4,000/s) |"
    echo "| Three requests: init, action, PUT | $(field "$round" per_second) | $(field "$round" p50_ms) / $(field "$round" p99_ms) | $(field "$round" server_cpu_us_per_op) | $round_bound | $(awk -v a="$(field "$round" per_second)" -v b="$round_bound" 'BEGIN { printf "%.1f%%", 100 * a / b }') (≥ 25%) |"
    echo
    echo "Mixed load: GET /auth/pats alone $alone req/s; with Fast Auth writes by another user as 10% of operations $mixed req/s: $(awk -v a="$mixed" -v b="$alone" 'BEGIN { printf "%.2f", a / b }') of the read-only rate (target ≥ 0.8)."
    echo
}
