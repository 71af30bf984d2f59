#!/usr/bin/env bash
# Installs demerge as a new user would and checks the result:
#  1. copies this source tree as a fresh clone has it (git's files, no node_modules, no dist)
#     and makes the release tarballs there (packaging/gentoo/make-dist.sh: `npm pack`, whose
#     prepack installs the build's tools and builds dist/, and the dependency tarball);
#  2. checks what the package tarball holds: what the ebuild and npm install, no sources,
#     no tests;
#  3. `npm install -g --prefix TMP` of that tarball, then the installed `demerge --version`,
#     `demerge --help`, `man -l` on the installed man page, and the completions in place;
#  4. packaging/gentoo/check-ebuild.sh: the ebuild's src_install on the two tarballs.
# Usage: scripts/check-install.sh [WORKDIR]   (default: a temporary directory, removed after)
# Needs the npm registry (or a filled npm cache) and man (Debian: man-db). Prints "ok" lines,
# ends with "check-install: all ok", exits non-zero at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -n ${1-} ]]; then
    work=$(mkdir -p "$1" && cd "$1" && pwd)
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi
fail() {
    echo "check-install: FAIL: $*" >&2
    exit 1
}
ok() { echo "ok    $*"; }

version=$(node -p 'require("./package.json").version')
p=demerge-$version

# 1. The tree a fresh clone has: the files git tracks, and new files not ignored (so that
#    uncommitted work is checked too); never node_modules or dist.
rm -rf "$work/src" "$work/dist" "$work/prefix"
mkdir -p "$work/src" "$work/dist"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' file; do
            [[ $file == @(node_modules|dist)?(/*) ]] && continue
            [[ -e $file || -L $file ]] && printf '%s\0' "$file"
        done |
        tar --null -T - -cf - | tar -xf - -C "$work/src"
else
    tar --exclude=./node_modules --exclude=./dist --exclude=./.git -cf - . | tar -xf - -C "$work/src"
fi
[[ ! -e $work/src/node_modules && ! -e $work/src/dist ]] || fail "the copy has node_modules or dist"
start=$SECONDS
(cd "$work/src" && packaging/gentoo/make-dist.sh "$work/dist" >/dev/null) ||
    fail "packaging/gentoo/make-dist.sh failed in a fresh copy"
tarball=$work/dist/$p.tgz deps=$work/dist/$p-deps.tar.xz
[[ -f $tarball && -f $deps ]] || fail "make-dist.sh made no $p.tgz and $p-deps.tar.xz"
ok "npm pack in a fresh copy: $p.tgz ($(du -k "$tarball" | cut -f1) KiB), $p-deps.tar.xz ($(du -k "$deps" | cut -f1) KiB) in $((SECONDS - start)) s"

# 2. The package tarball.
list=$(tar -tzf "$tarball")
for file in package/package.json package/README.md package/bin/demerge.js package/dist/index.js \
    package/man/demerge.1 package/completions/demerge.bash \
    package/completions/_demerge package/examples/demerge.conf; do
    grep -qxF "$file" <<<"$list" || fail "$p.tgz has no $file"
done
if bad=$(grep -E '^package/(src|test|lab|bench|scripts|packaging|docs|node_modules)/|\.test\.|\.map$|\.ts$' <<<"$list"); then
    fail "$p.tgz holds files it should not: $(head -3 <<<"$bad" | tr '\n' ' ')"
fi
ok "$p.tgz: bin, dist, man, completions, examples; no sources, tests or maps ($(wc -l <<<"$list") files)"

# 3. npm install -g into an empty prefix.
prefix=$work/prefix
start=$SECONDS
npm install -g --prefix "$prefix" --no-audit --no-fund --loglevel=error "$tarball" >/dev/null ||
    fail "npm install -g --prefix $prefix $p.tgz failed"
ok "npm install -g --prefix TMP $p.tgz in $((SECONDS - start)) s"

out=$("$prefix/bin/demerge" --version 2>&1) || fail "installed demerge --version exited $?: $out"
[[ $out == *"$version"* ]] || fail "installed demerge --version printed '$out', not $version"
ok "installed demerge --version: $out"

out=$("$prefix/bin/demerge" --help 2>&1) || fail "installed demerge --help exited $?: $out"
[[ $out == *Usage:* && $out == *"demerge setup"* ]] || fail "installed demerge --help printed: $(head -3 <<<"$out")"
ok "installed demerge --help: $(head -1 <<<"$out")"

page=$prefix/share/man/man1/demerge.1
[[ -e $page ]] || fail "no man page at $page"
command -v man >/dev/null || fail "man is not installed (Debian: apt-get install man-db)"
out=$(LC_ALL=C MANPAGER=cat MANWIDTH=80 man -l "$page" 2>&1) || fail "man -l $page failed: $out"
[[ $out == *NAME* && $out == *"demerge - emerge with distcc over SSH"* ]] ||
    fail "man -l $page printed: $(head -5 <<<"$out")"
ok "man -l PREFIX/share/man/man1/demerge.1: $(grep -m1 -A1 NAME <<<"$out" | tail -1 | sed 's/^ *//')"

installed=$prefix/lib/node_modules/demerge
for file in completions/demerge.bash completions/_demerge examples/demerge.conf; do
    [[ -f $installed/$file ]] || fail "npm installed no $file"
done
bash -n "$installed/completions/demerge.bash" || fail "bash -n completions/demerge.bash"
ok "completions and the example configuration installed in PREFIX/lib/node_modules/demerge"

# 4. The ebuild.
packaging/gentoo/check-ebuild.sh "$tarball" "$deps" || fail "packaging/gentoo/check-ebuild.sh"
echo "check-install: all ok"
