import { describe, expect, it } from 'vitest';
import { parseProcStat, parseSample } from '../../src/dashboard/parse/ps.js';
import { createDashboardState, nodeCpuSeconds, withNodeSample, withNodeUnreachable, type DashboardState } from '../../src/dashboard/state.js';
import { summarize } from '../../src/dashboard/summary.js';
import { sampleText, T0 } from './dashboard-fixtures.js';

// CPU per node from /proc/<pid>/stat of the distcc user's processes: a tree's time is its
// live members' own times plus what they reaped, so a long-lived distccd counts in full.

function stat(pid: number, ppid: number, ticks: number, start = pid * 10, comm = 'distccd'): string {
  // utime stime cutime cstime: put everything in cutime (reaped compilers).
  return `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 100 0 0 0 0 0 ${ticks} 0 20 0 1 0 ${start} 1000 100`;
}

function sampled(state: DashboardState, stats: string[], at: number, shell = 900): DashboardState {
  return withNodeSample(state, 'node1', parseSample(sampleText(shell, [], stats)), at);
}

const fresh = (): DashboardState => createDashboardState({ startedAt: T0, nodes: [{ name: 'node1', slots: 2 }] });

describe('/proc/<pid>/stat', () => {
  it.each([
    [stat(42, 1, 250), { pid: 42, ppid: 1, start: 420, ticks: 250 }],
    ['7 (a) b) c) R 1 7 7 0 -1 0 0 0 0 0 5 6 7 8 20 0 1 0 99 0 0', { pid: 7, ppid: 1, start: 99, ticks: 26 }],
    ['garbage', undefined],
    ['7 (x) R 1 2', undefined],
  ])('%j', (line, expected) => {
    expect(parseProcStat(line)).toEqual(expected);
  });
});

describe('node CPU', () => {
  it('counts what a distccd tree did during the run, not before', () => {
    // First sight: the daemon (root 800) already has 100 ticks; our sampling shell is left out.
    let state = sampled(fresh(), [stat(800, 1, 100), stat(801, 800, 0), stat(900, 1, 5000, 9000, 'sh')], T0);
    expect(nodeCpuSeconds(state.nodes[0]!)).toBe(0);
    // A compiler runs under 801 (250 ticks live), then is reaped into 801's cutime.
    state = sampled(state, [stat(800, 1, 100), stat(801, 800, 0), stat(802, 801, 250, 8020, 'cc1'), stat(901, 1, 10, 9010, 'sh')], T0 + 1000, 901);
    expect(nodeCpuSeconds(state.nodes[0]!)).toBeCloseTo(2.5);
    state = sampled(state, [stat(800, 1, 100), stat(801, 800, 300), stat(902, 1, 10, 9020, 'sh')], T0 + 2000, 902);
    expect(nodeCpuSeconds(state.nodes[0]!)).toBeCloseTo(3);
    // A per-job tree (ssh mode) seen once and gone: settled at what was seen.
    state = sampled(state, [stat(800, 1, 100), stat(801, 800, 300), stat(1200, 1, 40, 12000, 'distccd')], T0 + 3000);
    state = sampled(state, [stat(800, 1, 100), stat(801, 800, 300)], T0 + 4000);
    expect(nodeCpuSeconds(state.nodes[0]!)).toBeCloseTo(3.4);
    // Unreachable and back: the daemon is the same tree, not counted twice.
    state = withNodeUnreachable(state, 'node1', 'gone');
    state = sampled(state, [stat(800, 1, 100), stat(801, 800, 500)], T0 + 9000);
    expect(nodeCpuSeconds(state.nodes[0]!)).toBeCloseTo(5.4);
    expect(summarize(state, T0 + 10_000).nodes[0]?.cpuSeconds).toBeCloseTo(5.4);
  });
});
