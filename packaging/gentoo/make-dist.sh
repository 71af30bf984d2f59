#!/usr/bin/env bash
# The two release tarballs the ebuild needs, from this source tree:
#   demerge-VERSION.tgz       `npm pack`: bin/, dist/ (built on the way, by prepack), man/,
#                             completions/, examples/, package.json, README.md
#   demerge-VERSION-deps.tar.xz  package/node_modules: the production dependencies from
#                             package-lock.json, without install scripts and without optional
#                             packages, so pure JavaScript and the same on every architecture
# Usage: packaging/gentoo/make-dist.sh [OUTDIR]   (default: the current directory)
# Needs Node.js 20.11 or newer, npm and the npm registry (or a filled npm cache).
set -euo pipefail
out=${1:-.}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$(dirname "$0")/../.."
root=$PWD
version=$(node -p 'require("./package.json").version')
name=$(node -p 'require("./package.json").name')
p=$name-$version

# Reproducible archives: every file with the time of the last commit (or SOURCE_DATE_EPOCH).
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}

echo "make-dist: $p.tgz (npm pack)" >&2
npm pack --pack-destination "$out" --loglevel=error >&2
[[ -f $out/$p.tgz ]] || { echo "make-dist: npm pack made no $out/$p.tgz" >&2; exit 1; }

echo "make-dist: $p-deps.tar.xz (npm ci --omit=dev --omit=optional --ignore-scripts)" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/package"
cp package.json package-lock.json "$tmp/package/"
(cd "$tmp/package" &&
    npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
# npm's bookkeeping and the .bin links are not needed to run demerge.
rm -rf "$tmp/package/node_modules/.bin" "$tmp/package/node_modules/.package-lock.json"
native=$(find "$tmp/package/node_modules" -name '*.node' -print -quit)
if [[ -n $native ]]; then
    echo "make-dist: the dependencies hold native code ($native): the tarball would not fit every architecture" >&2
    exit 1
fi
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" --mode='u+rwX,go+rX,go-w' \
    -C "$tmp" -cf - package/node_modules | xz -T1 -9e >"$out/$p-deps.tar.xz"

(cd "$out" && sha256sum "$p.tgz" "$p-deps.tar.xz" && du -h "$p.tgz" "$p-deps.tar.xz") >&2
printf '%s\n' "$out/$p.tgz" "$out/$p-deps.tar.xz"
