#!/usr/bin/env bash
# demerge and its tools need Node.js 20.11 or newer; Debian 12's own nodejs package is 18.
set -euo pipefail
if ! command -v node >/dev/null 2>&1; then
  echo "Node.js 20.11 or newer is needed: install it (on Gentoo: net-libs/nodejs), then run this again." >&2
  exit 1
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=11)?0:1)'; then
  echo "Node.js $(node --version) is too old: demerge needs 20.11 or newer." >&2
  exit 1
fi
