#!/usr/bin/env bash
# Fuzzes the parsers Signet runs on untrusted input with libFuzzer, one target at a time, each with
# its own corpus: keys (PEM, SPKI), json (strict JSON and the signed-payload comparison), jwt
# (Signet's JWTs, pinned header then verification), query (dates, page sizes, pagination tokens),
# gateway (path and query rules, route patterns), fastauth (the Fast Auth header and its check),
# webauthn (CBOR, COSE keys, authenticator data, attestation, assertions). Corpora start from the
# captured browser vectors and keys in Fuzz/corpus and the seeds the binary writes. Any crash, trap
# or hang fails the run and leaves the input in .build/fuzz/findings/.
#   Fuzz/run.sh                              every target 10 seconds (what scripts/test runs)
#   Fuzz/run.sh --seconds 600 --target jwt
#   Fuzz/run.sh --runs 10000000 --release    every target, 10 million executions each
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS="keys json jwt query gateway fastauth webauthn"
mode=debug
limit=(-max_total_time=10)
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) limit=(-max_total_time="$2"); shift ;;
        --runs) limit=(-runs="$2"); shift ;;
        --release) mode=release ;;
        --target) TARGETS="$2"; shift ;;
        *) echo "usage: Fuzz/run.sh [--seconds N | --runs N] [--release] [--target NAME]" >&2; exit 2 ;;
    esac
    shift
done

for target in $TARGETS; do
    case " keys json jwt query gateway fastauth webauthn " in
        *" $target "*) ;;
        *) echo "unknown fuzz target $target: one of keys json jwt query gateway fastauth webauthn" >&2; exit 2 ;;
    esac
done

echo "==> Building the fuzzer ($mode, libFuzzer instrumentation on SignetCore)"
SIGNET_FUZZ=1 swift build -c "$mode" --build-path .build/fuzz --product signet-fuzz >/dev/null
fuzzer=.build/fuzz/"$mode"/signet-fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p .build/fuzz/findings "$work/seeds"
"$fuzzer" --write-seeds "$work/seeds" || { echo "the fuzzer could not write its seeds" >&2; exit 1; }
for target in $TARGETS; do
    mkdir -p "$work/$target"
    cp Fuzz/corpus/* "$work/seeds"/* "$work/$target"/
    echo "==> Fuzzing $target ${limit[*]}"
    set +e
    SIGNET_FUZZ_TARGET="$target" "$fuzzer" "$work/$target" -max_len=8192 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix=.build/fuzz/findings/"$target"- "${limit[@]}" 2>&1 \
        | grep -E '^(#[0-9]+.*(DONE|pulse)|Done|stat::number_of_executed_units|stat::average_exec_per_sec|==|SUMMARY|.*(ERROR|crash|deadly|timeout))' \
        | tail -n 6
    status=${PIPESTATUS[0]}
    set -e
    if [ "$status" -ne 0 ]; then echo "fuzz target $target found a failure (exit $status): .build/fuzz/findings/$target-*" >&2; exit "$status"; fi
done
