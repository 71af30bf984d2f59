import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, loadConfig, parseConfigText } from '../../src/config/index.js';

// Installing demerge: the release tarball made from a fresh copy of the tree, installed with
// `npm install -g` into an empty prefix (scripts/check-install.sh), and the Gentoo ebuild's
// src_install on that tarball and the dependency tarball (packaging/gentoo/check-ebuild.sh).

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  license: string;
  files: string[];
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};
const ebuildPath = join(root, 'packaging/gentoo/app-portage/demerge', `demerge-${pkg.version}.ebuild`);
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

describe('npm pack and npm install -g of the tarball', () => {
  let work: string;
  let result: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'demerge-install-'));
    try {
      const { stdout, stderr } = await promisify(execFile)('bash', ['scripts/check-install.sh', work], {
        cwd: root,
        maxBuffer: 64 * 1024 * 1024,
        timeout: 600_000,
      });
      result = { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      result = { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
    }
  }, 620_000);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  const line = (text: string): string | undefined => result.stdout.split('\n').find((l) => l.startsWith(`ok    ${text}`));

  it('scripts/check-install.sh passes', () => {
    expect(result.stdout + result.stderr.slice(-4000)).toContain('check-install: all ok');
    expect(result.code).toBe(0);
  });

  it('npm pack builds dist/ in a copy without node_modules and dist, and the tarball holds no sources or tests', () => {
    expect(result.stderr).toContain('prepack: TypeScript is not installed');
    expect(line('npm pack in a fresh copy')).toBeDefined();
    expect(line(`demerge-${pkg.version}.tgz: bin, dist, man, completions, examples; no sources`)).toBeDefined();
  });

  it('the installed demerge answers --version and --help, and man -l reads its installed page', () => {
    expect(line('installed demerge --version')).toBe(`ok    installed demerge --version: demerge ${pkg.version}`);
    expect(line('installed demerge --help')).toMatch(/^ok {4}installed demerge --help: demerge [0-9.]+: emerge with distcc over SSH/);
    expect(line('man -l PREFIX/share/man/man1/demerge.1')).toContain('demerge - emerge with distcc over SSH');
    expect(line('completions and the example configuration installed')).toBeDefined();
  });

  it("the ebuild's src_install on the two tarballs gives a working /usr/bin/demerge", () => {
    expect(result.stdout).toContain('check-ebuild: all ok');
    expect(line('src_install into a scratch image')).toBeDefined();
    expect(line('the image: /usr/bin/demerge, the man page, bash and zsh completions')).toBeDefined();
    expect(line(`the image's demerge --version (demerge ${pkg.version}), --help, and every dependency loads`)).toBeDefined();
  });
});

describe('package.json', () => {
  it('builds on npm pack and ships what npm and the ebuild install', () => {
    expect(pkg.scripts['prepack']).toBe('node scripts/prepack.mjs');
    expect(read('scripts/prepack.mjs')).toContain("'run', '--silent', 'build'");
    expect(pkg.files).toEqual(expect.arrayContaining(['bin/', 'dist/', 'man/', 'completions/', 'examples/']));
  });

  it('keeps dist/ out of git', () => {
    expect(read('.gitignore').split('\n')).toContain('dist/');
    const tracked = spawnSync('git', ['ls-files', 'dist'], { cwd: root, encoding: 'utf8' });
    expect(tracked.status === 0 ? tracked.stdout : '').toBe('');
  });
});

describe('the ebuild', () => {
  const ebuild = readFileSync(ebuildPath, 'utf8');
  const variable = (name: string): string => {
    const match = new RegExp(`^${name}="([^"]*)"`, 'm').exec(ebuild);
    return match?.[1]?.trim() ?? '';
  };

  it("is for package.json's version, and bash reads it (bash -n)", () => {
    const checked = spawnSync('bash', ['-n', ebuildPath], { encoding: 'utf8' });
    expect(checked.stderr).toBe('');
    expect(checked.status).toBe(0);
  });

  it("follows Gentoo's conventions: EAPI 8, ~amd64, the licence, both tarballs, the dependencies", () => {
    expect(ebuild).toMatch(/^# Distributed under the terms of the GNU General Public License v2$/m);
    expect(ebuild).toMatch(/^EAPI=8$/m);
    expect(ebuild).toMatch(/^inherit bash-completion-r1$/m);
    expect(pkg.license).toBe('GPL-2.0-or-later');
    expect(variable('LICENSE')).toBe('GPL-2+');
    expect(variable('KEYWORDS')).toBe('~amd64');
    expect(variable('SLOT')).toBe('0');
    expect(variable('SRC_URI').split(/\s+/)).toEqual(['${P}.tgz', '${P}-deps.tar.xz']);
    expect(variable('S')).toBe('${WORKDIR}/package');
    expect(variable('RDEPEND').split(/\s+/).sort()).toEqual(['>=net-libs/nodejs-20.11', 'net-misc/openssh', 'sys-devel/distcc']);
    expect(read('packaging/gentoo/app-portage/demerge/metadata.xml')).toMatch(/<pkgmetadata>[\s\S]*<maintainer type="person">[\s\S]*<upstream>/);
  });

  it('names the licences of the bundled dependencies (package-lock.json, without dev and optional packages)', () => {
    // SPDX, as npm packages give them, to Gentoo's licence names
    const gentoo: Record<string, string> = {
      MIT: 'MIT',
      ISC: 'ISC',
      'Apache-2.0': 'Apache-2.0',
      'BSD-2-Clause': 'BSD-2',
      'BSD-3-Clause': 'BSD',
      Unlicense: 'Unlicense',
      '0BSD': '0BSD',
    };
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dev?: boolean; optional?: boolean; license?: string }> };
    const needed = new Set<string>();
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === '' || entry.dev === true || entry.optional === true) continue;
      let license = entry.license;
      if (license === undefined) {
        // an old-style "licenses" list (ssh2), in the package itself
        const own = JSON.parse(read(`${path}/package.json`)) as { license?: string; licenses?: { type: string }[] };
        license = own.license ?? own.licenses?.map((l) => l.type).join(' OR ');
      }
      const name = gentoo[license ?? ''];
      expect(name, `${path}: licence ${license} has a Gentoo name here`).toBeDefined();
      needed.add(name as string);
    }
    const declared = ebuild.match(/^LICENSE\+=" ([^"]*)"/m)?.[1]?.split(' ') ?? [];
    expect(declared).toEqual([...needed].sort());
  });

  it('installs only files that the npm tarball (or the dependency tarball) holds', () => {
    const install = ebuild.slice(ebuild.indexOf('src_install() {'), ebuild.indexOf('\n}\n', ebuild.indexOf('src_install() {')));
    const paths: string[] = [];
    for (const [, helper, args] of install.matchAll(/^\s*(doins|doman|newbashcomp|dobashcomp|dodoc)\s+(.*)$/gm)) {
      const words = (args as string).split(/\s+/).filter((w) => w !== '-r');
      paths.push(...(helper === 'newbashcomp' ? words.slice(0, 1) : words));
    }
    expect(paths).toEqual(
      expect.arrayContaining(['bin', 'dist', 'node_modules', 'man/demerge.1', 'completions/demerge.bash', 'completions/_demerge', 'examples/demerge.conf']),
    );
    const alwaysPacked = ['package.json', 'README.md'];
    for (const path of paths) {
      if (path === 'node_modules') continue; // the dependency tarball's
      const shipped = alwaysPacked.includes(path) || pkg.files.some((dir) => path === dir.replace(/\/$/, '') || path.startsWith(dir));
      expect(shipped, `${path} is in package.json "files"`).toBe(true);
    }
  });

  it('does not install /etc/demerge.conf, which would hide /etc/distcc/hosts', () => {
    expect(ebuild).not.toMatch(/insinto\s+\/etc/);
    const example = read('examples/demerge.conf');
    const base = { flags: {}, env: {}, cpuCount: 4 };
    const withHosts = (files: Record<string, string>) => loadConfig({ ...base, readFile: (path: string) => files[path] });
    expect(withHosts({ '/etc/distcc/hosts': 'builder1/4\n' }).nodes.map((n) => n.host)).toEqual(['builder1']);
    expect(withHosts({ '/etc/distcc/hosts': 'builder1/4\n', '/etc/demerge.conf': example }).nodes).toEqual([]);
  });
});

describe('examples/demerge.conf', () => {
  const example = read('examples/demerge.conf');

  it('is comments only, so that as it is it sets nothing', () => {
    for (const text of example.split('\n')) expect(text).toMatch(/^(#.*)?$/);
    const config = parseConfigText(example, '/etc/demerge.conf', 4);
    const { source: _s, ...rest } = config;
    const { source: _d, ...defaults } = defaultConfig({ kind: 'file', path: '/etc/demerge.conf' }, 4);
    expect(rest).toEqual(defaults);
  });

  it('parses, uncommented, with the defaults it claims and its two nodes', () => {
    const uncommented = example.replace(/^#(?=[a-z[])/gm, '');
    const config = parseConfigText(uncommented, '/etc/demerge.conf', 16);
    const defaults = defaultConfig({ kind: 'file', path: '/etc/demerge.conf' }, 16);
    for (const key of ['key', 'knownHosts', 'localSlots', 'connectTimeout', 'emerge', 'resolveNative', 'buildUser', 'transport'] as const) {
      expect(config[key], key).toEqual(defaults[key]);
    }
    expect(config.loadLimit).toBe(4);
    expect(config.nodes.map((n) => [n.host, n.slots, n.user, n.port])).toEqual([
      ['builder1.lan', 8, 'distcc', 22],
      ['192.168.1.20', 4, 'distcc', 22],
    ]);
  });
});

const SCRIPTS = ['scripts/check-install.sh', 'packaging/gentoo/make-dist.sh', 'packaging/gentoo/check-ebuild.sh', 'completions/demerge.bash'];

describe('the packaging scripts', () => {
  it.each(SCRIPTS)('bash -n %s', (script) => {
    const checked = spawnSync('bash', ['-n', join(root, script)], { encoding: 'utf8' });
    expect(checked.stderr).toBe('');
    expect(checked.status).toBe(0);
  });
});

// Where shellcheck is installed (Debian: apt-get install shellcheck); bash -n above always.
describe.skipIf(spawnSync('shellcheck', ['--version']).status !== 0)('shellcheck', () => {
  it.each(SCRIPTS)('%s', (script) => {
    const checked = spawnSync('shellcheck', ['-s', 'bash', join(root, script)], { encoding: 'utf8' });
    expect(checked.stdout).toBe('');
    expect(checked.status).toBe(0);
  });

  it("the ebuild (its variables are the package manager's: SC2034 and SC2154 left out)", () => {
    const checked = spawnSync('shellcheck', ['-s', 'bash', '-e', 'SC2034,SC2154', ebuildPath], { encoding: 'utf8' });
    expect(checked.stdout).toBe('');
    expect(checked.status).toBe(0);
  });
});
