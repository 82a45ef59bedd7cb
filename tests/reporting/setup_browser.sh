#!/usr/bin/env bash
# The site tests' browser: Debian's chromium and the Playwright package (driving the system chromium; never
# `playwright install`) into $PYTHON (default python3). Idempotent; needs root (or sudo) for apt.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v chromium >/dev/null 2>&1; then
  echo "setup_browser: installing chromium"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
if ! "${PYTHON:-python3}" -c "import playwright" >/dev/null 2>&1; then
  echo "setup_browser: installing playwright"
  "${PYTHON:-python3}" -m pip install --quiet playwright
fi
