#!/usr/bin/env bash
# Runs the ebuild's phases that can run outside Portage on the two release tarballs: unpacks
# them as Portage's default src_unpack would, runs src_install into a scratch image with
# stand-ins for the package manager's helpers (insinto, doins, fperms, dosym, doman,
# newbashcomp, dodoc, ...: each copies what it is given and dies on a missing file, as PMS
# says), then checks the image and runs the demerge installed there. pkg_nofetch and
# pkg_postinst run too, for their messages.
# Usage: packaging/gentoo/check-ebuild.sh PACKAGE.tgz DEPS.tar.xz [IMAGE_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pkg=$(realpath "$1")
deps=$(realpath "$2")
ebuilds=("$here"/app-portage/demerge/demerge-*.ebuild)
((${#ebuilds[@]} == 1)) || { echo "check-ebuild: expected one ebuild, found: ${ebuilds[*]}" >&2; exit 1; }
ebuild=${ebuilds[0]}

fail() {
    echo "check-ebuild: FAIL: $*" >&2
    exit 1
}
ok() { echo "ok    $*"; }

bash -n "$ebuild" || fail "bash -n $ebuild"
ok "bash -n $(basename "$ebuild")"

if [[ -n ${3-} ]]; then
    top=$(mkdir -p "$3" && cd "$3" && pwd)
    rm -rf "${top:?}"/{work,image,temp}
else
    top=$(mktemp -d)
    trap 'rm -rf "$top"' EXIT
fi

# The ebuild runs in a subshell with the variables and helpers of the package manager
# (which shellcheck sees as unused and unreachable).
# shellcheck disable=SC2034,SC2317
(
    set -eu
    CATEGORY=app-portage
    P=$(basename "$ebuild" .ebuild) PF=$P PN=demerge PV=${P#demerge-} PR=r0 PVR=$PV
    WORKDIR=$top/work D=$top/image/ ED=$top/image/ T=$top/temp DISTDIR=$(dirname "$pkg")
    EPREFIX='' EROOT='' ROOT='' REPLACING_VERSIONS=''
    mkdir -p "$WORKDIR" "$D" "$T"
    _insdir=/ _docdir=''

    die() {
        echo "check-ebuild: die: $*" >&2
        exit 1
    }
    elog() { echo " * $*"; }
    einfo() { echo " * $*"; }
    ewarn() { echo " * WARNING: $*"; }
    inherit() {
        local e
        for e; do
            [[ $e == bash-completion-r1 ]] || die "inherit $e: no stand-in for that eclass here"
        done
    }
    get_libdir() { echo lib64; }
    _install() { # _install MODE SOURCE... DESTDIR
        local mode=$1 dest=${*: -1} src
        mkdir -p "$dest"
        for src in "${@:2:$#-2}"; do
            [[ -f $src ]] || die "${FUNCNAME[1]}: $src does not exist (in ${PWD})"
            install -m "$mode" "$src" "$dest/" || die "${FUNCNAME[1]} $src"
        done
    }
    insinto() { _insdir=$1; }
    doins() {
        local recursive='' src dest
        [[ ${1-} == -r ]] && recursive=1 && shift
        dest=$ED${_insdir}
        mkdir -p "$dest"
        for src; do
            [[ -e $src ]] || die "doins: $src does not exist (in ${PWD})"
            if [[ -d $src ]]; then
                [[ -n $recursive ]] || die "doins: $src is a directory (needs -r)"
                cp -RP "$src" "$dest/" || die "doins -r $src"
                # doins gives files 0644 and directories 0755, whatever they were
                find "$dest/$(basename "$src")" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
            else
                _install 0644 "$src" "$dest"
            fi
        done
    }
    newins() { cp "$1" "$T/$2" && doins "$T/$2"; }
    fperms() {
        local mode=$1 file
        shift
        for file; do
            [[ -e $ED$file ]] || die "fperms: $file is not in the image"
            chmod "$mode" "$ED$file"
        done
    }
    dosym() {
        local relative='' target link
        [[ $1 == -r ]] && relative=1 && shift
        target=$1 link=$ED$2
        mkdir -p "$(dirname "$link")"
        if [[ -n $relative ]]; then
            [[ $target == /* ]] || die "dosym -r: $target is not absolute"
            target=$(realpath -m --relative-to="$(dirname "$2")" "$target")
        fi
        ln -s "$target" "$link"
    }
    doman() {
        local page section
        for page; do
            section=${page##*.}
            [[ $section == [1-9]* ]] || die "doman: $page has no section suffix"
            _install 0644 "$page" "$ED/usr/share/man/man${section:0:1}"
        done
    }
    get_bashcompdir() { echo /usr/share/bash-completion/completions; }
    dobashcomp() { _install 0644 "$@" "$ED$(get_bashcompdir)"; }
    newbashcomp() { cp "$1" "$T/$2" && dobashcomp "$T/$2"; }
    docinto() { _docdir=$1; }
    dodoc() { _install 0644 "$@" "$ED/usr/share/doc/$PF${_docdir:+/$_docdir}"; }
    einstalldocs() {
        local doc
        for doc in README* ChangeLog AUTHORS NEWS TODO CHANGES THANKS BUGS FAQ CREDITS CHANGELOG; do
            [[ -f $doc && -s $doc ]] && dodoc "$doc"
        done
        return 0
    }
    docompress() { :; }

    # shellcheck source=/dev/null
    source "$ebuild"
    [[ $EAPI == 8 ]] || die "EAPI is $EAPI"
    # Portage's default src_unpack: every archive of SRC_URI, from DISTDIR.
    for file in $SRC_URI; do
        [[ $file == *.tgz || $file == *.tar.* ]] || die "SRC_URI: $file is not an archive"
        [[ -f $DISTDIR/${file##*/} ]] || die "SRC_URI names ${file##*/}, not given (given: $(basename "$pkg") $(basename "$deps"))"
        tar -xf "$DISTDIR/${file##*/}" -C "$WORKDIR"
    done
    [[ -d $S ]] || die "S=$S does not exist after unpacking"
    cd "$S"
    src_install
    pkg_nofetch >"$T/nofetch"
    pkg_postinst >"$T/postinst"
) || fail "the ebuild's phases"
ok "src_install into a scratch image"

image=$top/image
version=$(basename "$ebuild" .ebuild)
version=${version#demerge-}
libdir=$image/usr/lib64/node_modules/demerge
for file in usr/bin/demerge usr/share/man/man1/demerge.1 usr/share/bash-completion/completions/demerge \
    usr/share/zsh/site-functions/_demerge "usr/share/doc/demerge-$version/examples/demerge.conf" \
    "usr/share/doc/demerge-$version/README.md" usr/lib64/node_modules/demerge/package.json; do
    [[ -e $image/$file ]] || fail "the image has no /$file"
done
[[ -L $image/usr/bin/demerge && $(readlink "$image/usr/bin/demerge") != /* ]] ||
    fail "/usr/bin/demerge is not a relative symlink"
[[ -z $(find "$image/etc" -type f 2>/dev/null) ]] || fail "the ebuild installs files in /etc"
if grep -vqE '^(#.*)?$' "$image/usr/share/doc/demerge-$version/examples/demerge.conf"; then
    fail "the example demerge.conf has lines that are not comments"
fi
for dep in $(node -p 'Object.keys(require(process.argv[1]).dependencies).join(" ")' "$libdir/package.json"); do
    [[ -f $libdir/node_modules/$dep/package.json ]] || fail "the image has no dependency $dep"
done
ok "the image: /usr/bin/demerge, the man page, bash and zsh completions, the example, the dependencies"

vout=$("$image/usr/bin/demerge" --version 2>&1) || fail "the image's demerge --version: $vout"
[[ $vout == *"$version"* ]] || fail "the image's demerge --version printed $vout"
out=$("$image/usr/bin/demerge" --help 2>&1) || fail "the image's demerge --help: $out"
[[ $out == *Usage:* ]] || fail "the image's demerge --help printed $(head -2 <<<"$out")"
# Every dependency loads from the image, ssh2 without its native parts.
(cd "$libdir" && node --input-type=module -e '
import { readFileSync } from "node:fs";
for (const name of Object.keys(JSON.parse(readFileSync("package.json", "utf8")).dependencies)) await import(name);
') || fail "a dependency does not load from the image"
ok "the image's demerge --version ($vout), --help, and every dependency loads"
sed 's/^/      /' "$top/temp/postinst"
echo "check-ebuild: all ok"
