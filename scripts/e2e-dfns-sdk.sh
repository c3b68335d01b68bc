#!/usr/bin/env bash
# End-to-end tests with the public Python dfns_sdk (from PyPI) against a live `signet serve`: the
# auth API and passkeys, approvals on two nodes over PostgreSQL, then the gateway (to Examples/wallets-upstream, directly and behind nginx),
# then the README's recipes in the order written.
# Creates its own virtual environment under .build/e2e and a scratch folder it removes afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

DFNS_SDK_VERSION="${SIGNET_DFNS_SDK_VERSION:-1.0.4}"
VENV=.build/e2e/venv
CBOR2_VERSION=5.6.5

if ! "$VENV/bin/python" -c "import dfns_sdk" 2>/dev/null || [ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("dfns_sdk"))' 2>/dev/null)" != "$DFNS_SDK_VERSION" ]; then
    echo "==> Installing dfns_sdk $DFNS_SDK_VERSION into $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "dfns_sdk==$DFNS_SDK_VERSION"
fi
# The software passkey authenticator of the end-to-end test encodes CBOR with cbor2 (cryptography comes with dfns_sdk).
if ! "$VENV/bin/python" -c "import cbor2" 2>/dev/null; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "cbor2==$CBOR2_VERSION"
fi

echo "==> Building signet"
swift build --product signet
SIGNET="$(swift build --show-bin-path)/signet"

echo "==> docs/compatibility.md's coverage of dfns_sdk $DFNS_SDK_VERSION"
"$VENV/bin/python" Tests/e2e/sdk_coverage.py

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "==> End-to-end test with dfns_sdk $DFNS_SDK_VERSION"
"$VENV/bin/python" Tests/e2e/dfns_sdk_e2e.py "$SIGNET" "$WORK"

NODES_WORK="$(mktemp -d)"
trap 'rm -rf "$WORK" "$NODES_WORK"' EXIT
echo "==> Approvals on two nodes over PostgreSQL (dfns_sdk; a throwaway cluster from scripts/with-postgres)"
scripts/with-postgres "$VENV/bin/python" Tests/e2e/policies_nodes_e2e.py "$SIGNET" "$NODES_WORK"

# The gateway test puts Debian's nginx in front of the example upstream (auth_request mode).
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    echo "==> Installing Debian's nginx"
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nginx >/dev/null
fi
GATEWAY_WORK="$(mktemp -d)"
trap 'rm -rf "$WORK" "$NODES_WORK" "$GATEWAY_WORK"' EXIT
echo "==> Gateway end-to-end test: dfns_sdk's wallets client through signet serve --gateway to Examples/wallets-upstream"
"$VENV/bin/python" Tests/e2e/gateway_e2e.py "$SIGNET" "$GATEWAY_WORK"

RECIPES_WORK="$(mktemp -d)"
trap 'rm -rf "$WORK" "$NODES_WORK" "$GATEWAY_WORK" "$RECIPES_WORK"' EXIT
echo "==> The README's recipes, in the order written (command line, Swift SDK, Python SDK)"
"$VENV/bin/python" Tests/e2e/readme_recipes.py "$SIGNET" "$RECIPES_WORK" "$VENV"
