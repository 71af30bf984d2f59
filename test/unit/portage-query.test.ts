import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { askPortage, emergeLogPath, findPortageq, parseEnvvarOutput, portageFacts, PORTAGE_VARIABLES } from '../../src/portage/index.js';

// portageq envvar -v prints NAME=shlex.quote(value) (bin/portageq); these are its real shapes.
describe('parseEnvvarOutput', () => {
  it.each([
    ['bare', 'CHOST=x86_64-pc-linux-gnu\n', 'CHOST', 'x86_64-pc-linux-gnu'],
    ['empty', "EPREFIX=''\n", 'EPREFIX', ''],
    ['spaces', "CFLAGS='-O2 -pipe -march=native'\n", 'CFLAGS', '-O2 -pipe -march=native'],
    ['a single quote', "CFLAGS='-DX='\"'\"'y'\"'\"''\n", 'CFLAGS', "-DX='y'"],
    ['a newline', "CFLAGS='-O2\n-pipe'\n", 'CFLAGS', '-O2\n-pipe'],
    ['unicode', "CFLAGS='-DNAME=\u00e9t\u00e9'\n", 'CFLAGS', '-DNAME=\u00e9t\u00e9'],
    ['shell metacharacters', 'CFLAGS=\'$(rm -rf /); `x` \\\\ "q"\'\n', 'CFLAGS', '$(rm -rf /); `x` \\\\ "q"'],
  ])('reads %s', (_name, text, name, value) => {
    expect(parseEnvvarOutput(text)?.get(name)).toBe(value);
  });

  it.each([
    ['an unterminated quote', "CFLAGS='-O2\n"],
    ['a bad name', '1X=y\n'],
    ['no equals sign', 'garbage\n'],
    ['an unquoted space', 'CFLAGS=-O2 -pipe\n'],
  ])('refuses %s', (_name, text) => {
    expect(parseEnvvarOutput(text)).toBeUndefined();
  });

  it('reads 100 KB of flags', () => {
    const big = '-DX'.repeat(35_000);
    expect(parseEnvvarOutput(`CFLAGS='${big}'\n`)?.get('CFLAGS')).toBe(big);
  });
});

function script(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const answer = PORTAGE_VARIABLES.map((name) => (name === 'CHOST' ? `${name}=x86_64-pc-linux-gnu` : `${name}=''`)).join('\n');

describe('askPortage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'demerge-portageq-'));

  it('finds portageq beside emerge before PATH, and the configured one first', () => {
    const bin = mkdtempSync(join(tmpdir(), 'demerge-bin-'));
    const emerge = script(bin, 'emerge', 'exit 0');
    const beside = script(bin, 'portageq', 'exit 0');
    const other = script(dir, 'portageq', 'exit 0');
    expect(findPortageq(undefined, emerge, dir)).toBe(beside);
    expect(findPortageq(undefined, undefined, dir)).toBe(other);
    expect(findPortageq(other, emerge, dir)).toBe(other);
    expect(findPortageq(undefined, join(tmpdir(), 'nowhere', 'emerge'), '')).toBeUndefined();
  });

  it('takes an answer with exit 1 (a variable unset)', async () => {
    const program = script(dir, 'ok-1', `cat <<'EOF'\n${answer}\nEOF\nexit 1`);
    const result = await askPortage(program, { PATH: '/usr/bin:/bin' });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.values.get('CHOST')).toBe('x86_64-pc-linux-gnu');
  });

  it.each([
    ['missing', undefined, /not found/],
    ['failing', 'echo "!!! broken make.conf" >&2; exit 2', /exited 2: !!! broken make.conf/],
    ['garbage', 'echo "this is not portageq"', /cannot read/],
    ['incomplete', 'echo CHOST=x', /cannot read/],
  ])('gives a reason when portageq is %s', async (_name, body, reason) => {
    const program = body === undefined ? undefined : script(dir, `bad-${_name}`, body);
    const result = await askPortage(program, { PATH: '/usr/bin:/bin' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('gives up on a slow portageq at the time limit', async () => {
    const program = script(dir, 'slow', 'exec sleep 30');
    const started = Date.now();
    const result = await askPortage(program, { PATH: '/usr/bin:/bin' }, 300);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/longer than/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('portageFacts', () => {
  const values = (over: Record<string, string>) => new Map(PORTAGE_VARIABLES.map((name) => [name as string, over[name] ?? '']));

  it('puts emerge.log under ${BROOT}/var/log on a Prefix tree', () => {
    const facts = portageFacts(
      { ok: true, program: 'portageq', ms: 1, values: values({ EPREFIX: '/home/u/gentoo', BROOT: '/home/u/gentoo', PORTAGE_CONFIGROOT: '/home/u/gentoo/' }) },
      {},
    );
    expect(emergeLogPath(facts)).toBe('/home/u/gentoo/var/log/emerge.log');
    expect(facts.configRoot).toBe('/home/u/gentoo/');
  });

  it('prefers EMERGE_LOG_DIR', () => {
    const facts = portageFacts({ ok: true, program: 'portageq', ms: 1, values: values({ EMERGE_LOG_DIR: '/srv/log' }) }, {});
    expect(emergeLogPath(facts)).toBe('/srv/log/emerge.log');
  });

  it("falls back to today's defaults from the environment", () => {
    expect(emergeLogPath(portageFacts({ ok: false, reason: 'x' }, {}))).toBe('/var/log/emerge.log');
    expect(emergeLogPath(portageFacts({ ok: false, reason: 'x' }, { EMERGE_LOG_DIR: '/tmp/l' }))).toBe('/tmp/l/emerge.log');
    expect(portageFacts({ ok: false, reason: 'x' }, { PORTAGE_CONFIGROOT: '/cfg/' }).configRoot).toBe('/cfg/');
  });
});
