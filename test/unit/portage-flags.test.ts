import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lexAssignments, replaceWords } from '../../src/portage/assignments.js';
import { flagWords } from '../../src/portage/flag-sites.js';
import { findFlagSites, isNativeWord, planNativeRewrite, resolveNativeFlags, siteLabel, type NativeFlags } from '../../src/portage/index.js';
import { cc1Words } from '../../src/portage/native-flags.js';
import { mountedEmergeCommand, mountTools } from '../../src/run-env/flag-mounts.js';

const NATIVE: NativeFlags = { compiler: 'gcc', march: ['-march=znver3', '-mavx2', '--param=l1-cache-size=32', '-mtune=znver3'], mtune: ['-mtune=znver3'] };

describe('lexAssignments (Portage getconfig syntax)', () => {
  it('finds words in quoted, multi-line and bare values, not in comments', () => {
    const text = [
      '# CFLAGS="-march=native" in a comment',
      'COMMON_FLAGS="-O2 -pipe',
      '  -march=native"',
      "export CXXFLAGS='${COMMON_FLAGS}'",
      'FCFLAGS=-march=native',
      'source /etc/portage/make.conf.local',
    ].join('\n');
    const { words, sources } = lexAssignments(text);
    expect(words.filter((w) => w.text === '-march=native').map((w) => [w.variable, w.line, w.quote, w.wholeBareValue])).toEqual([
      ['COMMON_FLAGS', 3, '"', false],
      ['FCFLAGS', 5, '', true],
    ]);
    expect(sources).toEqual([{ path: '/etc/portage/make.conf.local', line: 6 }]);
  });

  it('rewrites words in place and quotes a bare whole value', () => {
    const text = 'CFLAGS="-O2 -march=native -pipe"\nFFLAGS=-march=native\n';
    const words = lexAssignments(text).words.filter((w) => w.text === '-march=native');
    const out = replaceWords(
      text,
      words.map((word) => ({ word, replacement: ['-march=x', '-mavx'] })),
    );
    expect(out).toBe('CFLAGS="-O2 -march=x -mavx -pipe"\nFFLAGS="-march=x -mavx"\n');
  });

  it('reads only the flag variables and what they are built from', () => {
    const text = 'FEATURES="-xattr"\nBASE="-E"\nCOMMON_FLAGS="${BASE} -march=native"\nCFLAGS="${COMMON_FLAGS}"\nOTHER="-march=native"\n';
    expect(flagWords(text).map((w) => `${w.variable}:${w.text}`)).toEqual(['BASE:-E', 'COMMON_FLAGS:-march=native']);
  });

  it('survives hostile text', () => {
    const text = `CFLAGS="${'"'.repeat(10_000)}\u0000\u202e-march=native\n${'x='.repeat(50_000)}`;
    expect(() => lexAssignments(text)).not.toThrow();
  });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'demerge-cfg-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return `${root}/`;
}

describe('findFlagSites and planNativeRewrite', () => {
  const root = tree({
    'etc/portage/make.conf': 'COMMON_FLAGS="-O2 -pipe -march=native"\nCFLAGS="${COMMON_FLAGS}"\nCXXFLAGS="${COMMON_FLAGS}"\n',
    'etc/portage/package.env': 'dev-lang/foo fast.conf\napp-misc/pgo pgo.conf # profile-guided\n',
    'etc/portage/env/fast.conf': 'CFLAGS="-O3 -mtune=native -march=native"\n',
    'etc/portage/env/pgo.conf': 'CFLAGS="${CFLAGS} -fprofile-use"\n',
    'etc/portage/env/dev-libs/bar': 'CFLAGS="${CFLAGS} -march=native"\n',
  });
  const scan = findFlagSites(root, { CFLAGS: '-march=native -O1' }, (word) => isNativeWord(word) || word === '-fprofile-use');

  it('names file, line, variable and atoms for each flag', () => {
    expect(scan.sites.map((s) => [s.kind, siteLabel(s).replace(root, '/'), s.variable, s.word, s.atoms.join(' ')])).toEqual([
      ['make.conf', '/etc/portage/make.conf:1', 'COMMON_FLAGS', '-march=native', ''],
      ['hook', '/etc/portage/env/dev-libs/bar:1', '', '-march=native', ''],
      ['package.env', '/etc/portage/env/fast.conf:1', 'CFLAGS', '-mtune=native', 'dev-lang/foo'],
      ['package.env', '/etc/portage/env/fast.conf:1', 'CFLAGS', '-march=native', 'dev-lang/foo'],
      ['package.env', '/etc/portage/env/pgo.conf:1', 'CFLAGS', '-fprofile-use', 'app-misc/pgo'],
      ['environment', 'CFLAGS in the environment', 'CFLAGS', '-march=native', ''],
    ]);
  });

  it('rewrites each file for itself, keeps per-package flags, and leaves bash hooks', () => {
    const plan = planNativeRewrite(scan.sites, NATIVE, { CFLAGS: '-march=native -O1' });
    const byName = new Map(plan.files.map((f) => [f.path.replace(root, '/'), f.text]));
    expect(byName.get('/etc/portage/make.conf')).toBe(
      'COMMON_FLAGS="-O2 -pipe -march=znver3 -mavx2 --param=l1-cache-size=32 -mtune=znver3"\nCFLAGS="${COMMON_FLAGS}"\nCXXFLAGS="${COMMON_FLAGS}"\n',
    );
    expect(byName.get('/etc/portage/env/fast.conf')).toBe('CFLAGS="-O3 -mtune=znver3 -march=znver3 -mavx2 --param=l1-cache-size=32 -mtune=znver3"\n');
    expect(plan.files).toHaveLength(2);
    expect(plan.unhandled.map((u) => [u.site.kind, u.why])).toEqual([['hook', 'bash-hook']]);
    expect(plan.env).toEqual({ CFLAGS: '-march=znver3 -mavx2 --param=l1-cache-size=32 -mtune=znver3 -O1' });
    // Nothing under the config root was written.
    expect(readFileSync(join(root, 'etc/portage/make.conf'), 'utf8')).toContain('-march=native');
  });
});

describe("resolveNativeFlags with this machine's gcc", () => {
  it('reads a cc1 line with quoted words and --param pairs', () => {
    const line = ' /usr/lib/gcc/x/12/cc1 -quiet /dev/null "-march=znver3" -mavx2 --param "l1-cache-size=32" "-mtune=znver3" -o /tmp/cc1.s\n';
    expect(cc1Words(line)).toEqual(['-quiet', '/dev/null', '-march=znver3', '-mavx2', '--param=l1-cache-size=32', '-mtune=znver3', '-o', '/tmp/cc1.s']);
  });

  it('gives flags that compile C and C++ byte-identically to -march=native', async () => {
    const result = await resolveNativeFlags('gcc');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.flags.march[0]).toMatch(/^-march=(?!native)/);
    const dir = mkdtempSync(join(tmpdir(), 'demerge-native-'));
    const sources = {
      'v.c': 'float dot(const float *a, const float *b, int n) { float s = 0; for (int i = 0; i < n; i++) s += a[i] * b[i]; return s; }\n',
      'v.cc': '#include <vector>\n#include <numeric>\nfloat sum(const std::vector<float>& v) { return std::accumulate(v.begin(), v.end(), 0.0f); }\n',
    };
    for (const [name, text] of Object.entries(sources)) {
      writeFileSync(join(dir, name), text);
      const driver = name.endsWith('.cc') ? 'g++' : 'gcc';
      for (const [tag, flags] of [
        ['native', ['-march=native', '-mtune=native']],
        ['explicit', [...result.flags.march, ...result.flags.mtune]],
      ] as const) {
        execFileSync(driver, ['-O2', ...flags, '-c', join(dir, name), '-o', join(dir, `${name}.${tag}.o`)]);
      }
      expect(readFileSync(join(dir, `${name}.explicit.o`)).equals(readFileSync(join(dir, `${name}.native.o`)))).toBe(true);
    }
  });

  it('says why when the compiler is not gcc or not there', async () => {
    expect(await resolveNativeFlags('no-such-compiler-gcc')).toMatchObject({ ok: false });
    expect(await resolveNativeFlags('gcc; rm -rf /')).toMatchObject({ ok: false, reason: expect.stringMatching(/not plain/) });
  });
});

describe.skipIf(process.getuid?.() !== 0)("the run's bind mounts (root)", () => {
  it('shows emerge the copy at the original path, and nobody else', () => {
    const tools = mountTools();
    expect(tools).toBeDefined();
    if (tools === undefined) return;
    const root = tree({ 'etc/portage/make.conf': 'CFLAGS="-march=native"\n', 'etc/portage/with space.conf': 'X=1\n' });
    const target = join(root, 'etc/portage/make.conf');
    const spaced = join(root, 'etc/portage/with space.conf');
    const run = mkdtempSync(join(tmpdir(), 'demerge-run-'));
    const command = mountedEmergeCommand(
      join(run, 'portage-config'),
      [
        { target, text: 'CFLAGS="-march=x"\n' },
        { target: spaced, text: 'X=2\n' },
      ],
      { program: '/bin/sh', args: ['-c', 'cat "$0" "$1"; shift; printf "%s|" "$@"', target, spaced, '-- $(x) `y`', '-march=native'] },
      tools,
    );
    const seen = execFileSync(command.program, command.args, { encoding: 'utf8' });
    expect(seen).toBe('CFLAGS="-march=x"\nX=2\n-- $(x) `y`|-march=native|');
    expect(readFileSync(target, 'utf8')).toBe('CFLAGS="-march=native"\n');
  });
});
