import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validate } from '../unit/checks-schema-validator.js';
import { compilesByNode, demerge, lab, LAB_CONFIG, resetCompiles, runDirsLeft, sum, TRANSLATION_UNITS, workspace, type Workspace } from './lab.js';

// Issue 13 on the lab: every distcc job belongs to its package, with two packages building at
// once (emerge --jobs=2, whose PID namespaces reuse the same pids), and every run is recorded
// for `demerge report`. The two packages compile different numbers of units (dev-util/hello
// all of the fixture's, dev-util/tiny one), so a swap would show; the total is checked
// against the nodes' own process accounting.

const SCHEMA = JSON.parse(readFileSync(join(import.meta.dirname, '../../schema/report.schema.json'), 'utf8')) as Record<string, unknown>;

interface ReportDoc {
  skipped: number;
  runs: Array<{
    id: string;
    exit: number | null;
    attribution: string;
    nodes: Array<{ host: string; jobs: number }>;
    packages: Array<{ atom: string; remote_jobs: number; local_jobs: number; seconds: number | null }>;
  }>;
}

/** The lab's demerge.conf has local_slots = 0: every distributable job goes to a node, so the nodes' records count them all. */
function setup(): Workspace {
  const ws = workspace();
  expect(readFileSync(LAB_CONFIG, 'utf8')).toMatch(/^local_slots = 0$/m);
  return { ...ws, env: { ...ws.env, DEMERGE_HISTORY: join(ws.dir, 'history', 'history.jsonl'), LANG: 'C' } };
}

describe('jobs per package on the lab', () => {
  beforeAll(async () => {
    await lab('status');
  });
  beforeEach(async () => {
    await resetCompiles();
  });

  it('gives two packages built at once exactly their own jobs, and records both runs', async () => {
    const ws = setup();
    const first = await demerge(['--jobs=2', 'dev-util/hello', 'dev-util/tiny'], ws);
    expect(first.exitCode, first.all).toBe(0);
    const nodes = sum((await compilesByNode()).values());
    expect(first.stderr).toMatch(/dev-util\/hello-1\.0 +\d+ +\d+ /);
    expect(first.stderr).toMatch(/dev-util\/tiny-1\.0 +1 +\d+ /);
    expect(first.stderr).not.toMatch(/unattributed/);

    await resetCompiles();
    const second = await demerge(['dev-util/tiny'], ws);
    expect(second.exitCode, second.all).toBe(0);
    const nodesSecond = sum((await compilesByNode()).values());

    const report = await demerge(['report', '--json'], ws);
    expect(report.exitCode, report.all).toBe(0);
    const doc = JSON.parse(report.stdout) as ReportDoc;
    expect(validate(SCHEMA, doc)).toEqual([]);
    expect(doc.skipped).toBe(0);
    expect(doc.runs).toHaveLength(2);
    const [one, two] = doc.runs as [ReportDoc['runs'][number], ReportDoc['runs'][number]];
    expect(one.attribution).toBe('package-logs');
    const byAtom = new Map(one.packages.map((p) => [p.atom, p]));
    expect([...byAtom.keys()].sort()).toEqual(['dev-util/hello-1.0', 'dev-util/tiny-1.0']);
    // Each package's own figure, from its own sources, and the sum from the nodes' records.
    expect(byAtom.get('dev-util/hello-1.0')?.remote_jobs).toBe(TRANSLATION_UNITS);
    expect(byAtom.get('dev-util/tiny-1.0')?.remote_jobs).toBe(1);
    expect(sum(one.packages.map((p) => p.remote_jobs))).toBe(nodes);
    expect(sum(one.nodes.map((n) => n.jobs))).toBe(nodes);
    for (const p of one.packages) expect(p.seconds).not.toBeNull();
    expect(two.packages.map((p) => [p.atom, p.remote_jobs])).toEqual([['dev-util/tiny-1.0', nodesSecond]]);
    expect(nodesSecond).toBe(1);

    const table = await demerge(['report', '--package=dev-util/tiny'], ws);
    expect(table.exitCode, table.all).toBe(0);
    expect(table.stdout).toMatch(/^dev-util\/tiny in 2 recorded runs\n/);
    expect(table.stdout.match(/Z 1\.0 +1 +\d+ +100% .* #{16}$/gm), table.stdout).toHaveLength(2);
    expect(runDirsLeft()).toEqual([]);
  }, 180_000);
});
