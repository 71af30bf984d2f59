import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyDistccLogEvents,
  DistccLogInterpreter,
  emptyDistccLogStats,
  hostNameFromSpec,
  parseDistccLogLine,
  parseDistccLogRecord,
  splitLoggedArgv,
} from '../../src/dashboard/parse/distcc-log.js';
import type { DistccLogEvent, DistccLogLine } from '../../src/dashboard/parse/distcc-log.js';
import { MARCH_NATIVE_LOG } from './dashboard-fixtures.js';

const runs = { seed: 42, numRuns: 2000 };

describe('parseDistccLogRecord', () => {
  it.each([
    ['distcc[123] compile from a.c to a.o', { pid: 123, severity: 'info', message: 'compile from a.c to a.o' }],
    ['distcc[123] (dcc_readx) ERROR: unexpected eof on fd5', { pid: 123, fn: 'dcc_readx', severity: 'error', message: 'unexpected eof on fd5' }],
    ['distcc[7] Warning: failed to distribute x', { pid: 7, severity: 'warning', message: 'failed to distribute x' }],
    ['distcc[7] (f) CRITICAL! boom', { pid: 7, fn: 'f', severity: 'critical', message: 'boom' }],
    ['distcc[7] (f) EMERGENCY! boom\r', { pid: 7, fn: 'f', severity: 'emergency', message: 'boom' }],
  ])('%j', (line, expected) => {
    expect(parseDistccLogRecord(line)).toEqual(expected);
  });

  it.each(['', 'distccd[1] x', 'distcc[] x', 'distcc[1]x', 'gcc: error: x', `distcc[1] ${'x'.repeat(5000)}`])('rejects %j', (line) => {
    expect(parseDistccLogRecord(line)).toBeUndefined();
  });
});

describe('hostNameFromSpec', () => {
  it.each([
    ['distcc@node1/4,lzo', 'node1'],
    ['distcc@node1', 'node1'],
    ['@node1/8', 'node1'],
    ['distcc@node1:/usr/bin/distccd', 'node1'],
    ['node1:3632/8', 'node1'],
    ['node1/8,lzo,cpp', 'node1'],
    ['user@[fe80::1]/4', 'fe80::1'],
    ['[::1]:3632', '::1'],
    ['localhost/2', 'localhost'],
    ['localhost', 'localhost'],
  ])('%s → %s', (spec, host) => {
    expect(hostNameFromSpec(spec)).toBe(host);
  });
});

describe('parseDistccLogLine', () => {
  it.each<[string, DistccLogLine | undefined]>([
    ['distcc[101] compile from hello.c to hello.o', { kind: 'distributable', pid: 101, file: 'hello.c', output: 'hello.o' }],
    ['distcc[101] output to stdout?  running locally', { kind: 'not-distributable', pid: 101, cause: { id: 'output-stdout', flag: '-o -' } }],
    [
      'distcc[101] exec on distcc@node1/4,lzo: x86_64-pc-linux-gnu-gcc -O2 -c hello.c -o hello.o',
      { kind: 'exec', pid: 101, hostSpec: 'distcc@node1/4,lzo', host: 'node1' },
    ],
    [
      'distcc[101] exec on localhost: gcc -c a.c -o a.o',
      { kind: 'exec', pid: 101, hostSpec: 'localhost', host: 'localhost', argv: ['gcc', '-c', 'a.c', '-o', 'a.o'] },
    ],
    [
      'distcc[101] exec on localhost: gcc "-DMSG="hi there"" -c "my file.c" ""',
      { kind: 'exec', pid: 101, hostSpec: 'localhost', host: 'localhost', argv: ['gcc', '-DMSG="hi there"', '-c', 'my file.c', ''] },
    ],
    ['distcc[101] exec on localhost: ', { kind: 'exec', pid: 101, hostSpec: 'localhost', host: 'localhost', argv: [] }],
    [
      'distcc[101] 2345 bytes from hello.c compiled on node1 in 1.0312s, rate 2kB/s',
      { kind: 'remote-timing', pid: 101, bytes: 2345, file: 'hello.c', host: 'node1', seconds: 1.0312 },
    ],
    [
      'distcc[101] compile hello.c on distcc@node1/4 completed ok',
      { kind: 'completed', pid: 101, command: 'compile', file: 'hello.c', hostSpec: 'distcc@node1/4', host: 'node1' },
    ],
    [
      'distcc[101] compile my file.c on localhost completed ok',
      { kind: 'completed', pid: 101, command: 'compile', file: 'my file.c', hostSpec: 'localhost', host: 'localhost' },
    ],
    [
      'distcc[101] cpp hello.c on localhost completed ok',
      { kind: 'completed', pid: 101, command: 'cpp', file: 'hello.c', hostSpec: 'localhost', host: 'localhost' },
    ],
    [
      'distcc[101] ERROR: compile b.c on distcc@node2:/usr/bin/distccd failed',
      { kind: 'failed', pid: 101, command: 'compile', file: 'b.c', hostSpec: 'distcc@node2:/usr/bin/distccd', host: 'node2', detail: 'failed' },
    ],
    [
      'distcc[101] ERROR: compile b.c on distcc@node2/4 failed with exit code 4',
      { kind: 'failed', pid: 101, command: 'compile', file: 'b.c', hostSpec: 'distcc@node2/4', host: 'node2', detail: 'failed with exit code 4' },
    ],
    [
      'distcc[101] ERROR: compile b.c on localhost: Segmentation fault (core dumped)',
      { kind: 'failed', pid: 101, command: 'compile', file: 'b.c', hostSpec: 'localhost', host: 'localhost', detail: 'Segmentation fault (core dumped)' },
    ],
    ['distcc[101] elapsed compilation time 1.043210s', { kind: 'elapsed', pid: 101, seconds: 1.04321 }],
    ['distcc[101] (dcc_exit) exit: code 0; self: 0.000000 user 0.004000 sys; children: 0.010000 user 0.002000 sys', { kind: 'exit', pid: 101, code: 0 }],
    [
      'distcc[103] Warning: failed to distribute b.c to distcc@node2/4, running locally instead',
      { kind: 'fallback', pid: 103, file: 'b.c', hostSpec: 'distcc@node2/4', host: 'node2' },
    ],
    // The form with the function name (not what compile.c logs, RS_LOG_NONAME, but harmless).
    [
      'distcc[103] (dcc_build_somewhere) Warning: failed to distribute src/b.c to node2/4, running locally instead',
      { kind: 'fallback', pid: 103, file: 'src/b.c', hostSpec: 'node2/4', host: 'node2' },
    ],
    ['distcc[103] (dcc_build_somewhere) Warning: failed to distribute, running locally instead', { kind: 'fallback', pid: 103 }],
    ["distcc[103] (dcc_build_somewhere) Warning: remote compilation of 'b.c' failed, retrying locally", { kind: 'remote-failed', pid: 103, file: 'b.c' }],
    [
      "distcc[103] (dcc_build_somewhere) Warning: x.S: can't distribute due to unsupported directives, running locally",
      { kind: 'unsupported', pid: 103, file: 'x.S' },
    ],
    ["distcc[103] (dcc_build_somewhere) Warning: Couldn't find a host in 3 attempts, retrying locally", { kind: 'retries-exhausted', pid: 103, attempts: 3 }],
    ['distcc[104] (dcc_readx) ERROR: unexpected eof on fd5', { kind: 'complaint', pid: 104, severity: 'error', message: 'unexpected eof on fd5' }],
    // dcc_scan_args' INFO lines (rs_log_info, so with the function name).
    ['distcc[104] (dcc_scan_args) compiler apparently called not for compile', { kind: 'not-distributable', pid: 104, cause: { id: 'not-compile' } }],
    ['distcc[104] (dcc_scan_args) called for link?  i give up', { kind: 'not-distributable', pid: 104, cause: { id: 'several-outputs' } }],
    ['distcc[104] (dcc_scan_args) do we have two inputs?  i give up', { kind: 'not-distributable', pid: 104, cause: { id: 'several-inputs' } }],
    ['distcc[104] (dcc_scan_args) no visible input file', { kind: 'not-distributable', pid: 104, cause: { id: 'no-input' } }],
    ['distcc[104] (dcc_scan_args) compiler will emit/use profile info; must be local', { kind: 'not-distributable', pid: 104, cause: { id: 'profile' } }],
    ['distcc[104] (dcc_scan_args) compiler will emit .rpo files; must be local', { kind: 'not-distributable', pid: 104, cause: { id: 'repo' } }],
    [
      "distcc[104] (dcc_scan_args) gcc's -x handling is complex; running locally for assembler-with-cpp",
      { kind: 'not-distributable', pid: 104, cause: { id: 'language', flag: '-x assembler-with-cpp' } },
    ],
    [
      "distcc[104] (dcc_scan_args) gcc's debug option -dr may write extra files; running locally",
      { kind: 'not-distributable', pid: 104, cause: { id: 'debug-dump', flag: '-dr' } },
    ],
    [
      'distcc[104] (dcc_output_from_source) ERROR: source file .c is bogus',
      { kind: 'not-distributable', pid: 104, cause: { id: 'bad-source-name', flag: '.c' } },
    ],
    ['distcc[104] (dcc_scan_args) no visible output file, going to add "-o a.o" at end', undefined],
    ['distcc[104] (dcc_collect_child) ssh times: user 0.001000s, system 0.002000s, 100 minflt, 0 majflt', undefined],
    ['distcc[104] compile from x', undefined],
    ['distcc[104] exec on : x', undefined],
    ['distcc[104] compile x on localhost eventually', undefined],
  ])('%j', (line, expected) => {
    expect(parseDistccLogLine(line)).toEqual(expected);
  });

  it('sanitizes what it keeps', () => {
    expect(parseDistccLogLine('distcc[1] compile from a\x1b]0;pwned\x07.c to a.o')).toMatchObject({ file: 'a.c' });
    expect(parseDistccLogLine('distcc[1] ERROR: \x1b[2Jwiped')).toMatchObject({ message: 'wiped' });
  });

  it('never throws, and its strings are clean (fuzz)', () => {
    const heads = [
      'distcc[1] ',
      'distcc[1] (f) ERROR: ',
      'distcc[1] Warning: failed to distribute ',
      'distcc[1] compile ',
      'distcc[1] exec on ',
      'distcc[1] compile from ',
      '',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...heads),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.constantFrom('', ' completed ok', ', running locally instead', ' failed'),
        (head, middle, tail) => {
          const line = parseDistccLogLine(head + middle + tail);
          if (!line) return;
          for (const value of Object.values(line)) {
            if (typeof value === 'string') expect(value).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
            if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
          }
        },
      ),
      runs,
    );
  });
});

const SAMPLE_LOG = `
distcc[101] compile from hello.c to hello.o
distcc[101] exec on distcc@node1/4: x86_64-pc-linux-gnu-gcc -O2 -c hello.c -o hello.o
distcc[101] 2345 bytes from hello.c compiled on node1 in 1.0312s, rate 2kB/s
distcc[101] compile hello.c on distcc@node1/4 completed ok
distcc[101] elapsed compilation time 1.043210s
distcc[101] (dcc_exit) exit: code 0; self: 0.000000 user 0.004000 sys; children: 0.010000 user 0.002000 sys
distcc[102] compile from a.c to a.o
distcc[102] exec on localhost: x86_64-pc-linux-gnu-gcc -c a.c -o a.o
distcc[102] compile a.c on localhost completed ok
distcc[102] elapsed compilation time 0.021000s
distcc[102] (dcc_exit) exit: code 0; self: 0.000000 user 0.004000 sys; children: 0.010000 user 0.002000 sys
distcc[103] compile from b.c to b.o
distcc[103] exec on distcc@node2/4: gcc -c b.c -o b.o
distcc[103] ERROR: compile b.c on distcc@node2/4 failed
distcc[103] (dcc_build_somewhere) Warning: remote compilation of 'b.c' failed, retrying locally
distcc[103] Warning: failed to distribute b.c to distcc@node2/4, running locally instead
distcc[103] exec on localhost: gcc -c b.c -o b.o
distcc[103] compile b.c on localhost completed ok
distcc[104] compile from c.c to c.o
distcc[104] exec on distcc@node3/4: gcc -c c.c -o c.o
distcc[104] (dcc_readx) ERROR: unexpected eof on fd5
distcc[104] (dcc_r_token_int) ERROR: read failed while waiting for token "DONE"
distcc[104] exec on localhost: gcc -c c.c -o c.o
distcc[104] compile c.c on localhost completed ok
distcc[105] compile from d.c to d.o
distcc[105] exec on distcc@node3/4: gcc -c d.c -o d.o
distcc[105] (dcc_readx) ERROR: unexpected eof on fd7
distcc[105] exec on distcc@node1/4: gcc -c d.c -o d.o
distcc[105] compile d.c on distcc@node1/4 completed ok
distcc[106] (dcc_scan_args) called for link?  i give up
distcc[106] exec on localhost: gcc -o hello hello.o
distcc[106] compile (null) on localhost completed ok
distcc[107] cpp e.c on localhost completed ok
`;

function interpret(text: string): DistccLogEvent[] {
  const interpreter = new DistccLogInterpreter();
  return text.split('\n').flatMap((line) => interpreter.pushLine(line));
}

describe('DistccLogInterpreter', () => {
  const events = interpret(SAMPLE_LOG);

  it('reports a remote job with its time', () => {
    expect(events).toContainEqual({
      kind: 'job-done',
      pid: 101,
      file: 'hello.c',
      host: 'node1',
      ok: true,
      local: false,
      distributable: true,
      fallback: false,
      seconds: 1.0312,
    });
    expect(events).toContainEqual({ kind: 'elapsed', pid: 101, host: 'node1', seconds: 1.04321 });
  });

  it('reports a distributable job compiled locally by choice', () => {
    expect(events).toContainEqual({ kind: 'local-compile', pid: 102, file: 'a.c' });
    expect(events).toContainEqual({ kind: 'job-done', pid: 102, file: 'a.c', host: 'localhost', ok: true, local: true, distributable: true, fallback: false });
  });

  it('reports distcc’s own fallback with its reason', () => {
    expect(events.filter((e) => e.pid === 103)).toEqual([
      { kind: 'job-done', pid: 103, file: 'b.c', host: 'node2', ok: false, local: false, distributable: true, fallback: false },
      { kind: 'fallback', pid: 103, file: 'b.c', host: 'node2', reason: 'remote compile failed' },
      { kind: 'job-done', pid: 103, file: 'b.c', host: 'localhost', ok: true, local: true, distributable: true, fallback: true },
    ]);
  });

  it('reports the silent fallback to localhost after a failed attempt', () => {
    expect(events.filter((e) => e.pid === 104)).toEqual([
      { kind: 'fallback', pid: 104, file: 'c.c', host: 'node3', reason: 'unexpected eof on fd' },
      { kind: 'job-done', pid: 104, file: 'c.c', host: 'localhost', ok: true, local: true, distributable: true, fallback: true },
    ]);
  });

  it('reports a failed attempt that moved to another node', () => {
    expect(events.filter((e) => e.pid === 105)).toEqual([
      { kind: 'attempt-failed', pid: 105, host: 'node3', reason: 'unexpected eof on fd' },
      { kind: 'job-done', pid: 105, file: 'd.c', host: 'node1', ok: true, local: false, distributable: true, fallback: false },
    ]);
  });

  it('tells local-only work from lost chances, and ignores cpp', () => {
    expect(events.filter((e) => e.pid === 106)).toEqual([
      {
        kind: 'job-done',
        pid: 106,
        file: '(null)',
        host: 'localhost',
        ok: true,
        local: true,
        distributable: false,
        fallback: false,
        cause: { id: 'several-outputs', flag: 'hello.o', label: 'linking (several outputs)' },
      },
    ]);
    expect(events.filter((e) => e.pid === 107)).toEqual([]);
  });

  it('counts jobs and fallbacks per host', () => {
    const stats = applyDistccLogEvents(emptyDistccLogStats(), events);
    const host = (name: string) => stats.hosts.find((h) => h.host === name);
    expect(host('node1')).toEqual({ host: 'node1', jobs: 2, failed: 0, failedAttempts: 0, fallbacks: 0, jobSeconds: 1.0312, elapsedSeconds: 1.04321 });
    expect(host('node2')).toMatchObject({ jobs: 0, failed: 1, fallbacks: 1 });
    expect(host('node3')).toMatchObject({ jobs: 0, failedAttempts: 1, fallbacks: 1 });
    expect(host('localhost')).toMatchObject({ jobs: 4 });
    expect(stats).toMatchObject({ localByChoice: 1, localAfterFallback: 2, localOnly: 1, fallbacks: 2 });
    expect(stats.localOnlyByCause).toEqual([{ cause: 'linking (several outputs)', count: 1 }]);
    expect(stats.fallbackReasons).toEqual([
      { reason: 'remote compile failed', count: 1 },
      { reason: 'unexpected eof on fd', count: 1 },
    ]);
  });

  it('reports a fallback without a host or reason', () => {
    expect(interpret('distcc[9] Warning: failed to distribute, running locally instead')).toEqual([{ kind: 'fallback', pid: 9 }]);
    const stats = applyDistccLogEvents(emptyDistccLogStats(), [{ kind: 'fallback', pid: 9 }]);
    expect(stats.fallbackReasons).toEqual([{ reason: '(no reason logged)', count: 1 }]);
  });

  it('bounds hosts and reasons under hostile input', () => {
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      lines.push(`distcc[${i}] exec on n${i}: gcc`, `distcc[${i}] ERROR: reason ${i}`, `distcc[${i}] exec on localhost: gcc`);
    }
    const stats = applyDistccLogEvents(emptyDistccLogStats(), interpret(lines.join('\n')));
    expect(stats.hosts.length).toBeLessThanOrEqual(256);
    expect(stats.fallbackReasons.length).toBeLessThanOrEqual(64);
    expect(stats.fallbacks).toBe(400);
    expect(stats.fallbackReasons.reduce((sum, r) => sum + r.count, 0)).toBe(400);
  });

  it('never throws and keeps counts sane on shuffled real lines (fuzz)', () => {
    const real = SAMPLE_LOG.trim().split('\n');
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom(...real),
            fc.string({ unit: 'binary', maxLength: 80 }).map((s) => `distcc[1${s.length % 3}] ${s}`),
          ),
          { maxLength: 60 },
        ),
        (lines) => {
          const stats = applyDistccLogEvents(emptyDistccLogStats(), interpret(lines.join('\n')));
          for (const host of stats.hosts) {
            for (const n of [host.jobs, host.failed, host.failedAttempts, host.fallbacks, host.jobSeconds, host.elapsedSeconds]) {
              expect(n).toBeGreaterThanOrEqual(0);
            }
          }
          expect(stats.fallbackReasons.reduce((sum, r) => sum + r.count, 0)).toBe(stats.fallbacks);
        },
      ),
      runs,
    );
  });
});

describe('splitLoggedArgv', () => {
  // dcc_argv_tostr (src/argutil.c): words one space apart, quoted when empty or holding
  // space, tab, newline, ' " or ;, nothing escaped.
  it.each<[string, string[]]>([
    ['gcc -c a.c', ['gcc', '-c', 'a.c']],
    ['gcc "" -c', ['gcc', '', '-c']],
    ['gcc "my file.c"', ['gcc', 'my file.c']],
    ['gcc "-DA=\'b\'" "-DX=1;y"', ['gcc', "-DA='b'", '-DX=1;y']],
    ['gcc "-DV="1.0"" -c', ['gcc', '-DV="1.0"', '-c']],
    ['gcc """', ['gcc', '"']],
    ['gcc "tab\there"', ['gcc', 'tab\there']],
    ['gcc -c', ['gcc', '-c']],
    ['', []],
    // Cut inside a quoted word: the rest is the word.
    ['gcc "-DMSG=unfinished', ['gcc', '-DMSG=unfinished']],
  ])('%j', (text, words) => {
    expect(splitLoggedArgv(text)).toEqual({ words, cut: false });
  });

  it('bounds the words of hostile input, in linear time', () => {
    const many = splitLoggedArgv('x '.repeat(100_000));
    expect(many.words).toHaveLength(2048);
    expect(many.cut).toBe(true);
    expect(splitLoggedArgv(`"${'"a'.repeat(200_000)}`).words).toHaveLength(1);
  });
});

function jobCauses(events: readonly DistccLogEvent[]): Array<[number, string | undefined]> {
  return events.flatMap((e) => (e.kind === 'job-done' ? [[e.pid, e.cause?.label] as [number, string | undefined]] : []));
}

describe('causes of local-only jobs', () => {
  it('reads -march=native, -E and links from interleaved distcc 3.4 lines', () => {
    const events = interpret(MARCH_NATIVE_LOG.join('\n'));
    expect(jobCauses(events)).toEqual([
      [24302, '-march=native'],
      [24301, '-march=native'],
      [24303, 'preprocess only (-E)'],
      [24310, 'linking (several outputs)'],
      [24311, '-march=native'],
    ]);
    expect(events.find((e) => e.kind === 'job-done' && e.pid === 24301)).toEqual({
      kind: 'job-done',
      pid: 24301,
      file: '(null)',
      host: 'localhost',
      ok: true,
      local: true,
      distributable: false,
      fallback: false,
      cause: { id: 'march-native', flag: '-march=native', label: '-march=native' },
    });
    const stats = applyDistccLogEvents(emptyDistccLogStats(), events);
    expect(stats).toMatchObject({ localOnly: 5, localByChoice: 0, localAfterFallback: 0, fallbacks: 0 });
    expect(stats.localOnlyByCause).toEqual([
      { cause: '-march=native', count: 3 },
      { cause: 'preprocess only (-E)', count: 1 },
      { cause: 'linking (several outputs)', count: 1 },
    ]);
  });

  it('falls back to the INFO lines without a command line, and says when nothing was logged', () => {
    const events = interpret(
      [
        'distcc[7] (dcc_scan_args) compiler will emit/use profile info; must be local',
        'distcc[8] (dcc_scan_args) no visible input file',
        'distcc[7] compile pgo.c on localhost completed ok',
        'distcc[8] compile (null) on localhost completed ok',
        'distcc[9] compile odd.c on localhost completed ok',
      ].join('\n'),
    );
    expect(jobCauses(events)).toEqual([
      [7, 'profiling (-fprofile-*)'],
      [8, 'no C/C++ source (e.g. .S)'],
      [9, '(cause not logged)'],
    ]);
  });

  it('takes the flag from the command line when the INFO line agrees, and the INFO line when not', () => {
    const events = interpret(
      [
        'distcc[7] (dcc_scan_args) compiler will emit/use profile info; must be local',
        'distcc[7] exec on localhost: gcc -O2 -fprofile-generate -c pgo.c',
        'distcc[7] compile pgo.c on localhost completed ok',
        // A distcc newer than 3.4 distributes -flto, so its own reason is the one that counts.
        'distcc[8] (dcc_scan_args) no visible input file',
        'distcc[8] exec on localhost: gcc -flto -c start.S',
        'distcc[8] compile (null) on localhost completed ok',
        // Distributable by distcc's rules, yet run locally without "compile from": no cause known.
        'distcc[9] exec on localhost: gcc -c ok.c',
        'distcc[9] compile ok.c on localhost completed ok',
      ].join('\n'),
    );
    expect(jobCauses(events)).toEqual([
      [7, 'profiling (-fprofile-generate)'],
      [8, 'no C/C++ source (e.g. .S)'],
      [9, '(cause not logged)'],
    ]);
  });

  it('gives distributable jobs no cause, whether compiled here by choice or after a fallback', () => {
    const events = interpret(SAMPLE_LOG);
    expect(events.some((e) => e.kind === 'job-done' && e.local && e.distributable)).toBe(true);
    expect(events.filter((e) => e.kind === 'job-done' && e.distributable).every((e) => e.kind === 'job-done' && e.cause === undefined)).toBe(true);
  });

  it('trusts a cut command line only for a rule decided before the cut', () => {
    // rs_logger_file cuts a message at 4088 bytes: the end of a long command line is lost.
    const long = (head: string): string => `${head} ${'-I/usr/include/some/long/path '.repeat(200)}`.slice(0, 4088);
    const early = parseDistccLogLine(long('distcc[7] exec on localhost: gcc -march=native -c'));
    expect(early).toMatchObject({ kind: 'exec', argvCut: true });
    const events = interpret(
      [
        long('distcc[7] exec on localhost: gcc -march=native -c'),
        'distcc[7] compile (null) on localhost completed ok',
        // Cut before its -c and source: "not a compile" would be a guess.
        long('distcc[8] exec on localhost: gcc -O2'),
        'distcc[8] compile big.c on localhost completed ok',
        long('distcc[9] exec on localhost: gcc -O2'),
        'distcc[9] (dcc_scan_args) do we have two inputs?  i give up',
        'distcc[9] compile a.c on localhost completed ok',
      ].join('\n'),
    );
    expect(jobCauses(events)).toEqual([
      [7, '-march=native'],
      [8, '(cause not logged)'],
      [9, 'several source files'],
    ]);
    expect(parseDistccLogLine('distcc[7] exec on localhost: gcc -c a.c')).not.toHaveProperty('argvCut');
  });

  it('keeps causes clean and bounded under hostile input', () => {
    const lines: string[] = [];
    for (let i = 0; i < 400; i++)
      lines.push(`distcc[${i}] exec on localhost: gcc -specs=\x1b[2J${i} -c a.c`, `distcc[${i}] compile a.c on localhost completed ok`);
    const events = interpret(lines.join('\n'));
    for (const [, label] of jobCauses(events)) expect(label).not.toMatch(/\x1b/);
    const stats = applyDistccLogEvents(emptyDistccLogStats(), events);
    expect(stats.localOnlyByCause.length).toBeLessThanOrEqual(64);
    expect(stats.localOnlyByCause.at(-1)).toEqual({ cause: '(other causes)', count: 400 - 63 });
    expect(stats.localOnlyByCause.reduce((sum, c) => sum + c.count, 0)).toBe(stats.localOnly);
  });

  it('never throws on hostile command lines, and keeps what it shows clean (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom('', '-march=native ', '-c a.c ', '"x '), (tail, head) => {
        const interpreter = new DistccLogInterpreter();
        const line = parseDistccLogLine(`distcc[5] exec on localhost: gcc ${head}${tail}`);
        if (line?.kind === 'exec') expect(line.argv?.length ?? 0).toBeLessThanOrEqual(2048);
        const events = [
          ...interpreter.pushLine(`distcc[5] exec on localhost: gcc ${head}${tail}`),
          ...interpreter.pushLine('distcc[5] compile x.c on localhost completed ok'),
        ];
        for (const event of events) {
          if (event.kind !== 'job-done' || event.cause === undefined) continue;
          expect(event.cause.label).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
          expect(event.cause.label.length).toBeLessThanOrEqual(64);
          if (event.cause.flag !== undefined) expect(event.cause.flag).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        }
      }),
      runs,
    );
  });

  it('keeps localOnly the sum of its causes on shuffled real lines (fuzz)', () => {
    const real = [...SAMPLE_LOG.trim().split('\n'), ...MARCH_NATIVE_LOG];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...real), { maxLength: 80 }), (lines) => {
        const stats = applyDistccLogEvents(emptyDistccLogStats(), interpret(lines.join('\n')));
        expect(stats.localOnlyByCause.reduce((sum, c) => sum + c.count, 0)).toBe(stats.localOnly);
      }),
      runs,
    );
  });
});
