#!/usr/bin/env bash
# The dashboard's browser tests: a headless Chromium with a virtual passkey authenticator drives a
# live `signet serve --dev` (Tests/browser/dashboard_test.py). Installs what it needs when missing:
# Debian's chromium and chromium-driver (apt-get; as root, or through sudo), and Selenium and the
# dfns_sdk into the virtual environment the dfns_sdk end-to-end test uses (.build/e2e/venv).
# Screenshots of every page visited go to .build/test-output/browser/.
set -euo pipefail
cd "$(dirname "$0")/.."

SELENIUM_VERSION=4.51.0
VENV=.build/e2e/venv
OUT=.build/test-output/browser

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    echo "==> Installing Debian's chromium and chromium-driver"
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import dfns_sdk" 2>/dev/null; then
    echo "==> The browser tests use dfns_sdk: preparing it with scripts/e2e-dfns-sdk.sh's environment"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "dfns_sdk==${SIGNET_DFNS_SDK_VERSION:-1.0.4}"
fi
if [ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("selenium"))' 2>/dev/null)" != "$SELENIUM_VERSION" ]; then
    echo "==> Installing Selenium $SELENIUM_VERSION into $VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "selenium==$SELENIUM_VERSION"
fi

swift build --product signet
SIGNET="$(swift build --show-bin-path)/signet"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
rm -rf "$OUT" && mkdir -p "$OUT"
echo "==> Dashboard browser tests (headless Chromium, virtual passkey authenticator)"
# Selenium must not try to download a browser or driver: the Debian ones are on PATH.
SE_OFFLINE=true timeout 300 "$VENV/bin/python" Tests/browser/dashboard_test.py "$SIGNET" "$WORK" "$(pwd)/$OUT"
