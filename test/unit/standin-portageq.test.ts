import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// The portageq stand-in (test/emerge-standin/portageq) run as a real program, the way
// demerge runs Portage's: `portageq envvar -v VAR...` with a temporary PORTAGE_CONFIGROOT.

const PORTAGEQ = join(import.meta.dirname, '../emerge-standin/portageq');
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A config root with the given files (paths relative to it). */
function configRoot(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'demerge-portageq-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** portageq with only PATH (for node) and the given environment. */
function portageq(args: string[], env: Record<string, string>): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(PORTAGEQ, args, {
    env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, ...env },
    encoding: 'utf8',
  });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

const envvar = (vars: string[], env: Record<string, string>) => portageq(['envvar', '-v', ...vars], env);

describe('portageq envvar -v quoting (shlex.quote)', () => {
  it.each([
    ['-O2', 'V=-O2\n'],
    ['@%+=:,./-_azAZ09', 'V=@%+=:,./-_azAZ09\n'],
    ['', "V=''\n"],
    ['-O2 -pipe', "V='-O2 -pipe'\n"],
    ["it's", "V='it'\"'\"'s'\n"],
    ["'", "V=''\"'\"''\n"],
    ['a\nb', "V='a\nb'\n"],
    ['héllo', "V='héllo'\n"],
    ['tab\there', "V='tab\there'\n"],
    ['$HOME `x` "y" \\z', 'V=\'$HOME `x` "y" \\z\'\n'],
  ])('%j', (value, expected) => {
    const result = envvar(['V'], { PORTAGE_CONFIGROOT: configRoot(), V: value });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(expected);
  });

  it('prints a value with newlines across lines, the others after it', () => {
    const result = envvar(['FOO', 'BAR'], { PORTAGE_CONFIGROOT: configRoot(), FOO: 'one\ntwo\n', BAR: 'b' });
    expect(result.stdout).toBe("FOO='one\ntwo\n'\nBAR=b\n");
  });

  it('without -v prints the bare values, one per line', () => {
    const result = portageq(['envvar', 'FOO', 'BAR'], { PORTAGE_CONFIGROOT: configRoot(), FOO: 'x y', BAR: '' });
    expect(result).toMatchObject({ status: 0, stdout: 'x y\n\n' });
  });

  it('takes -v anywhere on the command line', () => {
    const result = portageq(['-v', 'envvar', 'FOO'], { PORTAGE_CONFIGROOT: configRoot(), FOO: 'x y' });
    expect(result.stdout).toBe("FOO='x y'\n");
  });
});

describe('portageq envvar status', () => {
  it('prints an unset variable as empty and exits 1, the others still printed', () => {
    const result = envvar(['CFLAGS', 'EMERGE_LOG_DIR', 'PORTAGE_TMPDIR'], { PORTAGE_CONFIGROOT: configRoot() });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("CFLAGS='-O2 -pipe'\nEMERGE_LOG_DIR=''\nPORTAGE_TMPDIR=/var/tmp\n");
  });

  it('exits 0 when every variable is set', () => {
    expect(envvar(['CHOST', 'PORTAGE_TMPDIR'], { PORTAGE_CONFIGROOT: configRoot() }).status).toBe(0);
  });

  it('says "insufficient parameters" and exits 2 without a variable', () => {
    const result = envvar([], { PORTAGE_CONFIGROOT: configRoot() });
    expect(result).toMatchObject({ status: 2, stdout: 'ERROR: insufficient parameters!\n' });
  });

  it('refuses other portageq commands with status 1', () => {
    const result = portageq(['get_repos', '/'], { PORTAGE_CONFIGROOT: configRoot() });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('envvar');
  });
});

describe('portageq envvar values', () => {
  it('has make.globals and profile defaults, and leaves per-build defaults unset', () => {
    const vars = [
      'CFLAGS',
      'CXXFLAGS',
      'FCFLAGS',
      'FFLAGS',
      'LDFLAGS',
      'CHOST',
      'PORTAGE_TMPDIR',
      'EMERGE_LOG_DIR',
      'EMERGE_DEFAULT_OPTS',
      'DISTCC_DIR',
      'MAKEOPTS',
      'DISTCC_HOSTS',
    ];
    const result = envvar(vars, { PORTAGE_CONFIGROOT: configRoot() });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(
      [
        "CFLAGS='-O2 -pipe'",
        "CXXFLAGS='-O2 -pipe'",
        "FCFLAGS='-O2 -pipe'",
        "FFLAGS='-O2 -pipe'",
        "LDFLAGS='-Wl,-O1 -Wl,--as-needed'",
        'CHOST=x86_64-linux-gnu',
        'PORTAGE_TMPDIR=/var/tmp',
        "EMERGE_LOG_DIR=''",
        "EMERGE_DEFAULT_OPTS=''",
        "DISTCC_DIR=''",
        "MAKEOPTS=''",
        "DISTCC_HOSTS=''",
        '',
      ].join('\n'),
    );
  });

  it('reads make.conf, and the calling environment beats it', () => {
    const root = configRoot({
      'etc/portage/make.conf':
        'CFLAGS="-O3 -march=x86-64-v3"\nCXXFLAGS="${CFLAGS}"\nEMERGE_LOG_DIR=/var/log/portage\nMAKEOPTS="-j3"\nDISTCC_DIR="/var/tmp/dcc"\nFEATURES="-userpriv"\n',
    });
    const vars = ['CFLAGS', 'CXXFLAGS', 'EMERGE_LOG_DIR', 'MAKEOPTS', 'DISTCC_DIR'];
    expect(envvar(vars, { PORTAGE_CONFIGROOT: root }).stdout).toBe(
      "CFLAGS='-O3 -march=x86-64-v3'\nCXXFLAGS='-O3 -march=x86-64-v3'\nEMERGE_LOG_DIR=/var/log/portage\nMAKEOPTS=-j3\nDISTCC_DIR=/var/tmp/dcc\n",
    );
    expect(envvar(['CFLAGS', 'MAKEOPTS'], { PORTAGE_CONFIGROOT: root, CFLAGS: '-Os', MAKEOPTS: '' }).stdout).toBe("CFLAGS=-Os\nMAKEOPTS=''\n");
    const features = envvar(['FEATURES'], { PORTAGE_CONFIGROOT: root, FEATURES: 'distcc' }).stdout;
    expect(features).toContain(' distcc ');
    expect(features).not.toContain('userpriv ');
    expect(features).toContain('usersandbox');
  });

  it('reads make.conf as Portage: newlines become spaces, ${VAR} from the config files only', () => {
    const root = configRoot({ 'etc/portage/make.conf': 'CFLAGS="-O2\n  -pipe"\nFOO="${HOME}:${CHOST}"\n' });
    expect(envvar(['CFLAGS', 'FOO'], { PORTAGE_CONFIGROOT: root, HOME: '/home/x' }).stdout).toBe("CFLAGS='-O2   -pipe'\nFOO=:x86_64-linux-gnu\n");
  });

  it('never takes Portage-internal variables from the environment or make.conf', () => {
    const root = configRoot({ 'etc/portage/make.conf': 'EPREFIX=/mc\nA=a\n' });
    expect(envvar(['EPREFIX', 'A'], { PORTAGE_CONFIGROOT: root, A: 'env' })).toMatchObject({ status: 1, stdout: "EPREFIX=''\nA=''\n" });
  });

  it('reads a make.conf directory in name order, skipping hidden and backup files', () => {
    const root = configRoot({
      'etc/portage/make.conf/10-base': 'CFLAGS="-O1"\nLDFLAGS="-Wl,-O1"\n',
      'etc/portage/make.conf/20-sub/flags': 'CFLAGS="${CFLAGS} -g"\n',
      'etc/portage/make.conf/30-last': 'CFLAGS="${CFLAGS} -pipe"\n',
      'etc/portage/make.conf/30-last~': 'CFLAGS=backup\n',
      'etc/portage/make.conf/.hidden': 'CFLAGS=hidden\n',
    });
    expect(envvar(['CFLAGS', 'LDFLAGS'], { PORTAGE_CONFIGROOT: root }).stdout).toBe("CFLAGS='-O1 -g -pipe'\nLDFLAGS=-Wl,-O1\n");
  });

  it('applies only the */* entries of package.env (no package is selected)', () => {
    const root = configRoot({
      'etc/portage/make.conf': 'CFLAGS="-O2"\n',
      'etc/portage/package.env': '*/* all.conf\ndev-util/hello hello.conf\n',
      'etc/portage/env/all.conf': 'CFLAGS="${CFLAGS} -fall"\n',
      'etc/portage/env/hello.conf': 'CFLAGS="-Ohello"\n',
    });
    expect(envvar(['CFLAGS'], { PORTAGE_CONFIGROOT: root }).stdout).toBe("CFLAGS='-O2 -fall'\n");
  });

  it('prints every variable with a prefix for VAR*, sorted', () => {
    const root = configRoot({ 'etc/portage/make.conf': 'EMERGE_DEFAULT_OPTS="--jobs 2"\n' });
    const result = envvar(['EMERGE_*', 'NO_SUCH_PREFIX_*'], { PORTAGE_CONFIGROOT: root });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("EMERGE_DEFAULT_OPTS='--jobs 2'\nEMERGE_WARNING_DELAY=10\n");
  });

  it('reports a config root that is not a directory', () => {
    const result = envvar(['CFLAGS'], { PORTAGE_CONFIGROOT: join(configRoot(), 'missing') });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('is not a directory. Please correct this.');
    expect(result.stdout).toBe('');
  });
});

describe('portageq envvar and EPREFIX', () => {
  const layout = ['EPREFIX', 'BROOT', 'EROOT', 'ESYSROOT', 'ROOT', 'PORTAGE_CONFIGROOT', 'PORTAGE_OVERRIDE_EPREFIX'];

  it('without Prefix: EPREFIX and BROOT empty, EROOT and ROOT /', () => {
    const root = configRoot();
    expect(envvar(layout, { PORTAGE_CONFIGROOT: root }).stdout).toBe(
      `EPREFIX=''\nBROOT=''\nEROOT=/\nESYSROOT=/\nROOT=/\nPORTAGE_CONFIGROOT=${root}/\nPORTAGE_OVERRIDE_EPREFIX=''\n`,
    );
  });

  it('PORTAGE_OVERRIDE_EPREFIX is EPREFIX and BROOT, and the config root defaults to it', () => {
    const prefix = configRoot({ 'etc/portage/make.conf': 'CFLAGS="-Oprefix"\n' });
    const result = envvar([...layout, 'CFLAGS', 'PORTAGE_TMPDIR'], { PORTAGE_OVERRIDE_EPREFIX: `${prefix}/` });
    expect(result.stdout).toBe(
      `EPREFIX=${prefix}\nBROOT=${prefix}\nEROOT=${prefix}/\nESYSROOT=${prefix}/\nROOT=/\nPORTAGE_CONFIGROOT=${prefix}/\nPORTAGE_OVERRIDE_EPREFIX=${prefix}\nCFLAGS=-Oprefix\nPORTAGE_TMPDIR=/var/tmp\n`,
    );
  });

  it('an explicit PORTAGE_CONFIGROOT wins over the Prefix one', () => {
    const prefix = configRoot({ 'etc/portage/make.conf': 'CFLAGS="-Oprefix"\n' });
    const root = configRoot({ 'etc/portage/make.conf': 'CFLAGS="-Oroot"\n' });
    expect(envvar(['CFLAGS', 'PORTAGE_CONFIGROOT'], { PORTAGE_OVERRIDE_EPREFIX: prefix, PORTAGE_CONFIGROOT: root }).stdout).toBe(
      `CFLAGS=-Oroot\nPORTAGE_CONFIGROOT=${root}/\n`,
    );
  });

  it('the EPREFIX environment variable is only the target prefix, not BROOT', () => {
    const root = configRoot();
    expect(envvar(['EPREFIX', 'BROOT', 'EROOT'], { PORTAGE_CONFIGROOT: root, EPREFIX: '/opt/gentoo' }).stdout).toBe(
      "EPREFIX=/opt/gentoo\nBROOT=''\nEROOT=/opt/gentoo/\n",
    );
  });

  it('PORTAGE_OVERRIDE_EPREFIX=/ is no prefix', () => {
    const root = configRoot();
    expect(envvar(['EPREFIX', 'BROOT'], { PORTAGE_CONFIGROOT: root, PORTAGE_OVERRIDE_EPREFIX: '/' }).stdout).toBe("EPREFIX=''\nBROOT=''\n");
  });
});
