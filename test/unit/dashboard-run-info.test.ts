import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRuns, parseRunInfo, pickRun, renderRunInfo, writeRunInfo, type RunInfo } from '../../src/dashboard/run-info.js';

const INFO: RunInfo = {
  version: 1,
  pid: 4242,
  startedAt: 1_795_700_000_000,
  nodes: [{ host: '198.18.1.2', port: 22, user: 'distcc', slots: 2 }],
  localSlots: 2,
  distccDir: '/run/demerge/4242-abc/distcc',
  distccLog: { path: '/run/demerge/4242-abc/distcc.log', offset: 0 },
  emergeLog: { path: '/var/log/emerge.log', offset: 12345 },
  ssh: { key: '/etc/distcc/.ssh/id_ed25519', knownHosts: '/var/tmp/portage/.ssh/known_hosts', connectTimeoutSeconds: 5 },
  sampleIntervalMs: 1000,
  backoffPeriodMs: 60_000,
};

describe('run.json', () => {
  it('round-trips', () => {
    expect(parseRunInfo(renderRunInfo(INFO))).toEqual(INFO);
  });

  it.each([
    ['not JSON', 'x'],
    ['another version', JSON.stringify({ ...INFO, version: 2 })],
    ['a relative path', JSON.stringify({ ...INFO, distccDir: 'distcc' })],
    ['a host with a space', JSON.stringify({ ...INFO, nodes: [{ ...INFO.nodes[0], host: 'a b' }] })],
    ['port 0', JSON.stringify({ ...INFO, nodes: [{ ...INFO.nodes[0], port: 0 }] })],
    ['a sampling interval of 0', JSON.stringify({ ...INFO, sampleIntervalMs: 0 })],
    ['no emerge log', JSON.stringify({ ...INFO, emergeLog: undefined })],
  ])('refuses %s', (_name, text) => {
    expect(parseRunInfo(text)).toBeUndefined();
  });

  it('is written once, readable by its group only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demerge-runinfo-'));
    const path = writeRunInfo(dir, INFO);
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(INFO);
    expect(() => writeRunInfo(dir, INFO)).toThrow(/EEXIST/);
  });
});

describe('finding runs', () => {
  const base = mkdtempSync(join(tmpdir(), 'demerge-runs-'));
  const make = (name: string, info: RunInfo | string): void => {
    mkdirSync(join(base, name));
    writeFileSync(join(base, name, 'run.json'), typeof info === 'string' ? info : renderRunInfo(info));
  };
  make('100-aaa', { ...INFO, pid: 100, startedAt: 1 });
  make('200-bbb', { ...INFO, pid: 200, startedAt: 2 });
  make('300-ccc', { ...INFO, pid: 300, startedAt: 3 }); // dead
  make('400-ddd', { ...INFO, pid: 999, startedAt: 4 }); // name and file disagree
  make('500-eee', '{');
  mkdirSync(join(base, 'stray'));
  const io = { readFile: (p: string) => readFileSync(p, 'utf8'), isAlive: (pid: number) => pid !== 300 };

  it('lists live runs, newest first', () => {
    expect(findRuns(base, io).map((r) => r.info.pid)).toEqual([200, 100]);
  });

  it('picks the newest, or the one asked for', () => {
    const runs = findRuns(base, io);
    expect(pickRun(runs)?.info.pid).toBe(200);
    expect(pickRun(runs, 100)?.dir).toBe(join(base, '100-aaa'));
    expect(pickRun(runs, 300)).toBeUndefined();
    expect(findRuns(join(base, 'missing'), io)).toEqual([]);
  });
});
