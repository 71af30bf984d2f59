import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DISTCC_PHASES,
  DISTCC_STATE_MAGIC,
  DISTCC_STATE_SIZE_ILP32,
  DISTCC_STATE_SIZE_LP64,
  isStaleJob,
  jobFromStateFile,
  liveJobs,
  parseDistccState,
  pidFromStateFileName,
} from '../../src/dashboard/parse/distcc-state.js';
import type { DistccJob } from '../../src/dashboard/parse/distcc-state.js';

const runs = { seed: 42, numRuns: 2000 };

interface Fields {
  size?: number;
  magic?: number;
  cpid?: number;
  file?: string | Buffer;
  host?: string | Buffer;
  slot?: number;
  phase?: number;
}

function field(value: string | Buffer): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

// struct dcc_task_state as distcc writes it on x86-64 (src/state.h): 296 bytes.
function lp64(fields: Fields = {}, littleEndian = true): Buffer {
  const data = Buffer.alloc(296);
  const u64 = (value: number, at: number) => (littleEndian ? data.writeBigUInt64LE(BigInt(value), at) : data.writeBigUInt64BE(BigInt(value), at));
  const i32 = (value: number, at: number) => (littleEndian ? data.writeInt32LE(value, at) : data.writeInt32BE(value, at));
  u64(fields.size ?? 296, 0);
  u64(fields.magic ?? DISTCC_STATE_MAGIC, 8);
  u64(fields.cpid ?? 4242, 16);
  field(fields.file ?? 'hello.c').copy(data, 24, 0, 128);
  field(fields.host ?? 'node1').copy(data, 152, 0, 128);
  i32(fields.slot ?? 0, 280);
  i32(fields.phase ?? 5, 284);
  data.writeBigUInt64LE(0xdeadbeefn, 288); // `next`: a stale pointer, ignored
  return data;
}

// The same struct on i686: 4-byte size_t and long, 280 bytes.
function ilp32(fields: Fields = {}): Buffer {
  const data = Buffer.alloc(280);
  data.writeUInt32LE(fields.size ?? 280, 0);
  data.writeUInt32LE(fields.magic ?? DISTCC_STATE_MAGIC, 4);
  data.writeUInt32LE(fields.cpid ?? 4242, 8);
  field(fields.file ?? 'hello.c').copy(data, 12, 0, 128);
  field(fields.host ?? 'node1').copy(data, 140, 0, 128);
  data.writeInt32LE(fields.slot ?? 0, 268);
  data.writeInt32LE(fields.phase ?? 5, 272);
  return data;
}

describe('parseDistccState', () => {
  it('knows the struct sizes from state.h', () => {
    expect(DISTCC_STATE_SIZE_LP64).toBe(296);
    expect(DISTCC_STATE_SIZE_ILP32).toBe(280);
  });

  it.each(DISTCC_PHASES.map((phase, index) => [phase, index] as const))('phase %s is number %i', (phase, index) => {
    expect(parseDistccState(lp64({ phase: index }))?.phase).toBe(phase);
  });

  it.each([
    [
      'remote compile',
      lp64({ file: 'foo.cc', host: 'node2', slot: 3, phase: 5, cpid: 31337 }),
      { cpid: 31337, file: 'foo.cc', host: 'node2', slot: 3, phase: 'compile' },
    ],
    ['local fallback', lp64({ file: 'bar.c', host: 'localhost', phase: 5 }), { file: 'bar.c', host: 'localhost', phase: 'compile' }],
    ['preprocess, no file noted yet', lp64({ file: '', host: 'localhost', phase: 3 }), { file: '', host: 'localhost', phase: 'preprocess' }],
    ['big-endian LP64', lp64({ file: 'be.c', phase: 2 }, false), { file: 'be.c', phase: 'connect' }],
    ['i686', ilp32({ file: 'x86.c', host: 'n', slot: 1, phase: 4 }), { file: 'x86.c', host: 'n', slot: 1, phase: 'send' }],
    ['longer file than the struct (mon.c reads the first 296 bytes)', Buffer.concat([lp64(), Buffer.alloc(10, 0xff)]), { file: 'hello.c' }],
    ['UTF-8 file name', lp64({ file: 'café.c' }), { file: 'café.c' }],
    ['Latin-1 file name', lp64({ file: Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x63]) }), { file: 'café.c' }],
    ['control characters stripped', lp64({ file: 'a\x1b]0;pwned\x07b.c', host: 'no\x1b[2Jde' }), { file: 'ab.c', host: 'node' }],
    ['bidi override stripped', lp64({ file: 'evil\u202ec.txt' }), { file: 'evilc.txt' }],
    ['no NUL: 127 bytes, as mon.c', lp64({ file: 'x'.repeat(128) }), { file: 'x'.repeat(127) }],
  ])('reads %s', (_name, data, expected) => {
    expect(parseDistccState(data)).toMatchObject(expected);
  });

  it.each([
    ['empty file (writer truncated, not written yet)', Buffer.alloc(0)],
    ['short read', lp64().subarray(0, 295)],
    ['wrong magic', lp64({ magic: 0x44494801 })],
    ['wrong struct size', lp64({ size: 300 })],
    ['32-bit size in a 64-bit file', lp64({ size: 280 })],
    ['phase past done', lp64({ phase: 8 })],
    ['negative phase', lp64({ phase: -1 })],
    ['negative slot', lp64({ slot: -1 })],
    ['absurd slot', lp64({ slot: 10_000 })],
    [
      'cpid beyond safe integers',
      (() => {
        const b = lp64();
        b.writeBigUInt64LE(2n ** 63n, 16);
        return b;
      })(),
    ],
    ['zeros', Buffer.alloc(296)],
  ])('rejects %s', (_name, data) => {
    expect(parseDistccState(data)).toBeUndefined();
  });

  it('never throws on arbitrary bytes (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), (bytes) => {
        parseDistccState(Buffer.from(bytes));
      }),
      runs,
    );
  });

  it('returns only sane jobs from a valid file with bytes changed (fuzz)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(295), fc.nat(255)), { maxLength: 20 }), (edits) => {
        const data = lp64();
        for (const [at, value] of edits) data[at] = value;
        const state = parseDistccState(data);
        if (state === undefined) return;
        expect(DISTCC_PHASES).toContain(state.phase);
        expect(state.file.length).toBeLessThanOrEqual(128);
        expect(state.file).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        expect(state.host).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        expect(state.slot).toBeGreaterThanOrEqual(0);
      }),
      runs,
    );
  });
});

describe('jobFromStateFile', () => {
  it.each([
    ['binstate_4242', 4242],
    ['binstate_1', 1],
    ['binstate_', undefined],
    ['binstate_12a', undefined],
    ['binstate_-1', undefined],
    ['binstate_0', undefined],
    ['binstate_99999999999', undefined],
    ['xbinstate_1', undefined],
    ['binstate_1.tmp', undefined],
  ])('pid of %s is %s', (name, pid) => {
    expect(pidFromStateFileName(name)).toBe(pid);
  });

  it('adds the pid from the name and the mtime', () => {
    expect(jobFromStateFile('binstate_77', lp64({ cpid: 77 }), 1_700_000_000_000)).toEqual({
      cpid: 77,
      file: 'hello.c',
      host: 'node1',
      slot: 0,
      phase: 'compile',
      pid: 77,
      mtimeMs: 1_700_000_000_000,
    });
  });

  it.each([
    ['bad name', 'state_77', lp64(), 1],
    ['bad content', 'binstate_77', Buffer.alloc(3), 1],
    ['bad mtime', 'binstate_77', lp64(), Number.NaN],
  ])('rejects %s', (_name, name, data, mtime) => {
    expect(jobFromStateFile(name, data, mtime)).toBeUndefined();
  });
});

describe('staleness', () => {
  const job = (mtimeMs: number, phase: DistccJob['phase'] = 'compile'): DistccJob => ({
    cpid: 1,
    pid: 1,
    file: 'a.c',
    host: 'node1',
    slot: 0,
    phase,
    mtimeMs,
  });

  it('judges by mtime, 60 s by default like mon.c', () => {
    expect(isStaleJob(job(0), 60_000)).toBe(false);
    expect(isStaleJob(job(0), 60_001)).toBe(true);
    expect(isStaleJob(job(0), 5_001, 5_000)).toBe(true);
  });

  it('keeps live jobs only', () => {
    const jobs = [job(100_000), job(0), job(100_000, 'done')];
    expect(liveJobs(jobs, 120_000)).toEqual([job(100_000)]);
  });
});
