import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validate } from '../unit/checks-schema-validator.js';
import {
  buildEnvironment,
  compilesByNode,
  demerge,
  lab,
  LAB_CONFIG,
  resetCompiles,
  runDirsLeft,
  STANDIN,
  sum,
  TRANSLATION_UNITS,
  treeDigest,
  workspace,
  type Workspace,
} from './lab.js';

// Issue 11 on the lab: demerge asks Portage (the stand-in's portageq, beside its emerge) and
// -march=native no longer keeps the build local. What was distributed is read from the nodes'
// own process accounting; what each package was built with, from the environment make saw.

const SCHEMA = JSON.parse(readFileSync(join(import.meta.dirname, '../../schema/dry-check.schema.json'), 'utf8')) as Record<string, unknown>;

/** A Portage configuration root under the workspace, readable by the build user. */
function configRoot(ws: Workspace, files: Record<string, string>, root = join(ws.dir, 'config')): string {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

/**
 * The lab's demerge.conf (local_slots = 0: every distributable job goes to a node, so the
 * nodes' records count all of them) with more top-level keys.
 */
function labConfig(ws: Workspace, extra = ''): string {
  const file = join(ws.dir, 'demerge.conf');
  writeFileSync(file, `${extra}${readFileSync(LAB_CONFIG, 'utf8')}`);
  return file;
}

const MAKE_CONF = '# the Gentoo handbook\'s example\nCOMMON_FLAGS="-O2 -pipe -march=native"\nCFLAGS="${COMMON_FLAGS}"\nCXXFLAGS="${COMMON_FLAGS}"\n';

async function explicitFlags(): Promise<string[]> {
  // What the resolution must give: the words -march=native adds to gcc's cc1 line.
  const plain = await execa('gcc', ['-###', '-x', 'c', '-c', '/dev/null', '-o', '/dev/null'], { all: true });
  const native = await execa('gcc', ['-###', '-march=native', '-x', 'c', '-c', '/dev/null', '-o', '/dev/null'], { all: true });
  const words = (text: string) =>
    (text.split('\n').find((l) => / \S*cc1 /.test(l)) ?? '')
      .replace(/"/g, '')
      .replace(/--param /g, '--param=')
      .trim()
      .split(/\s+/);
  const base = new Set(words(plain.all));
  return words(native.all).filter((w) => !base.has(w) && !w.startsWith('/tmp/'));
}

describe('Portage-aware runs on the lab', () => {
  beforeAll(async () => {
    await lab('status');
  });
  beforeEach(async () => {
    await resetCompiles();
  });

  it('distributes a make.conf with -march=native and builds the same program as a local build', async () => {
    const ws = workspace({ FEATURES: 'noclean' });
    const root = configRoot(ws, { 'etc/portage/make.conf': MAKE_CONF });
    const before = treeDigest(root);
    const etcBefore = treeDigest('/etc');
    const image = join(ws.dir, 'image');
    const env = { ...ws.env, PORTAGE_CONFIGROOT: root, DEMERGE_CONFIG: labConfig(ws), STANDIN_ROOT: image };
    const result = await demerge(['--oneshot', 'dev-util/hello'], { ...ws, env });
    expect(result.exitCode, result.all).toBe(0);
    const remote = sum((await compilesByNode()).values());
    expect(remote / TRANSLATION_UNITS, result.all).toBeGreaterThanOrEqual(0.95);
    expect(result.stderr).toMatch(/-march=native \(\S+make\.conf:2, every package\) is made explicit for this run: -march=\S+ and \d+ more flags/);
    const cflags = buildEnvironment(ws).CFLAGS ?? '';
    expect(cflags).toBe(`-O2 -pipe ${(await explicitFlags()).join(' ')}`);
    expect(treeDigest(root)).toBe(before);
    expect(treeDigest('/etc')).toBe(etcBefore);
    expect(runDirsLeft()).toEqual([]);

    // The same package built by the stand-in alone, locally, with -march=native as written.
    const local = workspace();
    const localImage = join(local.dir, 'image');
    const plain = await execa(STANDIN, ['--oneshot', 'dev-util/hello'], {
      env: { ...local.env, PORTAGE_CONFIGROOT: root, STANDIN_ROOT: localImage },
      extendEnv: false,
      reject: false,
      all: true,
    });
    expect(plain.exitCode, plain.all).toBe(0);
    const built = readFileSync(join(image, 'usr/bin/hello'));
    expect(built.equals(readFileSync(join(localImage, 'usr/bin/hello')))).toBe(true);
  });

  it("keeps each package's own flags from package.env, resolved, in one run of two packages", async () => {
    const ws = workspace({ FEATURES: 'noclean' });
    const root = configRoot(ws, {
      'etc/portage/make.conf': MAKE_CONF,
      'etc/portage/package.env': 'dev-util/tiny tiny.conf\n',
      'etc/portage/env/tiny.conf': 'CFLAGS="-O1 -march=native -DTINY_OWN_FLAGS"\n',
    });
    const env = { ...ws.env, PORTAGE_CONFIGROOT: root, DEMERGE_CONFIG: labConfig(ws) };
    const result = await demerge(['--oneshot', 'dev-util/tiny', 'dev-util/hello'], { ...ws, env });
    expect(result.exitCode, result.all).toBe(0);
    const explicit = (await explicitFlags()).join(' ');
    expect(buildEnvironment(ws, 'dev-util/hello-1.0').CFLAGS).toBe(`-O2 -pipe ${explicit}`);
    expect(buildEnvironment(ws, 'dev-util/tiny-1.0').CFLAGS).toBe(`-O1 ${explicit} -DTINY_OWN_FLAGS`);
    expect(result.stderr).toContain('tiny.conf:1, dev-util/tiny) is made explicit for this run');
    const remote = sum((await compilesByNode()).values());
    expect(remote / (TRANSLATION_UNITS + 1), result.all).toBeGreaterThanOrEqual(0.95);
  });

  it('says before the build which flags stay, with file and line, and leaves them', async () => {
    const ws = workspace({ FEATURES: 'noclean' });
    const root = configRoot(ws, {
      'etc/portage/make.conf': 'CFLAGS="-O2"\n',
      'etc/portage/env/dev-util/tiny': 'CFLAGS="${CFLAGS} -march=native"\n',
    });
    const env = { ...ws.env, PORTAGE_CONFIGROOT: root };
    const result = await demerge(['--oneshot', 'dev-util/tiny'], { ...ws, env });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stderr).toMatch(/-march=native \(\S+env\/dev-util\/tiny:1, every package\) stays: it is set in a bash hook/);
  });

  it('follows a Prefix tree: emerge.log under ${EPREFIX}/var/log, the progress and the summary right', async () => {
    const ws = workspace();
    const prefix = join(ws.dir, 'prefix');
    mkdirSync(join(prefix, 'usr', 'lib'), { recursive: true });
    mkdirSync(join(prefix, 'etc', 'portage'), { recursive: true });
    // The Prefix's distcc masquerade directory: Portage looks under ${EPREFIX}/usr.
    symlinkSync('/usr/lib/distcc', join(prefix, 'usr', 'lib', 'distcc'));
    chmodSync(ws.dir, 0o755);
    const { EMERGE_LOG_DIR: _unset, ...rest } = ws.env;
    const env = { ...rest, PORTAGE_OVERRIDE_EPREFIX: prefix };
    const result = await demerge(['--oneshot', 'dev-util/tiny', 'dev-util/hello'], { ...ws, env });
    expect(result.exitCode, result.all).toBe(0);
    expect(existsSync(join(prefix, 'var', 'log', 'emerge.log'))).toBe(true);
    expect(result.stderr).toContain('2 of 2 packages merged, emerge exited 0');
    expect(result.stderr).not.toContain('could not ask Portage');
  });

  it.each([
    ['missing', (dir: string) => join(dir, 'no-such-portageq'), /portageq "[^"]*no-such-portageq" was not found/],
    ['failing', (dir: string) => script(dir, 'echo "!!! Your current profile is invalid" >&2; exit 1\n'), /portageq printed something demerge cannot read/],
    ['crashing', (dir: string) => script(dir, 'exit 3\n'), /portageq exited 3/],
    ['slow', (dir: string) => script(dir, 'exec sleep 60\n'), /portageq took longer than 10 s/],
  ])('builds with the defaults and one warning when portageq is %s', async (_name, make, reason) => {
    const ws = workspace();
    const env = { ...ws.env, DEMERGE_PORTAGEQ: make(ws.dir) };
    const result = await demerge(['--oneshot', 'dev-util/tiny'], { ...ws, env });
    expect(result.exitCode, result.all).toBe(0);
    const warnings = result.stderr.split('\n').filter((line) => line.includes('could not ask Portage'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(reason);
    // The defaults: emerge.log from $EMERGE_LOG_DIR, as before.
    expect(result.stderr).toContain('1 of 1 package merged, emerge exited 0');
  });

  it("reports Portage's flags in --dry-check --json, and resolve_native = false as a failure", async () => {
    const ws = workspace();
    const root = configRoot(ws, {
      'etc/portage/make.conf': MAKE_CONF,
      'etc/portage/package.env': 'app-misc/pgo pgo.conf\n',
      'etc/portage/env/pgo.conf': 'CFLAGS="${CFLAGS} -fprofile-use"\n',
    });
    const on = await demerge(['--dry-check', '--json'], { ...ws, env: { ...ws.env, PORTAGE_CONFIGROOT: root } });
    const document = JSON.parse(on.stdout) as { portage: { origin: string; flags: Array<Record<string, unknown>> }; checks: Array<Record<string, unknown>> };
    expect(validate(SCHEMA, document)).toEqual([]);
    expect(document.portage.origin).toBe('portageq');
    expect(document.portage.flags.map((f) => [f.word, String(f.file).replace(root, ''), f.line, f.atoms, f.action])).toEqual([
      ['-march=native', '/etc/portage/make.conf', 2, [], 'resolved'],
      ['-fprofile-use', '/etc/portage/env/pgo.conf', 1, ['app-misc/pgo'], 'stays-local'],
    ]);
    expect(document.checks.filter((c) => c.id === 'portage.flags').map((c) => c.verdict)).toEqual(['ok', 'warn']);
    expect(on.exitCode).toBe(1);

    const off = await demerge(['--dry-check', '--json'], {
      ...ws,
      env: { ...ws.env, PORTAGE_CONFIGROOT: root, DEMERGE_CONFIG: labConfig(ws, 'resolve_native = false\n') },
    });
    const offDocument = JSON.parse(off.stdout) as typeof document;
    const native = offDocument.checks.find((c) => c.id === 'portage.flags' && String(c.message).startsWith('-march=native'));
    expect(native?.verdict).toBe('fail');
    expect(native?.message).toContain('resolve_native = false');
    // The nodes stay usable: only the jobs with the flag are local.
    expect(off.exitCode).toBe(1);
  });

  it('never runs what hostile flags say, and survives 100 KB of them', async () => {
    const ws = workspace({ FEATURES: 'noclean' });
    const marker = join(ws.dir, 'pwned');
    const root = configRoot(ws, {
      'etc/portage/make.conf': [
        // make expands $(...) itself and the recipe's shell sees it quoted; the C build never
        // reads CXXFLAGS, so only demerge could run what it says.
        `CFLAGS="-O2 -march=native -DQ='$(touch ${marker})'"`,
        `CXXFLAGS='-O2 ; touch ${marker} \`touch ${marker}\` -march=native'`,
        `FFLAGS="-O2 ${'-DX '.repeat(30_000)}-march=native"`,
        '',
      ].join('\n'),
    });
    const before = treeDigest(root);
    const dry = await demerge(['--dry-check'], { ...ws, env: { ...ws.env, PORTAGE_CONFIGROOT: root } });
    expect(dry.exitCode, dry.all).not.toBe(2);
    const build = await demerge(['--oneshot', 'dev-util/tiny'], { ...ws, env: { ...ws.env, PORTAGE_CONFIGROOT: root } });
    expect(existsSync(marker)).toBe(false);
    expect(treeDigest(root)).toBe(before);
    expect(build.stderr.split('\n').every((line) => line.length < 2000)).toBe(true);
  });
});

function script(dir: string, body: string): string {
  const path = join(dir, `portageq-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, `#!/bin/sh\n${body}`);
  chmodSync(path, 0o755);
  return path;
}
