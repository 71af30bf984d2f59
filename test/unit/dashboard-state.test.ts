import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DistccJob } from '../../src/dashboard/parse/distcc-state.js';
import { DistccLogInterpreter } from '../../src/dashboard/parse/distcc-log.js';
import { parseEmergeLogLine } from '../../src/dashboard/parse/emerge-log.js';
import type { EmergeLogEvent } from '../../src/dashboard/parse/emerge-log.js';
import type { NodeProcess, NodeSample } from '../../src/dashboard/parse/ps.js';
import {
  countJobsByHost,
  createDashboardState,
  withDistccLogEvents,
  withEmergeLogEvents,
  withJobs,
  withNodeSample,
  withNodeUnreachable,
} from '../../src/dashboard/state.js';
import type { DashboardState } from '../../src/dashboard/state.js';
import { formatDuration, renderSummary, summarize } from '../../src/dashboard/summary.js';
import { localOnlyState, NOW } from './dashboard-fixtures.js';

const runs = { seed: 42, numRuns: 500 };
const T0 = 1_795_700_000_000;

function fresh(): DashboardState {
  return createDashboardState({
    startedAt: T0,
    nodes: [
      { name: 'node1', slots: 8 },
      { name: 'node2', slots: 4 },
    ],
  });
}

function compiler(pid: number, elapsedSeconds: number, cpuPercent: number): NodeProcess {
  return { pid, ppid: 900, stat: 'R', elapsedSeconds, cpuPercent, rssKiB: 1000, comm: 'cc1', args: 'cc1', role: 'compiler', compiler: 'cc1' };
}

function sample(processes: NodeProcess[]): NodeSample {
  return { load: { one: 1, five: 1, fifteen: 1 }, cpus: 8, processes, complete: true };
}

function job(host: string, phase: DistccJob['phase'], mtimeMs: number, pid = 1): DistccJob {
  return { pid, cpid: pid, file: `f${pid}.c`, host, slot: 0, phase, mtimeMs };
}

describe('node updates', () => {
  it('starts every node connecting', () => {
    expect(fresh().nodes.map((n) => [n.name, n.status, n.slotsTotal, n.slotsBusy])).toEqual([
      ['node1', 'connecting', 8, 0],
      ['node2', 'connecting', 4, 0],
    ]);
  });

  it('marks a sampled node up with its load, cpus and rtt', () => {
    const state = withNodeSample(fresh(), 'node1', sample([compiler(10, 2, 50)]), T0 + 1000, 12.5);
    expect(state.nodes[0]).toMatchObject({ status: 'up', cpus: 8, rttMs: 12.5, sampledAt: T0 + 1000, load: { one: 1 } });
    expect(state.nodes[0]?.processes).toHaveLength(1);
    expect(state.nodes[1]?.status).toBe('connecting');
  });

  it('ignores unknown nodes and never changes its input', () => {
    const before = fresh();
    const copy = structuredClone(before);
    expect(withNodeSample(before, 'nope', sample([]), T0)).toBe(before);
    withNodeUnreachable(before, 'node1', 'x');
    withNodeSample(before, 'node1', sample([]), T0);
    expect(before).toEqual(copy);
  });

  it('goes unreachable with a sanitized reason, then up again', () => {
    let state = withNodeSample(fresh(), 'node1', sample([compiler(10, 2, 50)]), T0, 5);
    expect(state.nodes[0]?.compiles).toHaveLength(1);
    state = withNodeUnreachable(state, 'node1', 'ssh: connect to host node1 port 22: Connection refused\x1b[2J');
    expect(state.nodes[0]).toMatchObject({
      status: 'unreachable',
      unreachableReason: 'ssh: connect to host node1 port 22: Connection refused',
      processes: [],
      compiles: [],
    });
    expect(state.nodes[0]?.rttMs).toBeUndefined();
    state = withNodeSample(state, 'node1', sample([]), T0 + 5000, 4);
    expect(state.nodes[0]?.status).toBe('up');
    expect(state.nodes[0]?.unreachableReason).toBeUndefined();
  });

  it('accounts compiler CPU time when compilers go away', () => {
    let state = withNodeSample(fresh(), 'node1', sample([compiler(10, 2, 50), compiler(11, 4, 100)]), T0 + 10_000);
    state = withNodeSample(state, 'node1', sample([compiler(11, 5, 100)]), T0 + 11_000);
    // pid 10 ended: 2 s × 50 % = 1 s; pid 11 still running at 5 s.
    expect(state.nodes[0]?.compilerCpuSeconds).toBeCloseTo(1);
    expect(state.nodes[0]?.trackedCompilers).toEqual([{ pid: 11, startedAt: T0 + 6000, cpuSeconds: 5 }]);
    // pid 11 reused by a new process: the old one is settled.
    state = withNodeSample(state, 'node1', sample([compiler(11, 0, 0)]), T0 + 30_000);
    expect(state.nodes[0]?.compilerCpuSeconds).toBeCloseTo(6);
    state = withNodeUnreachable(state, 'node1', 'gone');
    expect(state.nodes[0]?.trackedCompilers).toEqual([]);
    expect(state.nodes[0]?.compilerCpuSeconds).toBeCloseTo(6);
  });

  it('keeps the compiles a sample no longer has, for ten seconds, and none once unreachable', () => {
    let state = withNodeSample(fresh(), 'node1', sample([compiler(10, 2, 50), compiler(11, 1, 50)]), T0 + 10_000);
    expect(state.nodes[0]?.goneCompiles).toBeUndefined();
    // pid 11 a second older by etimes' rounding: the same compile, not gone.
    state = withNodeSample(state, 'node1', sample([compiler(11, 3, 50)]), T0 + 11_000);
    expect(state.nodes[0]?.goneCompiles).toEqual([{ pid: 10, startedAt: T0 + 8000, goneAt: T0 + 11_000 }]);
    state = withNodeSample(state, 'node1', sample([]), T0 + 21_500);
    expect(state.nodes[0]?.goneCompiles).toEqual([{ pid: 11, startedAt: T0 + 8000, goneAt: T0 + 21_500 }]);
    state = withNodeUnreachable(state, 'node1', 'gone');
    expect(state.nodes[0]?.goneCompiles).toBeUndefined();
  });
});

describe('withJobs', () => {
  it('counts live jobs per host and phase and sets busy slots', () => {
    const now = T0 + 100_000;
    const state = withJobs(
      fresh(),
      [
        job('node1', 'compile', now - 1000, 1),
        job('node1', 'send', now - 1000, 2),
        job('localhost', 'compile', now, 3),
        job('node2', 'compile', now - 61_000, 4),
      ],
      now,
    );
    expect(state.jobs).toHaveLength(3);
    expect(state.jobsByHost.map((h) => [h.host, h.total, h.phases.compile, h.phases.send])).toEqual([
      ['localhost', 1, 1, 0],
      ['node1', 2, 1, 1],
    ]);
    expect(state.nodes.map((n) => n.slotsBusy)).toEqual([2, 0]);
    expect(state.jobsUpdatedAt).toBe(now);
  });

  it('counts every phase', () => {
    const counts = countJobsByHost([job('a', 'startup', 0), job('a', 'done', 0)]);
    expect(counts[0]?.phases).toEqual({ startup: 1, blocked: 0, connect: 0, preprocess: 0, send: 0, compile: 0, receive: 0, done: 1 });
  });
});

const DISTCC_LOG = [
  'distcc[1] compile from a.c to a.o',
  'distcc[1] exec on distcc@node1/8: gcc -c a.c',
  'distcc[1] 100 bytes from a.c compiled on node1 in 1.5000s, rate 1kB/s',
  'distcc[1] compile a.c on distcc@node1/8 completed ok',
  'distcc[2] compile from b.c to b.o',
  'distcc[2] exec on distcc@node2/4: gcc -c b.c',
  'distcc[2] (dcc_readx) ERROR: unexpected eof on fd5',
  'distcc[2] exec on localhost: gcc -c b.c',
  'distcc[2] compile b.c on localhost completed ok',
  'distcc[3] compile from c.c to c.o',
  'distcc[3] exec on localhost: gcc -c c.c',
  'distcc[3] compile c.c on localhost completed ok',
  'distcc[4] exec on distcc@node1/8: gcc -c d.c',
  'distcc[4] compile d.c on distcc@node1/8 completed ok',
];

const EMERGE_LOG = [
  '1795700000:  *** emerge --jobs=2 dev-util/hello',
  '1795700001:  >>> emerge (1 of 2) dev-libs/a-1 to /',
  '1795700001:  >>> emerge (2 of 2) dev-libs/b-1 to /',
  '1795700050:  ::: completed emerge (1 of 2) dev-libs/a-1 to /',
  "1795700090:  *** exiting unsuccessfully with status '1'.",
];

function logState(): DashboardState {
  const interpreter = new DistccLogInterpreter();
  const events = DISTCC_LOG.flatMap((line) => interpreter.pushLine(line));
  let state = withDistccLogEvents(fresh(), events);
  state = withEmergeLogEvents(
    state,
    EMERGE_LOG.map(parseEmergeLogLine).filter((e): e is EmergeLogEvent => e !== undefined),
  );
  state = withNodeSample(state, 'node1', sample([compiler(10, 60, 100)]), T0 + 60_000);
  return state;
}

describe('summarize', () => {
  it('sums up the run', () => {
    const summary = summarize(logState(), T0 + 125_000);
    expect(summary).toMatchObject({
      wallSeconds: 125,
      remoteJobs: 2,
      localByChoice: 1,
      localAfterFallback: 1,
      localOnly: 0,
      distributableJobs: 4,
      remoteSharePercent: 50,
      fallbacks: { total: 1, byHost: [{ host: 'node2', count: 1 }], reasons: [{ reason: 'unexpected eof on fd', count: 1 }] },
      emerge: { completed: 1, total: 2, exitCode: 1, failed: true, failedPackages: ['dev-libs/b-1'] },
    });
    expect(summary.nodes).toEqual([
      { name: 'node1', jobs: 2, failed: 0, failedAttempts: 0, fallbacks: 0, jobSeconds: 1.5, cpuSeconds: 60 },
      { name: 'node2', jobs: 0, failed: 0, failedAttempts: 0, fallbacks: 1, jobSeconds: 0 },
    ]);
  });

  it('has no share without distributable jobs', () => {
    expect(summarize(fresh(), T0).remoteSharePercent).toBeUndefined();
  });

  it('renders plain text within 80 columns', () => {
    const text = renderSummary(summarize(logState(), T0 + 125_000));
    expect(text).toBe(
      [
        'demerge run summary',
        'Wall time 2m 05s, 1 of 2 packages merged, emerge exited 1.',
        '2 of 4 compile jobs ran remotely (50.0%), 1 locally by choice, 1 locally after a',
        '  fallback.',
        'Failed or unfinished: dev-libs/b-1',
        '',
        'Node                        Jobs  Failed Retried Fell back  Job time       CPU',
        'node1                          2       0       0         0      1.5s    1m 00s',
        'node2                          0       0       0         1         -         -',
        '',
        'Package                               Remote  Local  Share     Time',
        'dev-libs/a-1                         no C/C++ jobs              49s',
        'dev-libs/b-1                         no C/C++ jobs         not done',
        'unattributed                               2      2      -',
        '    local: 1 by choice (a local slot was free), 1 after a fallback',
        '',
        'Fallbacks to local compiles: 1',
        '       1  unexpected eof on fd',
        '',
      ].join('\n'),
    );
  });

  it('counts the local-only jobs by distcc’s cause', () => {
    const summary = summarize(localOnlyState(), NOW);
    expect(summary).toMatchObject({ remoteJobs: 0, distributableJobs: 0, localOnly: 5 });
    expect(summary.localOnlyByCause).toEqual([
      { cause: '-march=native', count: 3 },
      { cause: 'preprocess only (-E)', count: 1 },
      { cause: 'linking (several outputs)', count: 1 },
    ]);
    expect(renderSummary(summary)).toBe(
      [
        'demerge run summary',
        'Wall time 42s, 0 of 1 package merged, no exit status logged.',
        'No distributable compile jobs (5 local-only).',
        '',
        'Node                        Jobs  Failed Retried Fell back  Job time       CPU',
        'node1                          0       0       0         0         -      0.0s',
        'node2                          0       0       0         0         -      0.0s',
        '',
        'Package                               Remote  Local  Share     Time',
        'dev-util/hello-1.0                   no C/C++ jobs         not done',
        'unattributed                               0      5      -',
        '    local: 3 -march=native, 1 preprocess only (-E), 1 linking (several outputs)',
        '',
        'Local-only jobs by cause (distcc would not distribute them):',
        '       3  -march=native',
        '       1  preprocess only (-E)',
        '       1  linking (several outputs)',
        '',
      ].join('\n'),
    );
  });

  it('lists the causes beside distributed jobs too', () => {
    let state = logState();
    state = withDistccLogEvents(state, [
      {
        kind: 'job-done',
        pid: 50,
        file: '(null)',
        host: 'localhost',
        ok: true,
        local: true,
        distributable: false,
        fallback: false,
        cause: { id: 'not-compile', label: 'linking or not a compile' },
      },
      { kind: 'job-done', pid: 51, file: '(null)', host: 'localhost', ok: true, local: true, distributable: false, fallback: false },
    ]);
    const text = renderSummary(summarize(state, T0 + 125_000));
    expect(text).toContain('2 of 4 compile jobs ran remotely (50.0%), 1 locally by choice, 1 locally after a\n  fallback, 2 could not be distributed.');
    expect(text).toContain('Local-only jobs by cause (distcc would not distribute them):\n       1  linking or not a compile\n       1  (cause not logged)\n');
  });

  it.each([
    [0.04, '0.0s'],
    [9.96, '10.0s'],
    [42, '42s'],
    [125, '2m 05s'],
    [3725, '1h 02m'],
    [-1, '?'],
    [Number.NaN, '?'],
  ])('formats %d s as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('stays within 80 columns and free of escapes whatever the names (fuzz)', () => {
    const hostile = fc.string({ unit: 'binary', maxLength: 120 });
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 4 }), hostile, hostile, fc.nat(10_000_000), (names, reason, cpv, wall) => {
        let state = createDashboardState({ startedAt: 0, nodes: names.map((name) => ({ name, slots: 4 })) });
        const host = state.nodes[0]?.name ?? '';
        state = withDistccLogEvents(state, [
          { kind: 'job-done', pid: 1, file: 'a.c', host, ok: true, local: false, distributable: true, fallback: false },
          { kind: 'fallback', pid: 2, host, reason },
          { kind: 'job-done', pid: 3, file: 'b.c', host: reason, ok: true, local: false, distributable: true, fallback: false },
          {
            kind: 'job-done',
            pid: 4,
            file: 'c.c',
            host: 'localhost',
            ok: true,
            local: true,
            distributable: false,
            fallback: false,
            cause: { id: 'unknown', label: reason },
          },
        ]);
        state = withEmergeLogEvents(state, [
          { kind: 'package-start', time: 1, index: 1, total: 1, cpv, root: '/' },
          { kind: 'terminating', time: 2 },
        ]);
        const text = renderSummary(summarize(state, wall));
        for (const line of text.split('\n')) {
          expect(line.length).toBeLessThanOrEqual(80);
          expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        }
      }),
      runs,
    );
  });
});
