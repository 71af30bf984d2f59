import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parseRecord, remoteShare, renderRecord, type RunRecord } from '../../src/history/record.js';
import { appendRecord, historyPath, MAX_RECORD_BYTES, parseHistory, readHistory } from '../../src/history/store.js';

// The history of runs: records, the reader's defences (torn, cut, garbage, huge, unicode), and
// appends from several processes at once with rotation.

const ROOT = resolve(import.meta.dirname, '../..');
const UID = process.getuid?.() ?? 0;

function record(id: string, packages = 2): RunRecord {
  return {
    v: 1,
    id,
    started: '2026-01-02T03:04:05.000Z',
    ended: '2026-01-02T03:05:05.000Z',
    exit: 0,
    args: ['--jobs=2', 'dev-util/hello', 'dev-util/tiny'],
    attribution: 'package-logs',
    nodes: [{ host: '198.18.1.2', jobs: 61, failed: 0, fallbacks: 0 }],
    packages: Array.from({ length: packages }, (_, i) => ({
      atom: `dev-util/p${i}-1.0`,
      remote_jobs: 10 + i,
      local_jobs: 1,
      local_causes: { 'linking (several outputs)': 1 },
      seconds: 12.5,
    })),
  };
}

const line = (r: RunRecord) => renderRecord(r).slice(0, -1);

describe('a record', () => {
  it('reads back as written, unicode included', () => {
    const r = {
      ...record('1-a'),
      args: ['dev-util/hëllo', '💥'],
      signal: 'SIGINT',
      exit: null,
      unattributed: { remote_jobs: 1, local_jobs: 0, local_causes: {} },
    };
    expect(parseRecord(line(r))).toEqual(r);
    expect(renderRecord(r).split('\n')).toHaveLength(2);
  });

  it('has a remote share of its distributable jobs', () => {
    expect(remoteShare({ remote_jobs: 3, local_causes: { by_choice: 1, 'linking (several outputs)': 5 } })).toBe(75);
    expect(remoteShare({ remote_jobs: 0, local_causes: { '-march=native': 4 } })).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['garbage', 'hello world'],
    ['an array', '[1,2]'],
    ['null', 'null'],
    ['another version', line({ ...record('x'), v: 2 } as unknown as RunRecord)],
    ['a bad time', line({ ...record('x'), started: 'yesterday' })],
    ['a negative count', line({ ...record('x'), nodes: [{ host: 'n', jobs: -1, failed: 0, fallbacks: 0 }] })],
    ['a fractional count', line({ ...record('x'), nodes: [{ host: 'n', jobs: 1.5, failed: 0, fallbacks: 0 }] })],
    ['an exit of 300', line({ ...record('x'), exit: 300 })],
    ['a string exit', line({ ...record('x'), exit: '0' as unknown as number })],
    ['no packages', JSON.stringify({ ...record('x'), packages: undefined })],
    ['a package without atom', JSON.stringify({ ...record('x'), packages: [{ remote_jobs: 1, local_jobs: 0, local_causes: {}, seconds: null }] })],
    [
      'a cause that is not a count',
      JSON.stringify({ ...record('x'), packages: [{ atom: 'a/b-1', remote_jobs: 1, local_jobs: 0, local_causes: { x: 'y' }, seconds: null }] }),
    ],
    ['a bad signal', line({ ...record('x'), signal: 'kill -9 $$' })],
    ['an unknown attribution', JSON.stringify({ ...record('x'), attribution: 'guess' })],
  ])('%s is no record', (_name, text) => {
    expect(parseRecord(text)).toBeUndefined();
  });

  it('is no record when cut anywhere (a torn line)', () => {
    const whole = line(record('1-torn', 3));
    for (let end = 0; end < whole.length; end++) expect(parseRecord(whole.slice(0, end))).toBeUndefined();
  });

  it('never throws and never gives half a record, whatever the bytes (fuzz)', () => {
    const whole = line(record('1-fuzz'));
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.nat(whole.length), fc.nat(whole.length), (junk, at, cut) => {
        const mutated = whole.slice(0, at) + junk + whole.slice(Math.min(whole.length, at + cut));
        const parsed = parseRecord(mutated);
        if (parsed !== undefined) {
          expect(typeof parsed.id).toBe('string');
          expect(Array.isArray(parsed.packages)).toBe(true);
          for (const p of parsed.packages) expect(Number.isSafeInteger(p.remote_jobs)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.json(), (text) => {
        parseRecord(text);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the history file', () => {
  it('is under EPREFIX, or where DEMERGE_HISTORY says', () => {
    expect(historyPath('', {})).toBe('/var/lib/demerge/history.jsonl');
    expect(historyPath('/home/me/gentoo', {})).toBe('/home/me/gentoo/var/lib/demerge/history.jsonl');
    expect(historyPath('/x', { DEMERGE_HISTORY: '/tmp/h.jsonl' })).toBe('/tmp/h.jsonl');
  });

  it('skips and counts what is not a record, and keeps every record around it', () => {
    const good = [line(record('1-a')), line(record('2-b'))];
    const text = [
      good[0],
      '{"v":1,"id":"torn',
      'garbage ✗',
      `{"x":"${'y'.repeat(MAX_RECORD_BYTES)}"}`,
      '',
      '   ',
      good[1],
      line(record('3-c')).slice(0, 50),
    ].join('\n');
    const history = parseHistory(text);
    expect(history.records.map((r) => r.id)).toEqual(['1-a', '2-b']);
    expect(history.skipped).toBe(4);
  });

  it('appends whole lines in a 0755 directory, 0644, and starts a new line after a torn one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demerge-history-'));
    const path = join(dir, 'lib/demerge/history.jsonl');
    expect(await appendRecord(path, renderRecord(record('1-a')), { uid: UID })).toEqual({ ok: true, rotated: false });
    // A SIGKILL or crash mid-write of some other writer: a line without its end.
    appendFileSync(path, line(record('2-torn')).slice(0, 40));
    expect(await appendRecord(path, renderRecord(record('3-c')), { uid: UID })).toEqual({ ok: true, rotated: false });
    const history = readHistory(path);
    expect(history.records.map((r) => r.id)).toEqual(['1-a', '3-c']);
    expect(history.skipped).toBe(1);
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o755);
  });

  it('refuses a directory others may write to, and a line that is not one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demerge-history-'));
    mkdirSync(join(dir, 'open'), { mode: 0o777 });
    const { chmodSync } = await import('node:fs');
    chmodSync(join(dir, 'open'), 0o777);
    expect((await appendRecord(join(dir, 'open/h.jsonl'), renderRecord(record('1')), { uid: UID })).ok).toBe(false);
    expect((await appendRecord(join(dir, 'h.jsonl'), 'a\nb\n', { uid: UID })).ok).toBe(false);
    expect((await appendRecord(join(dir, 'h.jsonl'), 'no newline', { uid: UID })).ok).toBe(false);
  });

  it('does not follow a symbolic link planted as the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demerge-history-'));
    writeFileSync(join(dir, 'victim'), 'precious\n');
    symlinkSync(join(dir, 'victim'), join(dir, 'h.jsonl'));
    expect((await appendRecord(join(dir, 'h.jsonl'), renderRecord(record('1')), { uid: UID })).ok).toBe(false);
    expect(readFileSync(join(dir, 'victim'), 'utf8')).toBe('precious\n');
  });

  it('rotates at the size cap into history.jsonl.1, and reads both, older first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demerge-history-'));
    const path = join(dir, 'h.jsonl');
    const size = Buffer.byteLength(renderRecord(record('1-000')));
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await appendRecord(path, renderRecord(record(`1-00${i}`)), { uid: UID, maxBytes: size * 3 }));
    expect(outcomes.map((o) => o.ok && o.rotated)).toEqual([false, false, false, true, false]);
    expect(readHistory(path).records.map((r) => r.id)).toEqual(['1-000', '1-001', '1-002', '1-003', '1-004']);
    expect(statSync(`${path}.1`).size).toBe(size * 3);
  });
});

/** The history module as plain JS in a directory of its own, for child processes. */
function compiledStore(): string {
  const out = mkdtempSync(join(tmpdir(), 'demerge-history-js-'));
  for (const file of ['history/record.ts', 'history/store.ts', 'system/spawn.ts', 'system/which.ts']) {
    const source = readFileSync(join(ROOT, 'src', file), 'utf8');
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    }).outputText;
    mkdirSync(dirname(join(out, file)), { recursive: true });
    writeFileSync(join(out, file.replace(/\.ts$/, '.js')), js);
  }
  writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
  return join(out, 'history/store.js');
}

const run = promisify(execFile);

describe('several runs appending at once (processes)', () => {
  const store = compiledStore();
  const writer = (path: string, id: string, count: number, maxBytes: number) =>
    run(process.execPath, [
      '--input-type=module',
      '-e',
      `import { appendRecord } from ${JSON.stringify(store)};
       for (let i = 0; i < ${count}; i++) {
         const r = ${JSON.stringify(record('X', 40))};
         r.id = ${JSON.stringify(id)} + '-' + i;
         const o = await appendRecord(${JSON.stringify(path)}, JSON.stringify(r) + '\\n', { uid: ${UID}, maxBytes: ${maxBytes} });
         if (!o.ok) { console.error(o.reason); process.exit(1); }
       }`,
    ]);

  it('loses and tears no record', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'demerge-history-')), 'h.jsonl');
    await Promise.all(['a', 'b', 'c', 'd'].map((id) => writer(path, id, 40, 64 * 1024 * 1024)));
    const history = readHistory(path);
    expect(history.skipped).toBe(0);
    expect(history.records).toHaveLength(160);
    expect(new Set(history.records.map((r) => r.id)).size).toBe(160);
  }, 60_000);

  it('rotates once at a time: every file under the cap plus a record, every line whole', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'demerge-history-')), 'h.jsonl');
    const size = Buffer.byteLength(renderRecord(record('a-00', 40)));
    const cap = size * 25;
    await Promise.all(['a', 'b', 'c'].map((id) => writer(path, id, 30, cap)));
    const history = readHistory(path);
    expect(history.skipped).toBe(0);
    expect(statSync(path).size).toBeLessThanOrEqual(cap + size);
    // Rotated only when full: two runs rotating one after the other would have put a nearly
    // empty file there, and dropped a full one.
    const rotated = statSync(`${path}.1`).size;
    expect(rotated).toBeGreaterThan(cap - size);
    expect(rotated).toBeLessThanOrEqual(cap + size * 3);
    expect(new Set(history.records.map((r) => r.id)).size).toBe(history.records.length);
  }, 60_000);
});
