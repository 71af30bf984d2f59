import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEmergeLogEvent, applyEmergeLogEvents, emptyEmergeProgress, parseEmergeLogLine } from '../../src/dashboard/parse/emerge-log.js';
import type { EmergeLogEvent } from '../../src/dashboard/parse/emerge-log.js';
import { LineSplitter } from '../../src/dashboard/parse/line-splitter.js';

const runs = { seed: 42, numRuns: 2000 };
const EBUILD = '/var/db/repos/gentoo/dev-libs/libfoo/libfoo-1.2.ebuild';

describe('parseEmergeLogLine', () => {
  it.each<[string, EmergeLogEvent | undefined]>([
    ['1795700835:  *** emerge --jobs=2 --verbose dev-util/hello', { kind: 'session-start', time: 1795700835, args: '--jobs=2 --verbose dev-util/hello' }],
    ['1795700835:  *** emerge  dev-util/hello', { kind: 'session-start', time: 1795700835, args: 'dev-util/hello' }],
    [
      '1795700840:  >>> emerge (1 of 2) dev-libs/libfoo-1.2 to /',
      { kind: 'package-start', time: 1795700840, index: 1, total: 2, cpv: 'dev-libs/libfoo-1.2', root: '/' },
    ],
    [
      '1795700840:  >>> emerge (12 of 340) sys-libs/glibc-2.40-r5 to /mnt/gentoo/',
      { kind: 'package-start', time: 1795700840, index: 12, total: 340, cpv: 'sys-libs/glibc-2.40-r5', root: '/mnt/gentoo/' },
    ],
    [
      `1795700840:  === (1 of 2) Cleaning (dev-libs/libfoo-1.2::${EBUILD})`,
      { kind: 'package-phase', time: 1795700840, index: 1, total: 2, phase: 'Cleaning', cpv: 'dev-libs/libfoo-1.2' },
    ],
    [
      `1795700841:  === (1 of 2) Compiling/Merging (dev-libs/libfoo-1.2::${EBUILD})`,
      { kind: 'package-phase', time: 1795700841, index: 1, total: 2, phase: 'Compiling/Merging', cpv: 'dev-libs/libfoo-1.2' },
    ],
    [
      `1795700841:  === (1 of 2) Compiling/Packaging (dev-libs/libfoo-1.2::${EBUILD})`,
      { kind: 'package-phase', time: 1795700841, index: 1, total: 2, phase: 'Compiling/Packaging', cpv: 'dev-libs/libfoo-1.2' },
    ],
    [
      `1795700850:  === (1 of 2) Merging (dev-libs/libfoo-1.2::${EBUILD})`,
      { kind: 'package-phase', time: 1795700850, index: 1, total: 2, phase: 'Merging', cpv: 'dev-libs/libfoo-1.2' },
    ],
    [
      `1795700852:  === (1 of 2) Post-Build Cleaning (dev-libs/libfoo-1.2::${EBUILD})`,
      { kind: 'package-phase', time: 1795700852, index: 1, total: 2, phase: 'Post-Build Cleaning', cpv: 'dev-libs/libfoo-1.2' },
    ],
    [
      '1795700853:  === (2 of 2) Updating world file (dev-util/hello-1.0)',
      { kind: 'package-phase', time: 1795700853, index: 2, total: 2, phase: 'Updating world file', cpv: 'dev-util/hello-1.0' },
    ],
    [
      '1795700853:  --- (2 of 2) Fetching Binary (dev-util/hello-1.0::/var/cache/binpkgs/dev-util/hello/hello-1.0-1.gpkg.tar)',
      { kind: 'package-phase', time: 1795700853, index: 2, total: 2, phase: 'Fetching Binary', cpv: 'dev-util/hello-1.0' },
    ],
    [
      '1795700853:  === (2 of 2) Merging Binary (dev-util/hello-1.0::/var/cache/binpkgs/dev-util/hello/hello-1.0-1.gpkg.tar)',
      { kind: 'package-phase', time: 1795700853, index: 2, total: 2, phase: 'Merging Binary', cpv: 'dev-util/hello-1.0' },
    ],
    [
      '1795700852:  ::: completed emerge (1 of 2) dev-libs/libfoo-1.2 to /',
      { kind: 'package-complete', time: 1795700852, index: 1, total: 2, cpv: 'dev-libs/libfoo-1.2', root: '/' },
    ],
    [
      '1795700852:  === Resource usage for dev-libs/libfoo-1.2 [cpu 12.3s, mem 50M]',
      { kind: 'resource-usage', time: 1795700852, cpv: 'dev-libs/libfoo-1.2', text: 'cpu 12.3s, mem 50M' },
    ],
    ['1795700851:  === Unmerging... (dev-libs/libfoo-1.1)', { kind: 'unmerge', time: 1795700851, cpv: 'dev-libs/libfoo-1.1', result: 'start' }],
    ['1795700852:  >>> unmerge success: dev-libs/libfoo-1.1', { kind: 'unmerge', time: 1795700852, cpv: 'dev-libs/libfoo-1.1', result: 'success' }],
    ['1795700852:  !!! unmerge FAILURE: dev-libs/libfoo-1.1', { kind: 'unmerge', time: 1795700852, cpv: 'dev-libs/libfoo-1.1', result: 'failure' }],
    ['1795700860:  *** Resuming merge...', { kind: 'resume', time: 1795700860 }],
    ['1795700860:  *** Finished. Cleaning up...', { kind: 'finished', time: 1795700860 }],
    ['1795700861:  *** exiting successfully.', { kind: 'exit', time: 1795700861, code: 0 }],
    ["1795700861:  *** exiting unsuccessfully with status '1'.", { kind: 'exit', time: 1795700861, code: 1 }],
    ["1795700861:  *** exiting unsuccessfully with status '130'.", { kind: 'exit', time: 1795700861, code: 130 }],
    ['1795700861:  *** terminating.', { kind: 'terminating', time: 1795700861 }],
    ['1795700861:  *** terminating.\r', { kind: 'terminating', time: 1795700861 }],
    // Not progress, or not emerge.log at all.
    ['1795700835: Started emerge on: Nov 26, 2026 12:27:15', undefined],
    ['1795700851:  >>> AUTOCLEAN: dev-libs/libfoo:0', undefined],
    ['1795700000:  === sync', undefined],
    ['1795700000: >>> Syncing repository gentoo into /var/db/repos/gentoo...', undefined],
    ['', undefined],
    ['not a log line', undefined],
    ['12x:  *** terminating.', undefined],
    ['1795700840:  >>> emerge (0 of 2) a/b-1 to /', undefined],
    ['1795700840:  >>> emerge (1 of 2) a/b-1', undefined],
    ['1795700840:  === (1 of 2) Cleaning', undefined],
    ["1795700861:  *** exiting unsuccessfully with status 'x'.", undefined],
  ])('%j', (line, expected) => {
    expect(parseEmergeLogLine(line)).toEqual(expected);
  });

  it('strips escapes from package names and args', () => {
    expect(parseEmergeLogLine('1:  >>> emerge (1 of 1) a/b\x1b]0;pwned\x07-1 to /')).toMatchObject({ cpv: 'a/b-1' });
    expect(parseEmergeLogLine('1:  *** emerge \x1b[2J--ask')).toMatchObject({ args: '--ask' });
  });

  it('rejects over-long lines without scanning them', () => {
    expect(parseEmergeLogLine(`1:  >>> emerge (1 of 1) ${'a'.repeat(100_000)} to /`)).toBeUndefined();
  });

  const prefixes = [
    '1:  ',
    '1795700835:  ',
    '1795700835:  >>> emerge ',
    '1:  === (',
    '1:  ::: completed emerge (1 of 2) ',
    '1:  *** ',
    '1:  === Resource usage for ',
  ];
  it('never throws and keeps strings clean (fuzz)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.string({ unit: 'binary', maxLength: 300 }), (prefix, tail) => {
        const event = parseEmergeLogLine(prefix + tail);
        if (event === undefined) return;
        for (const value of Object.values(event)) {
          if (typeof value === 'string') expect(value).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
          if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
        }
      }),
      runs,
    );
  });
});

function replay(lines: string[]) {
  const events = lines.map(parseEmergeLogLine).filter((e): e is EmergeLogEvent => e !== undefined);
  return applyEmergeLogEvents(emptyEmergeProgress(), events);
}

describe('applyEmergeLogEvent', () => {
  it('follows a successful --jobs=2 run', () => {
    const progress = replay([
      '100:  *** emerge --jobs=2 dev-util/hello',
      '101:  >>> emerge (1 of 3) dev-libs/a-1 to /',
      '101:  >>> emerge (2 of 3) dev-libs/b-1 to /',
      '102:  === (1 of 3) Compiling/Merging (dev-libs/a-1::/a.ebuild)',
      '103:  === (2 of 3) Compiling/Merging (dev-libs/b-1::/b.ebuild)',
    ]);
    expect(progress).toMatchObject({ sessionStartedAt: 100, args: '--jobs=2 dev-util/hello', total: 3, lastIndex: 2, completed: 0, failed: false });
    expect(progress.open).toEqual([
      { cpv: 'dev-libs/a-1', index: 1, total: 3, startedAt: 101, phase: 'Compiling/Merging', phaseSince: 102 },
      { cpv: 'dev-libs/b-1', index: 2, total: 3, startedAt: 101, phase: 'Compiling/Merging', phaseSince: 103 },
    ]);
    const done = applyEmergeLogEvents(progress, [
      { kind: 'package-complete', time: 110, index: 1, total: 3, cpv: 'dev-libs/a-1', root: '/' },
      { kind: 'package-start', time: 111, index: 3, total: 3, cpv: 'dev-util/hello-1', root: '/' },
      { kind: 'package-complete', time: 112, index: 2, total: 3, cpv: 'dev-libs/b-1', root: '/' },
      { kind: 'package-complete', time: 120, index: 3, total: 3, cpv: 'dev-util/hello-1', root: '/' },
      { kind: 'exit', time: 121, code: 0 },
      { kind: 'terminating', time: 121 },
    ]);
    expect(done).toMatchObject({ completed: 3, lastIndex: 3, open: [], exitCode: 0, ended: true, failed: false, failedPackages: [] });
    expect(done.recent.map((p) => [p.cpv, p.startedAt, p.finishedAt])).toEqual([
      ['dev-libs/a-1', 101, 110],
      ['dev-libs/b-1', 101, 112],
      ['dev-util/hello-1', 111, 120],
    ]);
  });

  it('blames the packages still open when emerge fails', () => {
    const progress = replay([
      '100:  *** emerge --jobs=2 @world',
      '101:  >>> emerge (1 of 2) dev-libs/a-1 to /',
      '101:  >>> emerge (2 of 2) dev-libs/b-1 to /',
      '110:  ::: completed emerge (1 of 2) dev-libs/a-1 to /',
      "120:  *** exiting unsuccessfully with status '1'.",
      '120:  *** terminating.',
    ]);
    expect(progress).toMatchObject({ completed: 1, exitCode: 1, failed: true, ended: true, failedPackages: ['dev-libs/b-1'], open: [] });
  });

  it('treats terminating without a status as a stopped emerge', () => {
    const progress = replay(['100:  *** emerge x', '101:  >>> emerge (1 of 1) a/b-1 to /', '130:  *** terminating.']);
    expect(progress).toMatchObject({ failed: true, ended: true, failedPackages: ['a/b-1'] });
    expect(progress.exitCode).toBeUndefined();
  });

  it('starts over on a new session', () => {
    const progress = replay(['100:  *** emerge x', '101:  >>> emerge (1 of 1) a/b-1 to /', '200:  *** emerge y']);
    expect(progress).toMatchObject({ sessionStartedAt: 200, args: 'y', open: [], completed: 0, lastIndex: 0 });
  });

  it('does not change its input', () => {
    const before = emptyEmergeProgress();
    const frozen = JSON.stringify(before);
    applyEmergeLogEvent(before, { kind: 'package-start', time: 1, index: 1, total: 1, cpv: 'a/b-1', root: '/' });
    expect(JSON.stringify(before)).toBe(frozen);
  });

  const eventArb: fc.Arbitrary<EmergeLogEvent> = fc.oneof(
    fc.record({ kind: fc.constant('session-start' as const), time: fc.nat(), args: fc.string() }),
    fc.record({
      kind: fc.constant('package-start' as const),
      time: fc.nat(),
      index: fc.integer({ min: 1, max: 9 }),
      total: fc.integer({ min: 1, max: 9 }),
      cpv: fc.constantFrom('a/a-1', 'b/b-1', 'c/c-1'),
      root: fc.constant('/'),
    }),
    fc.record({
      kind: fc.constant('package-phase' as const),
      time: fc.nat(),
      index: fc.integer({ min: 1, max: 9 }),
      total: fc.integer({ min: 1, max: 9 }),
      phase: fc.constant('Merging'),
      cpv: fc.constantFrom('a/a-1', 'b/b-1'),
    }),
    fc.record({
      kind: fc.constant('package-complete' as const),
      time: fc.nat(),
      index: fc.integer({ min: 1, max: 9 }),
      total: fc.integer({ min: 1, max: 9 }),
      cpv: fc.constantFrom('a/a-1', 'b/b-1', 'c/c-1'),
      root: fc.constant('/'),
    }),
    fc.record({ kind: fc.constant('exit' as const), time: fc.nat(), code: fc.integer({ min: 0, max: 2 }) }),
    fc.record({ kind: fc.constant('terminating' as const), time: fc.nat() }),
  );

  it('keeps its invariants on any event order (fuzz)', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), (events) => {
        const progress = applyEmergeLogEvents(emptyEmergeProgress(), events);
        const cpvs = progress.open.map((p) => p.cpv);
        expect(new Set(cpvs).size).toBe(cpvs.length);
        expect(progress.completed).toBeGreaterThanOrEqual(0);
        expect(progress.recent.length).toBeLessThanOrEqual(50);
        if (progress.exitCode !== undefined && progress.exitCode !== 0) expect(progress.failed).toBe(true);
      }),
      runs,
    );
  });
});

describe('LineSplitter', () => {
  it('keeps partial lines until their newline', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('1:  *** emer')).toEqual([]);
    expect(splitter.push('ge x\n2:  *** term')).toEqual(['1:  *** emerge x']);
    expect(splitter.push('inating.\n')).toEqual(['2:  *** terminating.']);
    expect(splitter.flush()).toEqual([]);
  });

  it('splits many lines, empty ones and CRLF', () => {
    expect(new LineSplitter().push('a\n\nb\r\nc\n')).toEqual(['a', '', 'b', 'c']);
  });

  it('decodes a UTF-8 character split across chunks', () => {
    const bytes = Buffer.from('café\n', 'utf8');
    const splitter = new LineSplitter();
    expect(splitter.push(bytes.subarray(0, 4))).toEqual([]);
    expect(splitter.push(bytes.subarray(4))).toEqual(['café']);
  });

  it('does not keep the caller’s buffer', () => {
    const splitter = new LineSplitter();
    const buffer = Buffer.from('abc');
    splitter.push(buffer);
    buffer.write('xyz');
    expect(splitter.push('\n')).toEqual(['abc']);
  });

  it('drops over-long lines without buffering them, and recovers', () => {
    const splitter = new LineSplitter(10);
    expect(splitter.push('0123456789')).toEqual([]);
    expect(splitter.push('abc')).toEqual([]);
    expect(splitter.push('x'.repeat(1_000_000))).toEqual([]);
    expect(splitter.push('tail\nok\n')).toEqual(['ok']);
    expect(splitter.droppedLines).toBe(1);
    expect(splitter.push('0123456789\n')).toEqual(['0123456789']);
  });

  it('flushes the last unterminated line', () => {
    const splitter = new LineSplitter();
    splitter.push('a\nb');
    expect(splitter.flush()).toEqual(['b']);
    expect(splitter.flush()).toEqual([]);
  });

  it('yields the same lines however the bytes are chunked (fuzz)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, '')),
          { maxLength: 20 },
        ),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 10 }),
        (lines, sizes) => {
          const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
          const splitter = new LineSplitter(1024);
          const out: string[] = [];
          let at = 0;
          for (let i = 0; at < bytes.length; i++) {
            const size = sizes[i % sizes.length] as number;
            out.push(...splitter.push(bytes.subarray(at, at + size)));
            at += size;
          }
          expect(out).toEqual(lines);
        },
      ),
      runs,
    );
  });

  it('never holds more than the cap (fuzz)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 30 }), (chunks) => {
        const splitter = new LineSplitter(32);
        for (const chunk of chunks) {
          for (const line of splitter.push(Buffer.from(chunk))) expect(Buffer.byteLength(line.replace(/\ufffd/g, '?'))).toBeLessThanOrEqual(32);
        }
      }),
      runs,
    );
  });
});
