import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  constants,
  mkdirSync,
  mkdtempSync,
  openSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleTimeoutMs, startCollectors } from '../../src/dashboard/collect/collectors.js';
import { FileTail, readDistccBackoffs, readDistccJobs, readPortageSnapshot } from '../../src/dashboard/collect/local-files.js';
import { isDescendantOf, parentFromStat } from '../../src/dashboard/collect/process-tree.js';
import { DISTCC_STATE_MAGIC } from '../../src/dashboard/parse/distcc-state.js';
import { parseObservability } from '../../src/dashboard/parse/observability.js';
import type { RunInfo } from '../../src/dashboard/run-info.js';
import { portageLine } from '../../src/dashboard/render/main-view.js';
import { lineText } from '../../src/dashboard/render/text.js';
import { buildHasStarted, createDashboardState, createRunState } from '../../src/dashboard/state.js';
import { emergeLogPath, portageFacts, PORTAGE_VARIABLES } from '../../src/portage/index.js';
import { DashboardStore } from '../../src/dashboard/store.js';

// The local collectors against real files laid out as distcc and Portage lay them out.

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'demerge-collect-'));
}

// struct dcc_task_state on x86-64 (distcc src/state.h), as in dashboard-distcc-state.test.ts.
function binstate(file: string, host: string, phase: number, cpid = 42): Buffer {
  const data = Buffer.alloc(296);
  data.writeBigUInt64LE(296n, 0);
  data.writeBigUInt64LE(BigInt(DISTCC_STATE_MAGIC), 8);
  data.writeBigUInt64LE(BigInt(cpid), 16);
  Buffer.from(file).copy(data, 24);
  Buffer.from(host).copy(data, 152);
  data.writeInt32LE(0, 280);
  data.writeInt32LE(phase, 284);
  return data;
}

const SNAPSHOT = {
  type: 'snapshot',
  schema: 1,
  emerge_pid: 4321,
  timestamp: 1795700000.5,
  jobs: { running: 1, max: 2, completed: 3, total: 9, failed: 0, merge_wait: 0, merges_pending: 0 },
  tasks: [{ cpv: 'dev-util/hello-1.0', kind: 'build', phase: 'compile', pid: 99, elapsed: 12.5, future_field: true }],
};

describe('distcc state and lock directories', () => {
  it('reads every client state file with its mtime, and nothing else', async () => {
    const state = dir();
    writeFileSync(join(state, 'binstate_100'), binstate('u001.c', 'node1', 5, 100));
    writeFileSync(join(state, 'binstate_101'), binstate('u002.c', 'localhost', 3, 101));
    writeFileSync(join(state, 'binstate_102'), Buffer.alloc(0)); // truncated before the write
    writeFileSync(join(state, 'notes.txt'), 'x');
    utimesSync(join(state, 'binstate_100'), 1_795_700_000, 1_795_700_000);
    const jobs = (await readDistccJobs(state)).sort((a, b) => a.pid - b.pid);
    expect(jobs.map((j) => [j.pid, j.file, j.host, j.phase])).toEqual([
      [100, 'u001.c', 'node1', 'compile'],
      [101, 'u002.c', 'localhost', 'preprocess'],
    ]);
    expect(jobs[0]?.mtimeMs).toBe(1_795_700_000_000);
    expect(await readDistccJobs(join(state, 'missing'))).toEqual([]);
  });

  it('never reads a FIFO or a symlink planted under a client state file name (the build group can write there)', async () => {
    const state = dir();
    writeFileSync(join(state, 'binstate_100'), binstate('u001.c', 'node1', 5, 100));
    execFileSync('mkfifo', [join(state, 'binstate_103')]);
    // A writer with a whole state record in the pipe: a read would return it as a job. Without
    // a writer, the plain open(2) of before blocked demerge's event loop for good.
    const writer = openSync(join(state, 'binstate_103'), constants.O_RDWR | constants.O_NONBLOCK);
    try {
      writeSync(writer, binstate('planted.c', 'node9', 5, 103));
      const target = join(dir(), 'elsewhere');
      writeFileSync(target, binstate('linked.c', 'node8', 5, 104));
      symlinkSync(target, join(state, 'binstate_104'));
      expect(readDistccJobs(state).map((j) => [j.pid, j.file])).toEqual([[100, 'u001.c']]);
    } finally {
      closeSync(writer);
    }
  });

  it('reads backoff marks as mtime plus the period, ignoring expired ones', async () => {
    const lock = dir();
    const now = 1_795_700_100_000;
    for (const [name, mtime] of [
      ['backoff_ssh_198.18.2.2_0', now / 1000 - 10],
      ['backoff_ssh_old.host_0', now / 1000 - 100],
      ['cpu_localhost_0', now / 1000],
    ] as const) {
      writeFileSync(join(lock, name), '');
      utimesSync(join(lock, name), mtime, mtime);
    }
    expect(await readDistccBackoffs(lock, 60_000, now)).toEqual(new Map([['198.18.2.2', now + 50_000]]));
  });
});

describe('FileTail', () => {
  it('returns what was appended since the offset, and starts over after truncation', async () => {
    const file = join(dir(), 'emerge.log');
    const tail = new FileTail(file, 0);
    expect((await tail.read()).length).toBe(0);
    writeFileSync(file, 'old line\n');
    const late = new FileTail(file, 9);
    appendFileSync(file, 'new line\n');
    expect((await late.read()).toString()).toBe('new line\n');
    expect((await late.read()).length).toBe(0);
    truncateSync(file, 0);
    appendFileSync(file, 'rotated\n');
    expect((await late.read()).toString()).toBe('rotated\n');
  });
});

describe("Portage's status file", () => {
  it('parses a schema-1 snapshot and ignores what it does not know', () => {
    expect(parseObservability(JSON.stringify(SNAPSHOT))).toEqual({
      emergePid: 4321,
      writtenAt: 1795700000500,
      running: 1,
      completed: 3,
      total: 9,
      failed: 0,
      tasks: [{ cpv: 'dev-util/hello-1.0', kind: 'build', phase: 'compile', elapsedSeconds: 12.5 }],
    });
  });

  it.each([
    ['not JSON', '{'],
    ['another kind', JSON.stringify({ ...SNAPSHOT, type: 'event' })],
    ['another schema', JSON.stringify({ ...SNAPSHOT, schema: 2 })],
    ['no pid', JSON.stringify({ ...SNAPSHOT, emerge_pid: 0 })],
  ])('refuses %s', (_name, text) => {
    expect(parseObservability(text)).toBeUndefined();
  });

  it('sanitizes names and reads only the run’s emerge', async () => {
    const run = dir();
    writeFileSync(join(run, 'emerge-4321.json'), JSON.stringify({ ...SNAPSHOT, tasks: [{ cpv: 'x/\x1b[2Jy-1', kind: 'build' }] }));
    writeFileSync(join(run, 'emerge-999.json'), JSON.stringify({ ...SNAPSHOT, emerge_pid: 999 }));
    expect((await readPortageSnapshot(run, (pid) => pid === 4321))?.tasks).toEqual([{ cpv: 'x/y-1', kind: 'build' }]);
    expect(await readPortageSnapshot(run, () => false)).toBeUndefined();
  });
});

describe('process tree', () => {
  it.each([
    ['1234 (emerge) S 77 1234 1234 0 -1', 77],
    ['1234 (a) b (c) S 78 1 1', 78],
    ['garbage', undefined],
  ])('ppid of %j', (stat, ppid) => {
    expect(parentFromStat(stat)).toBe(ppid);
  });

  it('finds an ancestor a few levels up', () => {
    const parents: Record<number, number> = { 30: 20, 20: 10, 10: 1 };
    const read = (pid: number): string | undefined => (parents[pid] === undefined ? undefined : `${pid} (x) S ${parents[pid]} 0`);
    expect(isDescendantOf(30, 10, read)).toBe(true);
    expect(isDescendantOf(30, 99, read)).toBe(false);
    expect(isDescendantOf(process.pid, process.ppid)).toBe(true);
  });
});

describe('startCollectors', () => {
  it('fills the store from the run directory alone when there is no key', async () => {
    const run = dir();
    for (const sub of ['state', 'lock']) mkdirSync(join(run, 'distcc', sub), { recursive: true });
    const now = Date.now();
    writeFileSync(join(run, 'distcc', 'state', 'binstate_7'), binstate('u001.c', 'node1', 5, 7));
    writeFileSync(join(run, 'distcc', 'lock', 'backoff_ssh_node2_0'), '');
    writeFileSync(
      join(run, 'distcc.log'),
      'distcc[7] compile from u000.c to u000.o\ndistcc[7] exec on distcc@node1/2: gcc\ndistcc[7] compile u000.c on distcc@node1/2 completed ok\n',
    );
    writeFileSync(join(run, 'emerge.log'), '1:  >>> emerge (1 of 1) old/pkg-1 to /\n');
    const offset = 38;
    appendFileSync(join(run, 'emerge.log'), '1795700000:  >>> emerge (1 of 2) dev-util/hello-1.0 to /\n');
    const info: RunInfo = {
      version: 1,
      pid: process.pid,
      startedAt: now,
      nodes: [
        { host: 'node1', port: 22, user: 'distcc', slots: 2 },
        { host: 'node2', port: 22, user: 'distcc', slots: 2 },
      ],
      localSlots: 2,
      distccDir: join(run, 'distcc'),
      distccLog: { path: join(run, 'distcc.log'), offset: 0 },
      emergeLog: { path: join(run, 'emerge.log'), offset },
      ssh: { key: '/nonexistent', knownHosts: '/nonexistent', connectTimeoutSeconds: 5 },
      sampleIntervalMs: 1000,
      backoffPeriodMs: 60_000,
    };
    const store = new DashboardStore(
      createDashboardState({
        startedAt: now,
        nodes: [
          { name: 'node1', slots: 2 },
          { name: 'node2', slots: 2 },
        ],
      }),
    );
    expect(buildHasStarted(store.state)).toBe(false);
    const collectors = startCollectors(info, undefined, store);
    await collectors.flush();
    collectors.stop();
    const state = store.state;
    expect(state.jobs.map((j) => j.file)).toEqual(['u001.c']);
    expect(state.nodes.map((n) => [n.name, n.slotsBusy, n.distccBackoffUntil !== undefined])).toEqual([
      ['node1', 1, false],
      ['node2', 0, true],
    ]);
    expect(state.distcc.hosts).toEqual([expect.objectContaining({ host: 'node1', jobs: 1 })]);
    expect(state.emerge.open.map((p) => p.cpv)).toEqual(['dev-util/hello-1.0']);
    expect(buildHasStarted(state)).toBe(true);
  });

  it("reads emerge.log where Portage's answer puts it, and the PORTAGE line follows the build", async () => {
    // Issue 14 saw "waiting for emerge to start building" for a whole build: the dashboard
    // tailed /var/log/emerge.log while Portage wrote elsewhere. The run now takes the place
    // from portageq (EMERGE_LOG_DIR, else ${BROOT}/var/log), as src/run/dashboard-run.ts does.
    const root = dir();
    const values = new Map(PORTAGE_VARIABLES.map((name) => [name as string, '']));
    values.set('EMERGE_LOG_DIR', join(root, 'log'));
    const facts = portageFacts({ ok: true, program: 'portageq', ms: 1, values }, {});
    mkdirSync(join(root, 'log'));
    const path = emergeLogPath(facts);
    expect(path).toBe(join(root, 'log', 'emerge.log'));
    writeFileSync(path, '');
    const info: RunInfo = {
      version: 1,
      pid: process.pid,
      startedAt: 1_795_700_000_000,
      nodes: [],
      localSlots: 2,
      distccDir: join(root, 'distcc'),
      emergeLog: { path, offset: 0 },
      ssh: { key: '/nonexistent', knownHosts: '/nonexistent', connectTimeoutSeconds: 5 },
      sampleIntervalMs: 1000,
      backoffPeriodMs: 60_000,
    };
    const store = new DashboardStore(createRunState(info));
    const collectors = startCollectors(info, undefined, store, { now: () => 1_795_700_042_000 });
    const line = (): string => lineText(portageLine(store.state, 1_795_700_042_000, 200));
    expect(line()).toBe(' PORTAGE waiting for emerge to start building');
    appendFileSync(
      path,
      '1795700000:  >>> emerge (1 of 2) dev-util/hello-1.0 to /\n1795700001:  === (1 of 2) Compiling/Merging (dev-util/hello-1.0::/x.ebuild)\n',
    );
    await collectors.flush();
    expect(line()).toBe(' PORTAGE 0 of 2 done │ dev-util/hello-1.0 (1 of 2) Compiling/Merging 0:42');
    appendFileSync(path, '1795700040:  ::: completed emerge (1 of 2) dev-util/hello-1.0 to /\n');
    await collectors.flush();
    collectors.stop();
    expect(line()).toBe(' PORTAGE 1 of 2 done');
  });

  it('notices a lost node within 3 s at 1 Hz', () => {
    // Next sample within 1 s of the loss, timed out 1.5 s later.
    expect(1000 + sampleTimeoutMs(1000)).toBeLessThanOrEqual(3000);
    expect(sampleTimeoutMs(30_000)).toBe(10_000);
  });
});
