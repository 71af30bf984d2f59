import { describe, expect, it } from 'vitest';
import { ancestors, parentIn, rootOf, treesByRoot } from '../../src/dashboard/process-tree.js';

// Parent links come from ps and /proc, which a node controls and pid reuse can tangle: the walk
// must end whatever they say.

const processes = [
  { pid: 30, ppid: 20 },
  { pid: 20, ppid: 10 },
  { pid: 10, ppid: 1 },
  { pid: 40, ppid: 10 },
  { pid: 50, ppid: 99 },
];
const parentOf = parentIn(processes);
const byPid = (pid: number) => processes.find((p) => p.pid === pid)!;

describe('the process-tree walk', () => {
  it('lists the parents nearest first, as far as the list knows them', () => {
    expect([...ancestors(byPid(30), parentOf, 64)].map((p) => p.pid)).toEqual([20, 10]);
    expect(rootOf(byPid(30), parentOf, 64).pid).toBe(10);
    expect(rootOf(byPid(50), parentOf, 64).pid).toBe(50);
  });

  it('stops at its depth and at a process that is its own parent', () => {
    expect([...ancestors(byPid(30), parentOf, 1)].map((p) => p.pid)).toEqual([20]);
    const self = { pid: 7, ppid: 7 };
    expect([...ancestors(self, parentIn([self]), 64)]).toEqual([self]);
    const a = { pid: 1, ppid: 2 };
    const b = { pid: 2, ppid: 1 };
    expect([...ancestors(a, parentIn([a, b]), 5)].map((p) => p.pid)).toEqual([2, 1, 2, 1, 2]);
  });

  it('groups by root, roots in the order their first member came', () => {
    const trees = treesByRoot(processes, parentOf, 64);
    expect([...trees].map(([root, members]) => [root.pid, members.map((p) => p.pid)])).toEqual([
      [10, [30, 20, 10, 40]],
      [50, [50]],
    ]);
  });
});
