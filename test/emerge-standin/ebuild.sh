#!/bin/bash
# emerge stand-in phase runner (see test/emerge-standin/emerge). Not Portage code.
exec 2>&1
phase=$1; shift
color=n probe=0 emake_args=() append_cflags=() targets=() install_target=install
for a; do
	case $a in
		--color=*) color=${a#*=} ;;
		--probe) probe=1 ;;
		--emake-arg=*) emake_args+=("${a#*=}") ;;
		--append-cflags=*) append_cflags+=("${a#*=}") ;;
		--target=*) targets+=("${a#*=}") ;;
		--install-target=*) install_target=${a#*=} ;;
	esac
done
if [[ $color == y ]]; then
	GOOD=$'\e[32;01m' BAD=$'\e[31;01m' WARN=$'\e[33;01m' NORMAL=$'\e[0m'
else
	GOOD= BAD= WARN= NORMAL=
fi
__vecho() { [[ ${PORTAGE_QUIET} == 1 ]] || echo "$@"; }
__elog_save() { [[ -d ${T}/logging ]] && printf '%s\n' "$@" >> "${T}/logging/${phase}" 2>/dev/null; }
einfo() { echo " ${GOOD}*${NORMAL} $*"; __elog_save "INFO: ${phase}" "$*"; }
ewarn() { echo " ${WARN}*${NORMAL} $*"; __elog_save "WARN: ${phase}" "$*"; }
eerror() { echo " ${BAD}*${NORMAL} $*"; __elog_save "ERROR: ${phase}" "$*"; }
die() {
	eerror "ERROR: ${CATEGORY}/${PF}::${PORTAGE_REPO_NAME} failed (${phase} phase):"
	eerror "  ${*:-(no error message)}"
	eerror
	eerror "If you need support, post the output of \`emerge --info '=${CATEGORY}/${PF}::${PORTAGE_REPO_NAME}'\`,"
	eerror "the complete build log and the output of \`emerge -pqv '=${CATEGORY}/${PF}::${PORTAGE_REPO_NAME}'\`."
	eerror "The complete build log is located at '${PORTAGE_LOG_FILE}'."
	eerror "The ebuild environment file is located at '${T}/environment'."
	eerror "Working directory: '$(pwd)'"
	eerror "S: '${S}'"
	exit 1
}
# toolchain-funcs: tc-getCC / tc-export CC
tc-export-CC() {
	if [[ -z ${CC} ]]; then
		local search=
		[[ -n ${CHOST} ]] && search=$(type -p "${CHOST}-gcc")
		CC=${search:+${search##*/}}
		CC=${CC:-gcc}
	fi
	export CC
}
# bin/ebuild-helpers/emake (a separate program in Portage: a subshell here)
emake() (
	[[ -n ${MAKEFLAGS} ]] && unset MAKEOPTS
	cmd=( ${MAKE:-make} ${MAKEOPTS} "$@" ${EXTRA_EMAKE} )
	if [[ ${EBUILD_PHASE} == compile ]]; then
		export -p > "${T}/environment"
		env -0 > "${T}/.environment.nul"
	fi
	if [[ ${PORTAGE_QUIET} != 1 ]]; then
		for arg in "${cmd[@]}"; do
			[[ ${arg} == *" "* ]] && printf "'%s' " "${arg}" || printf "%s " "${arg}"
		done
		printf "\n"
	fi
	"${cmd[@]}"
)
probe() {
	{
		echo "phase=${phase}"
		echo "id=$(id)"
		echo "user=$(id -un)"
		echo "uid=$(id -u)"
		echo "gid=$(id -g)"
		echo "HOME=${HOME}"
		echo "hostname=$(cat /proc/sys/kernel/hostname)"
		echo "netns=$(readlink /proc/self/ns/net)"
		echo "pidns=$(readlink /proc/self/ns/pid)"
		echo "ipcns=$(readlink /proc/self/ns/ipc)"
		echo "utsns=$(readlink /proc/self/ns/uts)"
		echo "pid=$$"
		echo "nprocs=$(ls -d /proc/[0-9]* | wc -l)"
		echo "sid=$(awk '{print $6}' /proc/$$/stat)"
		echo "pgid=$(awk '{print $5}' /proc/$$/stat)"
		ip -o link 2>&1 | sed 's/^/link=/'
		ip -o addr 2>&1 | sed 's/^/addr=/'
		echo "PATH=${PATH}"
		echo "CC=${CC}"
		echo "cc_resolved=$(type -p "${CC%% *}")"
		echo "umask=$(umask)"
		echo "MAKEOPTS=${MAKEOPTS}"
		echo "MAKEFLAGS=${MAKEFLAGS}"
		echo "DISTCC_DIR=${DISTCC_DIR}"
		echo "DISTCC_SOCKS_PROXY=${DISTCC_SOCKS_PROXY}"
	} > "${T}/sandbox-probe.txt" 2>&1
}

unset GZIP BZIP BZIP2 CDPATH GREP_OPTIONS GREP_COLOR GLOBIGNORE
for x in ${ENV_UNSET}; do unset -v "${x}"; done
unset x
export TEMP=${T} TMP=${T} TMPDIR=${T}
S=${WORKDIR}/${P}

case ${phase} in
unpack)
	cd "${WORKDIR}" || die
	__vecho ">>> Unpacking source..."
	__vecho ">>> Unpacking ${P}.tar.gz to ${PWD}"
	tar -xzf "${DISTDIR}/${P}.tar.gz" -C "${WORKDIR}" || die "unpack failed"
	__vecho ">>> Source unpacked in ${WORKDIR}"
	;;
prepare)
	cd "${S}" || die
	__vecho ">>> Preparing source in ${PWD} ..."
	__vecho ">>> Source prepared."
	;;
configure)
	cd "${S}" || die
	__vecho ">>> Configuring source in ${PWD} ..."
	__vecho ">>> Source configured."
	;;
compile)
	cd "${S}" || die
	__vecho ">>> Compiling source in ${PWD} ..."
	for f in "${append_cflags[@]}"; do export CFLAGS="${CFLAGS} ${f}"; done
	tc-export-CC
	[[ ${probe} == 1 ]] && probe
	emake "${emake_args[@]}" "${targets[@]}" || die "emake failed"
	__vecho ">>> Source compiled."
	;;
test)
	if [[ " ${FEATURES} " != *" test "* ]]; then
		__vecho ">>> Test phase [not enabled]: ${CATEGORY}/${PF}"
	else
		cd "${S}" || die
		__vecho ">>> Test phase: ${CATEGORY}/${PF}"
		emake "${emake_args[@]}" check || die "tests failed"
		__vecho ">>> Completed testing ${CATEGORY}/${PF}"
	fi
	;;
install)
	cd "${S}" || die
	__vecho
	__vecho ">>> Install ${CATEGORY}/${PF} into ${D}"
	# PREFIX as econf's --prefix="${EPREFIX}"/usr: the image holds ${ED}/usr/bin/hello.
	emake "${emake_args[@]}" DESTDIR="${D}" PREFIX="${EPREFIX}/usr" "${install_target}" || die "emake install failed"
	__vecho ">>> Completed installing ${CATEGORY}/${PF} into ${D}"
	__vecho
	;;
postinst)
	out=$("${ED%/}/usr/bin/hello") || die "the installed hello failed"
	einfo "${CATEGORY}/${PF}: ${ED%/}/usr/bin/hello says: ${out}"
	;;
*)
	die "unknown phase ${phase}"
	;;
esac
exit 0
