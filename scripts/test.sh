#!/usr/bin/env bash
# The whole test suite, as root on a fresh Debian 12 machine: dependencies, type check, unit
# tests, then a real lab of compile nodes for the lab tests. Prints one closing line
# "tests: N passed, N failed" and exits non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/prepare.sh
npm run --silent typecheck
npm run --silent lint:deps
npm run --silent lint

reports=$(mktemp -d)
trap 'lab/lab down >/dev/null 2>&1 || true; rm -rf "$reports"' EXIT
status=0
npx vitest run --project unit --exclude test/unit/install.test.ts \
    --reporter=default --reporter=json --outputFile="$reports/unit.json" || status=$?
# The release tarball packed from a fresh copy, installed with npm into a temporary prefix,
# and the ebuild's src_install (scripts/check-install.sh): on its own, since it builds and
# installs, and would load the machine under the unit tests' timings.
npx vitest run --project unit test/unit/install.test.ts \
    --reporter=default --reporter=json --outputFile="$reports/install.json" || status=$?
lab/lab up 3
npx vitest run --project lab --reporter=default --reporter=json --outputFile="$reports/lab.json" || status=$?
node scripts/summarize-tests.mjs "$reports"/*.json
exit "$status"
