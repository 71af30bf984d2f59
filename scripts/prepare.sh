#!/usr/bin/env bash
# Everything the lab and the tests need on a fresh Debian 12 machine, as root: system packages
# (OpenSSH, distcc, process accounting, compilers), the npm dependencies and the built code.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/require-node.sh
lab/lab deps
npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
