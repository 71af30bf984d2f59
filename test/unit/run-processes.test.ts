import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeStaleRunDirs } from '../../src/run-env/run-dir.js';
import { endRunProcesses, recordRunProcess } from '../../src/run-env/run-processes.js';
import { processStartTime } from '../../src/system/proc-stat.js';

// Real processes of this test stand in for a dead run's ssh masters: a pid in the record is
// only believed together with its start time, since root signals whatever the record names.

const dirs: string[] = [];
const children: ChildProcess[] = [];

function runDir(base = tmpdir()): string {
  const dir = mkdtempSync(join(base, 'run-processes-'));
  dirs.push(dir);
  return dir;
}

function sleeper(): ChildProcess & { pid: number } {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  children.push(child);
  return child as ChildProcess & { pid: number };
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

afterEach(() => {
  for (const child of children.splice(0)) if (running(child)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('processes recorded by a run', () => {
  it('are written down as pid and start time, readable by the invoking user only', () => {
    const dir = runDir();
    const child = sleeper();
    recordRunProcess(dir, child.pid);
    const file = join(dir, 'processes');
    expect(readFileSync(file, 'utf8')).toBe(`${child.pid} ${processStartTime(child.pid)}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('are not written down when the process is already gone or never started', async () => {
    const dir = runDir();
    const child = sleeper();
    child.kill('SIGKILL');
    await once(child, 'exit');
    recordRunProcess(dir, child.pid);
    recordRunProcess(dir, undefined);
    expect(existsSync(join(dir, 'processes'))).toBe(false);
  });

  it('are ended with SIGTERM when they still run', async () => {
    const dir = runDir();
    const child = sleeper();
    recordRunProcess(dir, child.pid);
    const exited = once(child, 'exit');
    expect(endRunProcesses(dir)).toEqual([child.pid]);
    expect(await exited).toEqual([null, 'SIGTERM']);
  });

  it('are left alone when the pid now belongs to a process that started at another time', async () => {
    const dir = runDir();
    const child = sleeper();
    const start = Number(processStartTime(child.pid));
    // The same pid with an earlier start: a recorded process that died, its pid since reused.
    writeFileSync(join(dir, 'processes'), `${child.pid} ${start - 1}\n${child.pid} ${start + 1}\n`);
    expect(endRunProcesses(dir)).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(running(child)).toBe(true);
  });

  it('are left alone when their line is not exactly "PID STARTTIME"', async () => {
    const dir = runDir();
    const child = sleeper();
    const start = processStartTime(child.pid) as string;
    const lines = [
      `${child.pid} ${start} x`,
      ` ${child.pid} ${start}`,
      `${child.pid}  ${start}`,
      `+${child.pid} ${start}`,
      `${child.pid}`,
      `${child.pid} ${start}\r`,
    ];
    writeFileSync(join(dir, 'processes'), `${lines.join('\n')}\n`);
    expect(endRunProcesses(dir)).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(running(child)).toBe(true);
  });

  it('are ended with their run directory when the run is dead, and kept while it lives', async () => {
    const base = runDir();
    const ofDead = sleeper();
    const ofLive = sleeper();
    for (const [name, child] of [
      ['111-dead', ofDead],
      ['222-live', ofLive],
    ] as const) {
      mkdirSync(join(base, name));
      recordRunProcess(join(base, name), child.pid);
    }
    const exited = once(ofDead, 'exit');
    expect(removeStaleRunDirs(base, (pid) => pid === 222)).toEqual(['111-dead']);
    expect(await exited).toEqual([null, 'SIGTERM']);
    expect(existsSync(join(base, '111-dead'))).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(running(ofLive)).toBe(true);
  });
});
