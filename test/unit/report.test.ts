import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { main } from '../../src/cli/main.js';
import { renderHelp } from '../../src/messages/help.js';
import { renderRecord, type RunRecord } from '../../src/history/record.js';
import { atomMatches } from '../../src/report/options.js';
import { bar, renderPackage, renderRuns, utf8Locale } from '../../src/report/render.js';
import { validate } from './checks-schema-validator.js';
import { fakeContext } from './fake-context.js';

// `demerge report`: its words, which packages an atom names, the table and chart, --json against
// schema/report.schema.json, and one-line errors for bad options.

const SCHEMA = JSON.parse(readFileSync(join(import.meta.dirname, '../../schema/report.schema.json'), 'utf8')) as Record<string, unknown>;

describe('demerge report: the words', () => {
  it.each([
    [['report'], { mode: 'report', last: 10, json: false }],
    [['report', '--json'], { mode: 'report', last: 10, json: true }],
    [['report', '--last=3'], { mode: 'report', last: 3, json: false }],
    [['report', '--last', '3', '--package', 'dev-util/hello'], { mode: 'report', last: 3, json: false, package: 'dev-util/hello' }],
    [['report', '--package=hello', '--json'], { mode: 'report', last: 10, json: true, package: 'hello' }],
    [['report', '--package==dev-util/hello-1.0'], { mode: 'report', last: 10, json: false, package: '=dev-util/hello-1.0' }],
    [['report', '--help'], { mode: 'help' }],
    // Only the first word: these are emerges of a package called report.
    [['--', 'report'], { mode: 'build', emergeArgs: ['report'], strict: false, noDashboard: false }],
    [['-av', 'report'], { mode: 'build', emergeArgs: ['-av', 'report'], strict: false, noDashboard: false }],
  ])('%j', (argv, args) => {
    expect(parseArgs(argv)).toStrictEqual(args);
  });

  it.each([
    [['report', 'extra'], /demerge report has no option "extra"/],
    [['report', '-x'], /no option "-x"/],
    [['report', '--last'], /--last needs a value/],
    [['report', '--last=0'], /--last "0" is not a number of runs/],
    [['report', '--last=-1'], /not a number of runs/],
    [['report', '--last=1e3'], /not a number of runs/],
    [['report', '--last=9999999'], /not a number of runs/],
    [['report', '--package='], /--package needs a value/],
    [['report', '--package', '-rf'], /not a package atom/],
    [['report', '--package=a;reboot'], /not a package atom/],
    [['report', '--package=../../x'], /not a package atom/],
    [['report', '--package=hëllo'], /not a package atom/],
    [['report', '--json=yes'], /--json/],
  ])('%j is refused in one line with its fix', async (argv, pattern) => {
    const ctx = { ...fakeContext(mkdtempSync(join(tmpdir(), 'demerge-report-')), { uid: 1000, gid: 1000 }), argv };
    const exit = await main(ctx);
    expect(exit).toEqual({ exitCode: 2 });
    const lines = ctx.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(lines[0]).toMatch(/^demerge: .*\(.+\)$|fix/);
  });

  it('is in --help', () => {
    expect(renderHelp('0')).toMatch(/demerge report \[--last=N\] \[--package=ATOM\] \[--json\]/);
  });
});

describe('which packages an atom names', () => {
  it.each([
    ['dev-util/hello', 'dev-util/hello-1.0', true],
    ['dev-util/hello', 'dev-util/hello-1.0-r2', true],
    ['dev-util/hello', 'dev-util/hello-world-1.0', false],
    ['dev-util/hello', 'dev-libs/hello-1.0', false],
    ['hello', 'dev-libs/hello-2.1_rc3', true],
    ['hello', 'dev-libs/hello-world-2', false],
    ['hello-world', 'dev-libs/hello-world-2', true],
    ['=dev-util/hello-1.0', 'dev-util/hello-1.0', true],
    ['=dev-util/hello-1.0', 'dev-util/hello-1.0-r1', false],
    ['gtk+', 'x11-libs/gtk+-3.24.41', true],
  ])('%s names %s: %s', (atom, recorded, yes) => {
    expect(atomMatches(atom, recorded)).toBe(yes);
  });
});

function run(id: string, started: string, hello: number, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    v: 1,
    id,
    started,
    ended: new Date(Date.parse(started) + 65_000).toISOString(),
    exit: 0,
    args: ['--jobs=2', 'hello', 'tiny'],
    attribution: 'package-logs',
    nodes: [{ host: '198.18.1.2', jobs: hello + 1, failed: 0, fallbacks: 0 }],
    packages: [
      {
        atom: 'dev-util/hello-1.0',
        remote_jobs: hello,
        local_jobs: 121 - hello + 1,
        local_causes: { by_choice: 121 - hello, 'linking (several outputs)': 1 },
        seconds: 24,
      },
      { atom: 'dev-util/tiny-1.0', remote_jobs: 1, local_jobs: 1, local_causes: { 'linking (several outputs)': 1 }, seconds: 1 },
      { atom: 'app-misc/data-1', remote_jobs: 0, local_jobs: 0, local_causes: {}, seconds: 3 },
    ],
    ...extra,
  };
}

describe('the table and the chart', () => {
  it.each([
    [{ LANG: 'en_US.UTF-8' }, true],
    [{ LANG: 'C' }, false],
    [{ LANG: 'en_US.UTF-8', LC_ALL: 'C' }, false],
    [{ LC_CTYPE: 'de_DE.utf8' }, true],
    [{}, false],
  ])('%j is UTF-8: %s', (env, yes) => {
    expect(utf8Locale(env)).toBe(yes);
  });

  it('draws bars in eighths, or in # under ASCII', () => {
    expect(bar(100, true)).toBe('█'.repeat(16));
    expect(bar(50, true)).toBe('█'.repeat(8));
    expect(bar(3.125 / 2, true)).toBe('▎');
    expect(bar(50, false)).toBe('#'.repeat(8));
    expect(bar(undefined, true)).toBe('');
    expect(bar(250, false)).toBe('#'.repeat(16));
  });

  const runs = [run('100-a', '2026-01-02T03:04:05.000Z', 121), run('200-b', '2026-01-03T03:04:05.000Z', 60, { exit: null, signal: 'SIGINT' })];

  it('shows each run with its packages', () => {
    const text = renderRuns(runs, true);
    expect(text).toContain('Run 100-a  2026-01-02 03:04Z  1m 05s  exit 0  1 node  --jobs=2 hello tiny');
    expect(text).toContain('Run 200-b  2026-01-03 03:04Z  1m 05s  ended by SIGINT');
    expect(text).toContain(`  dev-util/hello-1.0                121      1   100%      24s  ${'█'.repeat(16)}`);
    expect(text).toMatch(/dev-util\/hello-1\.0 +60 +62 +49\.6% +24s {2}█{7}▉/);
    expect(text).toMatch(/app-misc\/data-1 +no C\/C\+\+ jobs +3\.0s/);
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('shows one package over time, in ASCII under LANG=C', () => {
    const rows = runs.map((r) => ({ run: r, pkg: r.packages[0] as RunRecord['packages'][number] }));
    const text = renderPackage('dev-util/hello', rows, false);
    expect(text.split('\n')[0]).toBe('dev-util/hello in 2 recorded runs');
    expect(text).toMatch(/2026-01-02 03:04Z 1\.0 +121 +1 +100% +24s {2}#{16}\n/);
    expect(text).toMatch(/2026-01-03 03:04Z 1\.0 +60 +62 +49\.6% +24s {2}#{8}\n/);
    expect(/[^\x00-\x7f]/.test(text)).toBe(false);
  });

  it('keeps escapes and control characters of a record off the terminal', () => {
    const hostile = run('1-x', '2026-01-02T03:04:05.000Z', 1, { args: ['\x1b]0;owned\x07', 'a\nb'] });
    hostile.packages[0] = { ...(hostile.packages[0] as RunRecord['packages'][number]), atom: 'x/\x1b[31mred-1' };
    expect(renderRuns([hostile], true)).not.toMatch(/\x1b|\x07/);
  });
});

describe('demerge report on a history file', () => {
  function history(lines: string[]): { path: string; env: Record<string, string | undefined> } {
    const dir = mkdtempSync(join(tmpdir(), 'demerge-report-'));
    const path = join(dir, 'history.jsonl');
    writeFileSync(path, lines.join(''));
    return { path, env: { DEMERGE_HISTORY: path, LANG: 'C' } };
  }

  async function report(argv: string[], env: Record<string, string | undefined>) {
    const base = fakeContext(mkdtempSync(join(tmpdir(), 'demerge-report-')), { uid: 1000, gid: 1000 });
    const ctx = { ...base, argv, env: { ...base.env, ...env } };
    return { exit: await main(ctx), out: ctx.out(), err: ctx.err() };
  }

  it('prints --json that holds to its schema, skipping and counting what is not a record', async () => {
    const { path, env } = history([
      renderRecord(run('100-a', '2026-01-02T03:04:05.000Z', 121)),
      '{"v":1,"id":"torn',
      '\n',
      renderRecord(run('200-b', '2026-01-03T03:04:05.000Z', 60, { unattributed: { remote_jobs: 1, local_jobs: 0, local_causes: {} } })),
    ]);
    const { exit, out, err } = await report(['report', '--json'], env);
    expect(exit).toEqual({ exitCode: 0 });
    const doc = JSON.parse(out) as { runs: RunRecord[]; skipped: number; history: string };
    expect(validate(SCHEMA, doc)).toEqual([]);
    expect(doc.history).toBe(path);
    expect(doc.skipped).toBe(1);
    expect(doc.runs.map((r) => r.id)).toEqual(['100-a', '200-b']);
    expect(err).toMatch(/1 line of .* was not a whole record and was skipped/);
  });

  it('narrows to a package and to the last runs', async () => {
    const { env } = history([1, 2, 3].map((i) => renderRecord(run(`${i}-r`, `2026-01-0${i}T00:00:00.000Z`, 100 + i))));
    const { out } = await report(['report', '--json', '--last=2', '--package=dev-util/tiny'], env);
    const doc = JSON.parse(out) as { runs: RunRecord[] };
    expect(validate(SCHEMA, doc)).toEqual([]);
    expect(doc.runs.map((r) => [r.id, r.packages.map((p) => p.atom)])).toEqual([
      ['2-r', ['dev-util/tiny-1.0']],
      ['3-r', ['dev-util/tiny-1.0']],
    ]);
  });

  it('says so when nothing is recorded, and exits 0', async () => {
    const { env } = history([]);
    const { exit, out, err } = await report(['report'], env);
    expect(exit).toEqual({ exitCode: 0 });
    expect(out).toBe('');
    expect(err).toMatch(/^demerge: no runs recorded in /);
  });
});
