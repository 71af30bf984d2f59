// Portage's configuration, as the emerge stand-in and the portageq stand-in next to this
// file both see it: one implementation, so `portageq envvar` answers with exactly the
// values the stand-in emerge builds with. Plain Node 20 ESM, stdlib only. Written from a
// reading of gentoo/portage (HEAD a20ef27a); no Portage code is copied. Files named below
// are in that repository.
//
//  - EPREFIX / Prefix layout: PORTAGE_OVERRIDE_EPREFIX (normalised, "/" -> "") is
//    Portage's own prefix (portage.const.EPREFIX, else ""); it is BROOT, the default
//    PORTAGE_CONFIGROOT (EPREFIX + "/") and the base of PORTAGE_DEPCACHEDIR. The target
//    EPREFIX is the EPREFIX environment variable when set (emerge --prefix sets it), else
//    Portage's own; EROOT = ESYSROOT = EPREFIX + "/". PORTAGE_CONFIGROOT must be a
//    directory ("!!! Error: PORTAGE_CONFIGROOT='...' is not a directory. Please correct
//    this.", then Portage dies with a traceback).
//        lib/portage/const.py, lib/portage/package/ebuild/_config/LocationsManager.py,
//        lib/portage/_legacy_globals.py, lib/_emerge/actions.py (load_emerge_config)
//  - Layers, lowest first: env.d (built in: PATH, as if ${BROOT}/etc/profile.env set it)
//    < make.globals (built in: the values a non-Prefix installation's cnf/make.globals
//    parses to) < the profile (built in: default/linux/amd64/23.0 make.defaults) <
//    ${PORTAGE_CONFIGROOT}/etc/make.conf + etc/portage/make.conf (each a file or a
//    directory read recursively in name order; both present -> "!!! Found 2 make.conf
//    files, using both ..."; read twice, as Portage does, so warnings show twice when
//    tolerant) < package.env (per package; `*/*` goes to the make.conf layer) < the
//    calling environment (minus env_blacklist and values equal to env.d's) < what
//    config.__init__ sets itself: PORTAGE_CONFIGROOT ROOT SYSROOT EPREFIX EROOT ESYSROOT
//    BROOT PORTAGE_OVERRIDE_EPREFIX PORTDIR PORTDIR_OVERLAY CBUILD(=CHOST) USERLAND
//    PORTAGE_INST_UID/GID PORTAGE_USERNAME/GRPNAME PORTAGE_DEPCACHEDIR
//    PORTAGE_INTERNAL_CALLER, lower-cased AUTOCLEAN NOCOLOR NO_COLOR. Unprivileged mode
//    (not root, EROOT writable and not world-writable): PORTAGE_INST_UID/GID, USERNAME and
//    GRPNAME are EROOT's owner and FEATURES gains "unprivileged". Incremental variables
//    stack over all layers (`x`, `-x`, `-*`, sorted; unknown-features-warn once per
//    process); ACCEPT_LICENSE/ACCEPT_PROPERTIES/ACCEPT_RESTRICT from the last `*` or
//    after the last `-*` (ACCEPT_LICENSE default "* -@EULA").
//        lib/portage/package/ebuild/config.py (__init__, _grab_pkg_env, regenerate,
//        __setitem__, backup_changes), lib/portage/data.py (_unprivileged_mode),
//        lib/portage/package/ebuild/_config/features_set.py (_validate), const.py,
//        lib/portage/package/ebuild/_config/special_env_vars.py, cnf/make.globals
//  - Config file syntax: getconfig() = Python's shlex in POSIX mode (Portage's word
//    characters, `#` comments, '...' and "..." quoting, backslash escapes, `source FILE`
//    relative to the sourcing file, `export`) followed by varexpand() on each value:
//    ${VAR}/$VAR from the expand map (env.d, make.globals, profile, make.conf so far --
//    never the calling environment), newlines become spaces unless a literal ' precedes
//    them, `\$` -> `$`, `$` followed by a non-name -> "bad substitution" and an empty value.
//    Errors: `"<file>", line N: Invalid token 'x' (not '=')` and friends; tolerant mode
//    (portageq) prints them and keeps what was read, strict mode (emerge) raises
//    ParseError. Directories: hidden files, `*~` and VCS directories skipped.
//        lib/portage/util/__init__.py (getconfig, _getconfig_shlex, varexpand,
//        _recursive_file_list, grabdict_package), Python's Lib/shlex.py
//  - package.env: `atom file...` lines (files under etc/portage/package.env, recursive),
//    the same atom on several lines merged, files read from etc/portage/env/<name>
//    (missing -> "!!! .../package.env references non-existent file: ..."), env_blacklist
//    and CONFIG_PROTECT refused ("!!! Illegal variable 'X' assigned in '...'"),
//    incremental variables concatenated; matching atoms applied least specific first
//    (cp with wildcards < cp < >=/<=/>/< < cp:slot < =cpv* < ~cpv < =cpv).
//        lib/portage/package/ebuild/config.py (setcpv), lib/portage/dep/__init__.py
//        (best_match_to_list), lib/portage/package/ebuild/_config/helper.py
//
// Not reproduced: ROOT and SYSROOT are always "/"; the constant keys PORTAGE_BIN_PATH,
// PORTAGE_PYM_PATH, PORTAGE_PYTHONPATH and PORTAGE_GID; PORTAGE_REPOSITORIES and
// PORTAGE_ARCHLIST; the global USE (USE_EXPAND, ARCH); profile-only variables; repos.conf
// (one built-in repository).

import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

export const PORTAGE_VERSION = '3.0.82';
export const REPO_NAME = 'gentoo';
export const REPO_PATH = '/var/db/repos/gentoo';
export const ENV_D_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const PROFILE_NAME = 'default/linux/amd64/23.0';
const DEPCACHE_PATH = '/var/cache/edb/dep';

// Messages go to stderr; emerge may colour the FEATURES '+' warning.
const err = (s) => { try { fs.writeSync(2, s); } catch { /* EPIPE */ } };
let colorBad = (s) => s;
export function setBadColor(fn) { colorBad = fn; }

// Portage's exceptions, as far as the callers need to tell them apart.
export class ParseError extends Error {}
export class PermissionDenied extends Error {
  constructor(p) { super(p); this.errno = 13; }
}
// Portage would die with a Python traceback (DirectoryNotFound, ValueError from shlex).
export class FatalConfigError extends Error {
  constructor(message, exception) { super(message); this.exception = exception; }
}

// ---------------------------------------------------------------------------
// Variable lists (lib/portage/package/ebuild/_config/special_env_vars.py, const.py).
// ---------------------------------------------------------------------------
export const ENV_BLACKLIST = new Set(`A AA BASH_FUNC____in_portage_iuse%% BDEPEND BROOT CATEGORY
DEPEND DESCRIPTION DOCS EAPI EBUILD_FORCE_TEST EBUILD_PHASE EBUILD_PHASE_FUNC EBUILD_SKIP_MANIFEST
ED EMERGE_FROM EPREFIX EROOT GREP_OPTIONS HOMEPAGE IDEPEND INHERITED IUSE IUSE_EFFECTIVE KEYWORDS
LICENSE MERGE_TYPE PDEPEND PF PKGUSE PORTAGE_BACKGROUND PORTAGE_BACKGROUND_UNMERGE
PORTAGE_BUILDDIR_LOCKED PORTAGE_BUILT_USE PORTAGE_CONFIGROOT PORTAGE_EXPLICIT_INHERIT
PORTAGE_INTERNAL_CALLER PORTAGE_IUSE PORTAGE_NONFATAL PORTAGE_PIPE_FD PORTAGE_REPO_NAME
PORTAGE_USE PROPERTIES RDEPEND REPOSITORY REQUIRED_USE RESTRICT ROOT SANDBOX_LOG SLOT SRC_URI _`
  .split(/\s+/));
const GLOBAL_ONLY_VARS = new Set(['CONFIG_PROTECT']);
const CASE_INSENSITIVE_VARS = ['AUTOCLEAN', 'NOCOLOR', 'NO_COLOR'];
const DEPRECATED_KEYS = { PORTAGE_LOGDIR: 'PORT_LOGDIR', PORTAGE_LOGDIR_CLEAN: 'PORT_LOGDIR_CLEAN' };
export const INCREMENTALS = new Set(`ACCEPT_KEYWORDS CONFIG_PROTECT CONFIG_PROTECT_MASK ENV_UNSET
FEATURES IUSE_IMPLICIT PROFILE_ONLY_VARIABLES USE USE_EXPAND USE_EXPAND_HIDDEN
USE_EXPAND_IMPLICIT USE_EXPAND_UNPREFIXED`.split(/\s+/));
const LAZY_INCREMENTALS = new Set(['ACCEPT_LICENSE', 'ACCEPT_PROPERTIES', 'ACCEPT_RESTRICT']);
// lib/portage/const.py SUPPORTED_FEATURES, for unknown-features-warn.
const SUPPORTED_FEATURES = new Set(`assume-digests binpkg-docompress binpkg-dostrip
binpkg-ignore-signature binpkg-logs binpkg-multi-instance binpkg-request-signature binpkg-signing
buildpkg buildpkg-live buildpkg-proactive buildsyspkg candy case-insensitive-fs ccache cgroup
chflags clean-logs collision-protect compress-build-logs compressdebug compress-index
config-protect-if-modified dedupdebug digest distcc distlocks downgrade-backup ebuild-locks
fail-clean fakeroot fixlafiles force-mirror getbinpkg gpg-keepalive home-dir-template-copy
icecream installsources ipc-sandbox jobserver-token keeptemp keepwork lmirror merge-sync
merge-use-vdb merge-wait metadata-transfer mirror mount-sandbox multilib-strict network-sandbox
network-sandbox-proxy news noauto noclean nodoc noinfo noman nostrip notitles observability
packdebug parallel-fetch parallel-install pid-sandbox pkgdir-index-trusted preserve-libs
protect-owned python-trace qa-unresolved-soname-deps sandbox selinux sesandbox sfperms sign
skiprocheck splitdebug split-elog split-log strict strict-keepdir stricter suidctl test
test-fail-continue unknown-features-filter unknown-features-warn unmerge-backup unmerge-logs
unmerge-orphans unprivileged userfetch userpriv usersandbox usersync warn-on-large-env
webrsync-gpg xattr`.split(/\s+/));
const unknownFeaturesWarned = new Set(); // once per process, as config._unknown_features
const VCS_DIRS = new Set(['CVS', 'RCS', 'SCCS', '.bzr', '.git', '.hg', '.svn']);

// What cnf/make.globals parses to (a non-Prefix installation's file: meson does not
// hprefixify it). Values as getconfig() yields them: newlines turned into spaces.
export const MAKE_GLOBALS = {
  CFLAGS: '', CXXFLAGS: '', LDFLAGS: '', FFLAGS: '', FCFLAGS: '',
  GENTOO_MIRRORS: 'http://distfiles.gentoo.org',
  ACCEPT_PROPERTIES: '*', ACCEPT_RESTRICT: '*',
  DISTDIR: '/var/cache/distfiles', PKGDIR: '/var/cache/binpkgs', RPMDIR: '/var/cache/rpm',
  PORTAGE_TMPDIR: '/var/tmp', BINPKG_COMPRESS: 'zstd', BINPKG_FORMAT: 'gpkg',
  BINPKG_GPG_SIGNING_BASE_COMMAND: '/usr/bin/flock /run/lock/portage-binpkg-gpg.lock /usr/bin/gpg --sign --armor [PORTAGE_CONFIG]',
  BINPKG_GPG_SIGNING_DIGEST: 'SHA512',
  BINPKG_GPG_VERIFY_BASE_COMMAND: '/usr/bin/gpg --verify --batch --no-tty --no-auto-check-trustdb --status-fd 2 [PORTAGE_CONFIG] [SIGNATURE]',
  BINPKG_GPG_VERIFY_GPG_HOME: '/etc/portage/gnupg',
  GPG_VERIFY_USER_DROP: 'nobody', GPG_VERIFY_GROUP_DROP: 'nogroup',
  FETCHCOMMAND: 'wget -t 3 -T 60 --passive-ftp -U "Portage (Gentoo, https://www.gentoo.org) distfile-fetch" -O "${DISTDIR}/${FILE}" "${URI}"',
  RESUMECOMMAND: 'wget -c -t 3 -T 60 --passive-ftp -U "Portage (Gentoo, https://www.gentoo.org) distfile-fetch" -O "${DISTDIR}/${FILE}" "${URI}"',
  FETCHCOMMAND_RSYNC: 'rsync -LtvP "${URI}" "${DISTDIR}/${FILE}"',
  RESUMECOMMAND_RSYNC: 'rsync -LtvP "${URI}" "${DISTDIR}/${FILE}"',
  FETCHCOMMAND_SSH:
    "bash -c \"x=\\${2#ssh://} ; host=\\${x%%/*} ; port=\\${host##*:} ; host=\\${host%:*} ; [[ \\${host} = \\${port} ]] && port= ; exec rsync --rsh=\\\"ssh \\${port:+-p\\${port}} \\${3}\\\" -avP \\\"\\${host}:/\\${x#*/}\\\" \\\"\\$1\\\"\" rsync \"${DISTDIR}/${FILE}\" \"${URI}\" \"${PORTAGE_SSH_OPTS}\"",
  FETCHCOMMAND_SFTP:
    "bash -c \"x=\\${2#sftp://} ; host=\\${x%%/*} ; port=\\${host##*:} ; host=\\${host%:*} ; [[ \\${host} = \\${port} ]] && port= ; eval \\\"declare -a ssh_opts=(\\${3})\\\" ; exec sftp \\${port:+-P \\${port}} \\\"\\${ssh_opts[@]}\\\" \\\"\\${host}:/\\${x#*/}\\\" \\\"\\$1\\\"\" sftp \"${DISTDIR}/${FILE}\" \"${URI}\" \"${PORTAGE_SSH_OPTS}\"",
  FEATURES: `assume-digests binpkg-docompress binpkg-dostrip binpkg-logs binpkg-multi-instance
buildpkg-live compress-index config-protect-if-modified distlocks ebuild-locks fixlafiles
ipc-sandbox merge-sync merge-wait multilib-strict network-sandbox news parallel-fetch
pkgdir-index-trusted pid-sandbox preserve-libs protect-owned qa-unresolved-soname-deps sandbox
strict unknown-features-warn unmerge-logs unmerge-orphans userfetch userpriv usersandbox
usersync`.replace(/\s+/g, ' '),
  COLLISION_IGNORE: '/lib/modules/* *.py[co] *$py.class', UNINSTALL_IGNORE: '/lib/modules/*',
  CLEAN_DELAY: '5', EMERGE_WARNING_DELAY: '10', AUTOCLEAN: 'no',
  PORTAGE_BZIP2_COMMAND: 'bzip2', PORTAGE_COMPRESS: 'bzip2',
  PORTAGE_COMPRESS_EXCLUDE_SUFFIXES: 'css gif htm[l]? jp[e]?g js pdf png',
  PORTAGE_FETCH_CHECKSUM_TRY_MIRRORS: '5', PORTAGE_FETCH_RESUME_MIN_SIZE: '350K',
  PORTAGE_RSYNC_RETRIES: '-1',
  PORTAGE_RSYNC_OPTS: '--recursive --links --safe-links --perms --times --omit-dir-times --compress --force --whole-file --delete --stats --human-readable --timeout=180 --exclude=/distfiles --exclude=/local --exclude=/packages --exclude=/.git',
  PORTAGE_SYNC_STALE: '30',
  PORTAGE_LOGDIR_CLEAN: 'find "${PORTAGE_LOGDIR}" -type f ! -name "summary.log*" -mtime +7 -delete',
  CONFIG_PROTECT: '/etc', CONFIG_PROTECT_MASK: '/etc/env.d',
  USE_ORDER: 'env:pkg:conf:defaults:pkginternal:features:repo:env.d',
  PORTAGE_WORKDIR_MODE: '0700', PORTAGE_ELOG_CLASSES: 'log warn error',
  PORTAGE_ELOG_SYSTEM: 'save_summary:log,warn,error,qa echo',
  PORTAGE_ELOG_MAILURI: 'root',
  PORTAGE_ELOG_MAILSUBJECT: '[portage] ebuild log for ${PACKAGE} on ${HOST}',
  PORTAGE_ELOG_MAILFROM: 'portage@localhost',
  PORTAGE_GPG_SIGNING_COMMAND: 'gpg --sign --digest-algo SHA256 --clearsign --yes --default-key "${PORTAGE_GPG_KEY}" --homedir "${PORTAGE_GPG_DIR}" "${FILE}"',
  PORTAGE_TRUST_HELPER: '/usr/bin/getuto',
  PORTAGE_XATTR_EXCLUDE: 'bcachefs.* bcachefs_effective.* \tbtrfs.* security.evm security.ima \tsecurity.selinux system.nfs4_acl user.apache_handler \tuser.Beagle.* user.dublincore.* user.mime_encoding user.xdg.*',
};
MAKE_GLOBALS.RESUMECOMMAND_SSH = MAKE_GLOBALS.FETCHCOMMAND_SSH;

// The profile layer: Gentoo's default/linux/amd64/23.0 make.defaults, except CHOST,
// which is Debian's triplet so that ${CHOST}-gcc exists here (x86_64-linux-gnu-gcc,
// also in /usr/lib/distcc).
export const PROFILE_DEFAULTS = {
  ARCH: 'amd64', CHOST: 'x86_64-linux-gnu', ACCEPT_KEYWORDS: 'amd64',
  CFLAGS: '-O2 -pipe', CXXFLAGS: '-O2 -pipe', FCFLAGS: '-O2 -pipe', FFLAGS: '-O2 -pipe',
  LDFLAGS: '-Wl,-O1 -Wl,--as-needed',
  ABI: 'amd64', DEFAULT_ABI: 'amd64', LIBDIR_amd64: 'lib64', MULTILIB_ABIS: 'amd64',
  ELIBC: 'glibc', KERNEL: 'linux', USERLAND: 'GNU',
  ENV_UNSET: `CARGO_HOME DBUS_SESSION_BUS_ADDRESS DISPLAY GOBIN GOPATH PERL5LIB PERL5OPT
PERLPREFIX PERL_CORE PERL_MB_OPT PERL_MM_OPT XAUTHORITY XDG_CACHE_HOME XDG_CONFIG_HOME
XDG_DATA_HOME XDG_RUNTIME_DIR XDG_STATE_HOME`.replace(/\s+/g, ' '),
};

// ---------------------------------------------------------------------------
// Paths: Python's os.path.normpath / abspath and Portage's normalize_path.
// ---------------------------------------------------------------------------
export function pyNormpath(p) {
  if (p === '') return '.';
  const initial = p.startsWith('/') ? (p.startsWith('//') && !p.startsWith('///') ? '//' : '/') : '';
  const parts = [];
  for (const c of p.split('/')) {
    if (c === '' || c === '.') continue;
    if (c !== '..' || (!initial && !parts.length) || (parts.length && parts[parts.length - 1] === '..')) parts.push(c);
    else if (parts.length) parts.pop();
  }
  return (initial + parts.join('/')) || '.';
}
// normalize_path(): like normpath, but "//x" is "/x".
export const normalizePath = (p) => (p.startsWith('/') ? pyNormpath(`//${p}`) : pyNormpath(p));
const pyAbspath = (p) => pyNormpath(p.startsWith('/') ? p : path.join(process.cwd(), p));
const isDir = (p) => { try { return fs.statSync(p).isDirectory(); } catch { return false; } };

// portage.const.EPREFIX: PORTAGE_OVERRIDE_EPREFIX when set (a non-Prefix build is "").
export function constEprefix(env) {
  let e = '';
  if (env.PORTAGE_OVERRIDE_EPREFIX !== undefined) {
    e = env.PORTAGE_OVERRIDE_EPREFIX;
    if (e) { e = pyNormpath(e); if (e === '/') e = ''; }
  }
  return e;
}

// ---------------------------------------------------------------------------
// Config files: getconfig() = shlex (POSIX mode) + varexpand().
// ---------------------------------------------------------------------------
const WORDCHARS = new Set('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ~!@#$%*_\\:;?,./-+{}');
const WHITESPACE = new Set(' \t\r\n');
const QUOTES = new Set(['"', "'"]);
const NAME_CHARS = /[A-Za-z0-9_]/;

// A shlex.shlex(posix=True) with getconfig()'s settings and its sourcehook.
class Lexer {
  constructor(text, infile, { tolerant, expandMap, allowSourcing }) {
    this.chars = Array.from(text); // by code point, as Python reads str
    this.pos = 0;
    this.infile = infile;
    this.lineno = 1;
    this.filestack = [];
    this.pushback = [];
    this.state = ' ';
    this.tolerant = tolerant;
    this.expandMap = expandMap;
    this.source = allowSourcing ? 'source' : null;
  }

  errorLeader() { return `"${this.infile}", line ${this.lineno}: `; }

  read() { return this.pos < this.chars.length ? this.chars[this.pos++] : ''; }

  readline() {
    while (this.pos < this.chars.length) if (this.chars[this.pos++] === '\n') break;
  }

  readToken() {
    let quoted = false;
    let escapedstate = ' ';
    let token = '';
    for (;;) {
      const c = this.read();
      if (c === '\n') this.lineno++;
      if (this.state === null) { token = ''; break; }
      if (this.state === ' ') {
        if (!c) { this.state = null; break; }
        if (WHITESPACE.has(c)) { if (token || quoted) break; continue; }
        if (c === '#') { this.readline(); this.lineno++; continue; }
        if (c === '\\') { escapedstate = 'a'; this.state = c; continue; }
        if (WORDCHARS.has(c)) { token = c; this.state = 'a'; continue; }
        if (QUOTES.has(c)) { this.state = c; continue; }
        token = c;
        break;
      } else if (QUOTES.has(this.state)) {
        quoted = true;
        if (!c) throw new ShlexValueError('No closing quotation');
        if (c === this.state) this.state = 'a';
        else if (c === '\\' && this.state === '"') { escapedstate = this.state; this.state = c; } else token += c;
      } else if (this.state === '\\') {
        if (!c) throw new ShlexValueError('No escaped character');
        if (QUOTES.has(escapedstate) && c !== this.state && c !== escapedstate) token += this.state;
        token += c;
        this.state = escapedstate;
      } else { // 'a'
        if (!c) { this.state = null; break; }
        if (WHITESPACE.has(c)) { this.state = ' '; if (token || quoted) break; continue; }
        if (c === '#') {
          this.readline(); this.lineno++;
          this.state = ' ';
          if (token || quoted) break;
          continue;
        }
        if (QUOTES.has(c)) { this.state = c; continue; }
        if (c === '\\') { escapedstate = 'a'; this.state = c; continue; }
        if (WORDCHARS.has(c)) { token += c; continue; }
        this.pushback.unshift(c);
        this.state = ' ';
        if (token || quoted) break;
      }
    }
    return !quoted && token === '' ? null : token;
  }

  getToken() {
    if (this.pushback.length) return this.pushback.shift();
    let raw = this.readToken();
    if (this.source !== null) {
      while (raw === this.source) {
        this.sourcehook(this.readToken());
        raw = this.getToken();
      }
    }
    while (raw === null) {
      if (!this.filestack.length) return null;
      ({ infile: this.infile, chars: this.chars, pos: this.pos, lineno: this.lineno } = this.filestack.shift());
      this.state = ' ';
      raw = this.getToken();
    }
    return raw;
  }

  // _getconfig_shlex.sourcehook + shlex.sourcehook + push_source.
  sourcehook(spec) {
    if (spec === null) throw new ShlexValueError("object of type 'NoneType' has no len()", 'TypeError');
    if (spec === '') throw new ShlexValueError('string index out of range', 'IndexError');
    // Portage's hook expands the name; shlex's own strips "..." and makes a relative name
    // relative to the sourcing file. Messages name the file as expanded.
    const expanded = varexpand(spec, this.expandMap);
    let newfile = expanded[0] === '"' ? expanded.slice(1, -1) : expanded;
    if (!path.isAbsolute(newfile)) newfile = path.join(path.dirname(this.infile), newfile);
    let text;
    try {
      text = fs.readFileSync(newfile, 'utf8').replace(/\r\n?/g, '\n');
    } catch (e) {
      if (e.code === 'EACCES') throw new PermissionDenied(expanded);
      if (e.code !== 'ENOENT' && e.code !== 'ENOTDIR') {
        err(`open('${expanded}', 'r'): ${pyOSError(e, newfile)}\n`);
        throw new ShlexValueError(pyOSError(e, newfile), { EISDIR: 'IsADirectoryError' }[e.code] || 'OSError');
      }
      const msg = `${this.errorLeader()}${expanded}: ${e.code === 'ENOTDIR' ? 'Not a directory' : 'No such file or directory'}`;
      if (!this.tolerant) throw new ParseError(msg);
      err(`${msg}\n`);
      text = '';
      newfile = expanded;
    }
    this.filestack.unshift({ infile: this.infile, chars: this.chars, pos: this.pos, lineno: this.lineno });
    this.infile = newfile;
    this.chars = Array.from(text);
    this.pos = 0;
    this.lineno = 1;
  }
}
class ShlexValueError extends Error {
  constructor(message, pyName = 'ValueError') { super(message); this.pyName = pyName; }
}

function pyOSError(e, p) {
  const names = { EISDIR: [21, 'Is a directory'], ENOENT: [2, 'No such file or directory'], EACCES: [13, 'Permission denied'], ENOTDIR: [20, 'Not a directory'] };
  const [n, s] = names[e.code] || [e.errno ? -e.errno : 0, e.message];
  return `[Errno ${n}] ${s}: '${p}'`;
}

// varexpand(): expansion of one value that shlex has already unquoted.
export function varexpand(s, map = {}, errorLeader = null) {
  const chars = Array.from(s);
  const n = chars.length;
  const out = [];
  let insing = false;
  let indoub = false;
  let pos = 0;
  const fail = (msg) => { err(`${errorLeader ? errorLeader() : ''}${msg}\n`); return ''; };
  while (pos < n) {
    const c = chars[pos];
    if (c === "'") { out.push(c); if (!indoub) insing = !insing; pos++; continue; }
    if (c === '"') { out.push(c); if (!insing) indoub = !indoub; pos++; continue; }
    if (insing) { out.push(c); pos++; continue; }
    if (c === '\n') { out.push(' '); pos++; continue; }
    if (c === '\\') {
      if (pos + 1 >= n) { out.push(c); break; }
      const d = chars[pos + 1];
      pos += 2;
      if (d === '$') out.push(d);
      else if (d === '\\') {
        out.push(d);
        if (pos < n && (chars[pos] === "'" || chars[pos] === '"' || chars[pos] === '$')) out.push(chars[pos++]);
      } else if (d !== '\n') out.push(c, d);
      continue;
    }
    if (c === '$') {
      pos++;
      if (pos === n) { out.push(c); continue; }
      const braced = chars[pos] === '{';
      if (braced) { pos++; if (pos === n) return fail("unexpected EOF while looking for matching `}'"); }
      const start = pos;
      while (NAME_CHARS.test(chars[pos])) {
        if (pos + 1 >= n) {
          if (braced) return fail("unexpected EOF while looking for matching `}'");
          pos++;
          break;
        }
        pos++;
      }
      const name = chars.slice(start, pos).join('');
      if (braced) {
        if (chars[pos] !== '}') return fail("unexpected EOF while looking for matching `}'");
        pos++;
      }
      if (!name) return fail(`$${braced ? '{}' : ''}: bad substitution`);
      if (Object.hasOwn(map, name)) out.push(map[name]);
      continue;
    }
    out.push(c);
    pos++;
  }
  return out.join('');
}

// _recursive_file_list(): a file, or a directory's files in name order, depth first.
export function recursiveFileList(p) {
  const files = [];
  const stack = [[path.dirname(p), path.basename(p)]];
  const keep = (f) => !f.startsWith('.') && !f.endsWith('~');
  while (stack.length) {
    const [parent, fname] = stack.pop();
    const full = path.join(parent, fname);
    let st;
    try { st = fs.statSync(full); } catch (e) { if (e.code === 'EACCES') throw new PermissionDenied(p); continue; }
    if (st.isDirectory()) {
      if (VCS_DIRS.has(fname) || !keep(fname)) continue;
      let children;
      try { children = fs.readdirSync(full); } catch (e) { if (e.code === 'EACCES') throw new PermissionDenied(p); continue; }
      children.sort().reverse();
      for (const c of children) stack.push([full, c]);
    } else if (st.isFile() && keep(fname)) files.push(full);
  }
  return files;
}

const INVALID_VAR_NAME = /^\d|[^A-Za-z0-9_]/;

/**
 * getconfig(): the assignments of one config file (or, recursive, of a directory of
 * them), null when there is none. `expand` is the expand map (updated as assignments are
 * read) or false; `tolerant` prints errors instead of raising ParseError.
 */
export function getconfig(file, { tolerant = false, allowSourcing = false, expand = true, recursive = false } = {}) {
  let expandMap = {};
  let doExpand = expand !== false;
  if (expand && typeof expand === 'object') { expandMap = expand; doExpand = true; }
  if (recursive) {
    const files = recursiveFileList(file);
    if (!files.length) return null;
    const keys = {};
    for (const f of files) Object.assign(keys, getconfig(f, { tolerant, allowSourcing, expand: doExpand ? expandMap : false }) || {});
    return keys;
  }
  let content;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e.code === 'EACCES') throw new PermissionDenied(file);
    if (e.code !== 'ENOENT') {
      err(`open('${file}', 'r'): ${pyOSError(e, file)}\n`);
      if (e.code !== 'EISDIR') throw new FatalConfigError(`open('${file}', 'r'): ${pyOSError(e, file)}`, 'OSError');
    }
    return null;
  }
  // Python reads text files with universal newlines: \r\n and \r are \n (so getconfig's
  // dos2unix warning never shows).
  content = content.replace(/\r\n?/g, '\n');
  if (content && !content.endsWith('\n')) content += '\n';
  const keys = {};
  const lex = new Lexer(content, file, { tolerant, expandMap, allowSourcing });
  const problem = (msg) => {
    if (!tolerant) throw new ParseError(msg);
    err(`${msg}\n`);
  };
  try {
    for (;;) {
      let key = lex.getToken();
      if (key === 'export') key = lex.getToken();
      if (key === null) break;
      const equ = lex.getToken();
      if (!equ) { problem(`${lex.errorLeader()}Unexpected EOF`); return keys; }
      if (equ !== '=') { problem(`${lex.errorLeader()}Invalid token '${equ}' (not '=')`); return keys; }
      const val = lex.getToken();
      if (val === null) { problem(`${lex.errorLeader()}Unexpected end of config file: variable '${key}'`); return keys; }
      if (INVALID_VAR_NAME.test(key)) { problem(`${lex.errorLeader()}Invalid variable name '${key}'`); continue; }
      if (doExpand) {
        keys[key] = varexpand(val, expandMap, () => lex.errorLeader());
        expandMap[key] = keys[key];
      } else keys[key] = val;
    }
  } catch (e) {
    if (e instanceof ShlexValueError) {
      err(`${lex.errorLeader()}${e.message}\n`);
      throw new FatalConfigError(e.message, e.pyName);
    }
    throw e;
  }
  return keys;
}

// ---------------------------------------------------------------------------
// Atoms (lib/portage/dep/__init__.py, as far as package.env and the repository need).
// ---------------------------------------------------------------------------
const VERSION_RE = '(\\d+(?:\\.\\d+)*[a-z]?(?:_(?:alpha|beta|pre|rc|p)\\d*)*(?:-r\\d+)?)';
export function parseAtom(s, { allowWildcard = false } = {}) {
  let m = /^([<>]=?|=|~)?(.*)$/.exec(s);
  const op = m[1] || null;
  let rest = m[2];
  let repo = null;
  let slot = null;
  const ri = rest.indexOf('::');
  if (ri >= 0) { repo = rest.slice(ri + 2); rest = rest.slice(0, ri); if (!/^[\w][\w-]*$/.test(repo)) return null; }
  const si = rest.indexOf(':');
  if (si >= 0) { slot = rest.slice(si + 1); rest = rest.slice(0, si); if (!/^[\w+][\w+.\-/=*]*$/.test(slot)) return null; }
  let cat = null;
  const slash = rest.indexOf('/');
  if (slash >= 0) { cat = rest.slice(0, slash); rest = rest.slice(slash + 1); }
  const nameRe = allowWildcard ? /^[\w+*][\w+*-]*$/ : /^[\w+][\w+-]*$/;
  if (cat !== null && !(allowWildcard ? /^[\w+*][\w+.*-]*$/ : /^[\w+][\w+.-]*$/).test(cat)) return null;
  let pn = rest;
  let ver = null;
  let glob = false;
  if (op) {
    m = new RegExp(`^(.+?)-${VERSION_RE}(\\*)?$`).exec(rest);
    if (!m) return null;
    pn = m[1]; ver = m[2]; glob = Boolean(m[3]);
    if (glob && op !== '=') return null;
  } else if (new RegExp(`-${VERSION_RE}$`).test(rest) && !allowWildcard) {
    // "hello-1.0" without an operator is not a valid atom.
    return null;
  }
  if (!nameRe.test(pn)) return null;
  const wildcard = (cat !== null && cat.includes('*')) || pn.includes('*');
  return { op, cat, pn, ver, glob, slot, repo, wildcard, text: s };
}
export function vercmp(a, b) {
  const pa = a.split(/[.-]/); const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0'; const y = pb[i] ?? '0';
    const nx = parseInt(x, 10); const ny = parseInt(y, 10);
    if (nx !== ny) return nx < ny ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
export function atomMatches(atom, cp, version) {
  const [cat, pn] = cp.split('/');
  const wild = (pat, v) => new RegExp(`^${pat.replace(/[.+]/g, '\\$&').replace(/\*/g, '.*')}$`).test(v);
  if (atom.cat !== null && !wild(atom.cat, cat)) return false;
  if (!wild(atom.pn, pn)) return false;
  if (atom.slot !== null && atom.slot !== '0' && !atom.slot.startsWith('0/') && atom.slot !== '*' && atom.slot !== '=') return false;
  if (atom.repo !== null && atom.repo !== REPO_NAME) return false;
  if (atom.op) {
    const c = vercmp(version, atom.ver);
    switch (atom.op) {
      case '=': if (atom.glob ? !(version === atom.ver || version.startsWith(`${atom.ver}.`) || version.startsWith(atom.ver)) : c !== 0) return false; break;
      case '~': if (vercmp(version.replace(/-r\d+$/, ''), atom.ver.replace(/-r\d+$/, '')) !== 0) return false; break;
      case '>': if (c <= 0) return false; break;
      case '>=': if (c < 0) return false; break;
      case '<': if (c >= 0) return false; break;
      case '<=': if (c > 0) return false; break;
      default: return false;
    }
  }
  return true;
}
// best_match_to_list()'s ranking of one matching atom.
function atomSpecificity(atom) {
  if (atom.wildcard) return atom.glob ? 0 : atom.slot !== null ? -1 : -2;
  const op = atom.glob ? 4 : { '=': 6, '~': 5, '>': 2, '<': 2, '>=': 2, '<=': 2 }[atom.op] ?? 1;
  return atom.slot !== null ? Math.max(3, op) : op;
}

// ---------------------------------------------------------------------------
// Settings: the config layers (lib/portage/package/ebuild/config.py).
// ---------------------------------------------------------------------------
export class Settings {
  constructor(base, pkgLayer = {}, { quiet = false } = {}) {
    this.base = base;
    this.quiet = quiet;
    this.layers = [
      ['env.d', base.envd], ['globals', base.globals], ['defaults', base.defaults],
      ['conf', base.conf], ['pkg', pkgLayer], ['env', base.env],
    ];
    this.overrides = {}; // values Portage sets itself (mysettings[...] = ...); undefined: popped
    this.featuresOverrides = [...base.featuresOverrides];
    this.regenerate();
  }

  regenerate() {
    this.incr = {};
    // ACCEPT_LICENSE, ACCEPT_PROPERTIES, ACCEPT_RESTRICT: every layer's words, from the
    // last `*` or after the last `-*` (prune_incremental); ACCEPT_LICENSE defaults to
    // "* -@EULA".
    for (const key of ['ACCEPT_LICENSE', 'ACCEPT_PROPERTIES', 'ACCEPT_RESTRICT']) {
      let words = this.layers.flatMap(([, l]) => (l[key] || '').split(/\s+/).filter(Boolean));
      for (let i = words.length - 1; i >= 0; i--) {
        if (words[i] === '*') { words = words.slice(i); break; }
        if (words[i] === '-*') { words = i === words.length - 1 ? ['-*'] : words.slice(i + 1); break; }
      }
      this.incr[key] = words.join(' ') || (key === 'ACCEPT_LICENSE' ? '* -@EULA' : '');
    }
    for (const key of INCREMENTALS) {
      const flags = new Set();
      let seen = false;
      const lists = this.layers.map(([, l]) => l[key]).filter((v) => v !== undefined);
      if (key === 'FEATURES') lists.push(this.featuresOverrides.join(' '));
      for (const v of lists) {
        seen = true;
        for (let x of v.split(/\s+/).filter(Boolean)) {
          if (x === '-*') { flags.clear(); continue; }
          if (x[0] === '+') { if (!this.quiet) err(`${colorBad(`${key} values should not start with a '+': ${x}`)}\n`); x = x.slice(1); if (!x) continue; }
          if (x[0] === '-') { flags.delete(x.slice(1)); continue; }
          flags.add(x);
        }
      }
      if (flags.size || seen) this.incr[key] = [...flags].sort().join(' ');
    }
    // features_set._validate(): unknown-features-warn.
    const features = this.features;
    if (!this.quiet && features.has('unknown-features-warn')) {
      const unknown = [...features].filter((f) => !SUPPORTED_FEATURES.has(f) && !unknownFeaturesWarned.has(f)).sort();
      for (const f of unknown) unknownFeaturesWarned.add(f);
      if (unknown.length) err(`${colorBad(`FEATURES variable contains unknown value(s): ${unknown.join(', ')}`)}\n`);
    }
  }

  get features() { return new Set((this.get('FEATURES') || '').split(' ').filter(Boolean)); }
  removeFeature(f) { this.featuresOverrides.push(`-${f}`); this.regenerate(); }

  get(key) {
    if (Object.hasOwn(this.overrides, key)) return this.overrides[key];
    if (INCREMENTALS.has(key) || LAZY_INCREMENTALS.has(key)) return this.incr[key];
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const v = this.layers[i][1][key];
      if (v !== undefined) return v;
    }
    if (DEPRECATED_KEYS[key]) return this.get(DEPRECATED_KEYS[key]);
    return undefined;
  }

  set(key, value) { this.overrides[key] = value; }
  unset(key) { this.overrides[key] = undefined; }
  has(key) { return this.get(key) !== undefined; }

  keys() {
    const ks = new Set(Object.keys(this.overrides));
    for (const [, l] of this.layers) for (const k of Object.keys(l)) ks.add(k);
    for (const k of LAZY_INCREMENTALS) ks.add(k);
    return [...ks].filter((k) => this.get(k) !== undefined);
  }
}

function getent(db, key) {
  const r = spawnSync('getent', [db, String(key)], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout) return null;
  return r.stdout.split('\n')[0].split(':');
}
function firstExisting(p) {
  for (let q = p; ; q = path.dirname(q)) {
    try { fs.lstatSync(q); return q; } catch { if (q === '/' || q === '.') return q; }
  }
}

/**
 * The global configuration (portage.settings / emerge's target config) from an
 * environment: PORTAGE_CONFIGROOT and EPREFIX in it are config.__init__'s config_root and
 * eprefix arguments, PORTAGE_OVERRIDE_EPREFIX is portage.const.EPREFIX.
 */
export function loadBaseConfig(env, { tolerant = false } = {}) {
  // LocationsManager
  const ownEprefix = constEprefix(env);
  let eprefix = env.EPREFIX;
  if (eprefix === undefined) eprefix = ownEprefix;
  else if (eprefix) { eprefix = normalizePath(eprefix); if (eprefix === '/') eprefix = ''; }
  let configRoot = env.PORTAGE_CONFIGROOT;
  if (configRoot === undefined) configRoot = `${ownEprefix}/`;
  configRoot = `${normalizePath(pyAbspath(configRoot || '/')).replace(/\/+$/, '')}/`;
  if (!isDir(configRoot)) {
    err(`!!! Error: PORTAGE_CONFIGROOT='${configRoot}' is not a directory. Please correct this.\n`);
    throw new FatalConfigError(configRoot, 'portage.exception.DirectoryNotFound');
  }
  const broot = ownEprefix;
  const root = '/';
  const sysroot = '/';
  const eroot = `${root.replace(/\/+$/, '')}${eprefix}/`;
  const esysroot = `${sysroot.replace(/\/+$/, '')}${eprefix}/`;
  const absUserConfig = path.join(configRoot, 'etc/portage');

  // make.conf, first read (Portage reads it once for ROOT, then again below).
  const makeConfPaths = [path.join(configRoot, 'etc', 'make.conf'), path.join(configRoot, 'etc/portage/make.conf')];
  try {
    const [a, b] = makeConfPaths.map((p) => fs.statSync(p));
    if (a.dev === b.dev && a.ino === b.ino) makeConfPaths.pop();
  } catch { /* one is missing */ }
  const firstPass = {};
  let count = 0;
  for (const p of makeConfPaths) {
    const c = getconfig(p, { tolerant, allowSourcing: true, expand: firstPass, recursive: true });
    if (c !== null) { Object.assign(firstPass, c); count++; }
  }
  if (count === 2) err(`!!! Found 2 make.conf files, using both '${makeConfPaths[0]}' and '${makeConfPaths[1]}'\n`);

  const envd = { PATH: ENV_D_PATH };
  const expandMap = { ...envd, BROOT: broot, EPREFIX: eprefix, EROOT: eroot, ESYSROOT: esysroot,
    PORTAGE_CONFIGROOT: configRoot, ROOT: root, SYSROOT: sysroot };
  const globals = { ...MAKE_GLOBALS };
  Object.assign(expandMap, globals);
  delete expandMap.USE;
  const defaults = { ...PROFILE_DEFAULTS };
  Object.assign(expandMap, defaults);
  let conf = {};
  for (const p of makeConfPaths) Object.assign(conf, getconfig(p, { tolerant, allowSourcing: true, expand: expandMap, recursive: true }) || {});
  conf = Object.fromEntries(Object.entries(conf).filter(([k]) => !k.startsWith('__')));

  // The calling environment (backupenv): minus values equal to env.d's.
  const callingEnv = {};
  for (const [k, v] of Object.entries(env)) {
    // STANDIN_* steer the stand-ins themselves and never reach the build.
    if (k.startsWith('STANDIN_') || envd[k] === v) continue;
    callingEnv[k] = v;
  }
  for (const layer of [envd, globals, defaults, conf, callingEnv]) for (const k of ENV_BLACKLIST) delete layer[k];

  const base = { configRoot, eprefix, broot, eroot, envd, globals, defaults, conf, env: callingEnv,
    expandMap, penv: [], featuresOverrides: [], tolerant, absUserConfig };
  const set = (k, v) => { callingEnv[k] = v; };
  // Lookups while config.__init__ goes on (set() writes into the layer this one reads).
  const probe = new Settings(base, {}, { quiet: true });
  const s = () => probe;
  set('PORTAGE_CONFIGROOT', configRoot); set('ROOT', root); set('SYSROOT', sysroot);
  set('EPREFIX', eprefix); set('EROOT', eroot); set('ESYSROOT', esysroot); set('BROOT', broot);
  set('PORTAGE_OVERRIDE_EPREFIX', ownEprefix);
  // The only repository: PORTDIR is the main repository, no overlays.
  set('PORTDIR', REPO_PATH); set('PORTDIR_OVERLAY', '');
  expandMap.PORTDIR = REPO_PATH; expandMap.PORTDIR_OVERLAY = '';

  // package.env; `*/*` joins the make.conf layer.
  const penvFile = path.join(absUserConfig, 'package.env');
  const byAtom = new Map();
  for (const f of recursiveFileList(penvFile)) {
    let text;
    try { text = fs.readFileSync(f, 'utf8'); } catch { continue; }
    for (const line of text.split('\n')) {
      if (!line || line[0] === '#') continue;
      const words = [];
      for (const w of line.split(/\s+/).filter(Boolean)) { if (w[0] === '#') break; words.push(w); }
      if (!words.length) continue;
      const atom = parseAtom(words[0], { allowWildcard: true });
      if (!atom || atom.cat === null) { err(`--- Invalid atom in ${f}: ${words[0]}\n`); continue; }
      if (!byAtom.has(words[0])) byAtom.set(words[0], { atom, files: [] });
      byAtom.get(words[0]).files.push(...words.slice(1));
    }
  }
  const all = byAtom.get('*/*');
  byAtom.delete('*/*');
  if (all) {
    const c = grabPkgEnv(base, all.files);
    for (const [k, v] of Object.entries(c)) {
      conf[k] = INCREMENTALS.has(k) && conf[k] !== undefined ? `${conf[k]} ${v}` : v;
      expandMap[k] = v;
    }
  }
  base.penv = [...byAtom.values()];

  // The rest of config.__init__.
  if (!s().has('USE_ORDER')) set('USE_ORDER', 'env:pkg:conf:defaults:pkginternal:features:repo:env.d');
  if (!s().has('CBUILD') && s().has('CHOST')) set('CBUILD', s().get('CHOST'));
  if (!s().has('USERLAND')) set('USERLAND', 'GNU');
  const inst = { PORTAGE_INST_GID: '0', PORTAGE_INST_UID: '0' };
  let unprivileged = false;
  let erootSt = null;
  try { erootSt = fs.statSync(firstExisting(eroot)); } catch { /* none */ }
  if (erootSt) {
    let writable = false;
    try { fs.accessSync(firstExisting(eroot), fs.constants.W_OK); writable = true; } catch { /* no */ }
    if (process.getuid() !== 0 && writable && !(erootSt.mode & 0o002)) {
      unprivileged = true;
      inst.PORTAGE_INST_GID = String(erootSt.gid);
      inst.PORTAGE_INST_UID = String(erootSt.uid);
      if (!s().has('PORTAGE_USERNAME')) { const pw = getent('passwd', erootSt.uid); if (pw) set('PORTAGE_USERNAME', pw[0]); }
      if (!s().has('PORTAGE_GRPNAME')) { const gr = getent('group', erootSt.gid); if (gr) set('PORTAGE_GRPNAME', gr[0]); }
    } else {
      if (!s().has('PORTAGE_USERNAME')) set('PORTAGE_USERNAME', 'portage');
      if (!s().has('PORTAGE_GRPNAME')) set('PORTAGE_GRPNAME', 'portage');
    }
  }
  for (const [k, dflt] of Object.entries(inst)) {
    const v = s().get(k) ?? dflt;
    if (/^\s*[+-]?\d+\s*$/.test(v)) set(k, String(parseInt(v, 10)));
    else {
      err(`!!! ${k}='${v}' is not a valid integer.  Falling back to ${dflt}.\n`);
      set(k, dflt);
    }
  }
  set('PORTAGE_DEPCACHEDIR', s().get('PORTAGE_DEPCACHEDIR') ?? path.join('/', ownEprefix, DEPCACHE_PATH));
  set('PORTAGE_INTERNAL_CALLER', '1');
  if (unprivileged) base.featuresOverrides.push('unprivileged');
  for (const k of CASE_INSENSITIVE_VARS) { const v = s().get(k); if (v !== undefined) set(k, v.toLowerCase()); }
  return base;
}

// config._grab_pkg_env(): the package.env files of one package.
export function grabPkgEnv(base, files) {
  const container = {};
  const expandMap = { ...base.expandMap };
  for (const name of files) {
    const file = path.join(base.absUserConfig, 'env', name);
    const c = getconfig(file, { tolerant: base.tolerant, allowSourcing: true, expand: expandMap });
    if (c === null) {
      err(`!!! ${path.join(base.absUserConfig, 'package.env')} references non-existent file: ${file}\n`);
      continue;
    }
    for (const [k, v] of Object.entries(c)) {
      if (ENV_BLACKLIST.has(k) || GLOBAL_ONLY_VARS.has(k)) { err(`!!! Illegal variable '${k}' assigned in '${file}'\n`); continue; }
      container[k] = INCREMENTALS.has(k) && container[k] !== undefined ? `${container[k]} ${v}` : v;
    }
  }
  return container;
}

// setcpv(): the settings of one package, package.env applied least specific atom first.
export function settingsForPackage(base, cp, version) {
  const matches = base.penv.filter((e) => atomMatches(e.atom, cp, version));
  const ordered = [];
  const left = [...matches];
  while (left.length) {
    let best = 0;
    for (let i = 1; i < left.length; i++) if (atomSpecificity(left[i].atom) > atomSpecificity(left[best].atom)) best = i;
    ordered.push(left.splice(best, 1)[0]);
  }
  const files = ordered.reverse().flatMap((e) => e.files);
  return new Settings(base, files.length ? grabPkgEnv(base, files) : {});
}

