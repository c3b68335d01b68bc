#!/usr/bin/env bash
# Fuzzes the parsers Signet runs on untrusted input: PEM and SPKI keys, strict JSON and the signed-
# payload comparison, and the WebAuthn parsers (strict CBOR, COSE keys, authenticator data, client data, the
# none/packed attestation statements, assertions) with libFuzzer, starting from the captured
# browser vectors in Fuzz/corpus. Any crash, trap or hang fails the run and leaves the input in
# .build/fuzz/findings/.
#   Fuzz/run.sh                         60 seconds (what scripts/test runs)
#   Fuzz/run.sh --seconds 600
#   Fuzz/run.sh --runs 10000000 --release
set -euo pipefail
cd "$(dirname "$0")/.."

mode=debug
limit=(-max_total_time=60)
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) limit=(-max_total_time="$2"); shift ;;
        --runs) limit=(-runs="$2"); shift ;;
        --release) mode=release ;;
        *) echo "usage: Fuzz/run.sh [--seconds N | --runs N] [--release]" >&2; exit 2 ;;
    esac
    shift
done

echo "==> Building the fuzzer ($mode, libFuzzer instrumentation on SignetCore)"
SIGNET_FUZZ=1 swift build -c "$mode" --build-path .build/fuzz --product signet-fuzz >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp Fuzz/corpus/* "$work"/
mkdir -p .build/fuzz/findings
echo "==> Fuzzing ${limit[*]}"
.build/fuzz/"$mode"/signet-fuzz "$work" -max_len=8192 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix=.build/fuzz/findings/ "${limit[@]}" 2>&1 | grep -E '^(#[0-9]+.*(DONE|pulse)|Done|stat::number_of_executed_units|stat::average_exec_per_sec|==|SUMMARY|.*(ERROR|crash|deadly|timeout))' | tail -n 20
