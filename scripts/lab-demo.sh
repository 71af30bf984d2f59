#!/usr/bin/env bash
# The lab demo, as root on a fresh Debian 12 machine: three compile nodes in network namespaces,
# then `demerge dev-util/hello` through the emerge stand-in, then what each node compiled by its
# own process accounting. The lab is taken down at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/prepare.sh
trap 'lab/lab down' EXIT
lab/lab up 3
work=$(mktemp -d)
chmod 0755 "$work"
echo
echo ">>> demerge --oneshot dev-util/hello   (emerge is test/emerge-standin/emerge)"
DEMERGE_EMERGE="$PWD/test/emerge-standin/emerge" DEMERGE_CONFIG=/var/lib/demerge-lab/demerge.conf \
  PORTAGE_TMPDIR="$work" EMERGE_LOG_DIR="$work" DEMERGE_HISTORY="$work/history.jsonl" ./bin/demerge.js --oneshot dev-util/hello
echo
echo ">>> compiles recorded by each node's own process accounting:"
lab/lab compiles all
rm -rf "$work"
