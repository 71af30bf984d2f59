# Copyright 2026 Gentoo Authors
# Distributed under the terms of the GNU General Public License v2

EAPI=8

inherit bash-completion-r1

DESCRIPTION="Drop-in emerge that distributes the build with distcc over SSH, for that run only"
# FIXME: the project's public home page, once it has one.
HOMEPAGE="https://example.org/demerge"
# The package tarball is what `npm pack` makes (dist/ built, top directory package/); the
# dependency tarball holds its production node_modules, installed from package-lock.json
# without install scripts (pure JavaScript), top directory package/node_modules, so both
# unpack into ${S}. packaging/gentoo/make-dist.sh makes both; see packaging/gentoo/README.md.
# No public download site yet: the packager puts them in DISTDIR (pkg_nofetch says how).
SRC_URI="
	${P}.tgz
	${P}-deps.tar.xz
"
S="${WORKDIR}/package"

LICENSE="GPL-2+"
# The bundled dependencies (node_modules)
LICENSE+=" Apache-2.0 BSD ISC MIT Unlicense"
SLOT="0"
KEYWORDS="~amd64"
RESTRICT="fetch"

# python3 (emerge's pseudo terminal for the dashboard) comes with Portage; unshare and setpriv
# with util-linux.
RDEPEND="
	>=net-libs/nodejs-20.11
	net-misc/openssh
	sys-devel/distcc
"

pkg_nofetch() {
	einfo "Make ${P}.tgz and ${P}-deps.tar.xz from demerge's source, at its ${PV} release:"
	einfo "  packaging/gentoo/make-dist.sh"
	einfo "and put both in ${DISTDIR}."
}

src_install() {
	local dir
	dir=/usr/$(get_libdir)/node_modules/${PN}

	# npm's own layout, as `npm install -g` would make it: demerge finds its package.json
	# (the version) and its node_modules beside dist/.
	insinto "${dir}"
	doins -r package.json bin dist node_modules
	fperms +x "${dir}"/bin/demerge.js
	dosym -r "${dir}"/bin/demerge.js /usr/bin/demerge

	doman man/demerge.1
	newbashcomp completions/demerge.bash demerge
	insinto /usr/share/zsh/site-functions
	doins completions/_demerge

	einstalldocs
	# An /etc/demerge.conf, even one of comments only, would hide /etc/distcc/hosts (demerge
	# reads that only without /etc/demerge.conf), so the example goes with the docs.
	docinto examples
	dodoc examples/demerge.conf
	docompress -x "/usr/share/doc/${PF}/examples"
}

pkg_postinst() {
	if [[ -z ${REPLACING_VERSIONS} ]]; then
		elog "demerge reads its nodes from ${EROOT}/etc/distcc/hosts, or from"
		elog "${EROOT}/etc/demerge.conf once that exists. A commented example:"
		elog "  cp ${EROOT}/usr/share/doc/${PF}/examples/demerge.conf ${EROOT}/etc/demerge.conf"
		elog "Then, as root: demerge setup key; demerge trust HOST...; demerge setup node HOST...;"
		elog "demerge --dry-check. See demerge(1)."
	fi
}
