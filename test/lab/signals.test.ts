import { existsSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEMERGE,
  demerge,
  LAB_CONFIG,
  LAB_DIR,
  lab,
  runDirsLeft,
  readOrUndefined,
  treeDigest,
  tunnelMasters,
  waitFor,
  workspace,
  type Workspace,
} from './lab.js';

// Issue 7's "Signals" and "Nothing changed behind the user's back": a signal to demerge in the
// middle of a build, with and without the dashboard, and a SIGKILL, against the real lab. Each
// case checks what the user would find afterwards: emerge's status, a sane terminal, no run
// directory, no ssh master of the run, and the same key, known_hosts and /etc as before.

const RUN_BASE = '/run/demerge';

// Portage exits 128+N on a signal during the build, as a shell reports a death by the signal.
const SIGNALS: Array<[NodeJS.Signals, number]> = [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
];

interface Run {
  pid: number;
  /** Its directory's name under /run/demerge: "<pid>-<random>". */
  name: string;
}

function readOrEmpty(path: string): string {
  return readOrUndefined(path) ?? '';
}

/**
 * The run of workspace `ws`, told by the environment of the demerge process that owns the run
 * directory: other engineers' runs may be under /run/demerge at the same time.
 */
async function runOf(ws: Workspace): Promise<Run> {
  let found: Run | undefined;
  await waitFor(() => {
    for (const name of runDirsLeft()) {
      const pid = Number(name.split('-')[0]);
      if (readOrEmpty(`/proc/${pid}/environ`).split('\0').includes(`PORTAGE_TMPDIR=${ws.dir}`)) {
        found = { pid, name };
        return true;
      }
    }
    return false;
  }, 60_000);
  return found as Run;
}

/** emerge has started building (Portage's scheduler logs the package): the signal is "mid-build". */
async function building(ws: Workspace): Promise<void> {
  await waitFor(() => existsSync(ws.env.STANDIN_ARGV_FILE as string) && readOrEmpty(join(ws.dir, 'emerge.log')).includes('>>> emerge ('), 60_000);
}

/** OpenSSH masters of run `name` on this machine, by their command lines. */
function mastersOf(name: string): number[] {
  return tunnelMasters((args) => args.some((word) => word.startsWith(`ControlPath=${RUN_BASE}/${name}/`)));
}

function alive(pid: number): boolean {
  return existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readOrEmpty(`/proc/${pid}/status`));
}

function signalsReceived(ws: Workspace): string[] {
  return readOrEmpty(ws.env.STANDIN_SIGNAL_LOG as string)
    .trim()
    .split('\n')
    .filter((line) => line !== '');
}

/** What a shell would show as $?: a death by signal N is 128+N. */
function shellStatus(result: { exitCode?: number | undefined; signal?: string | undefined }): number | undefined {
  if (result.exitCode !== undefined) return result.exitCode;
  return result.signal === undefined ? undefined : 128 + (constants.signals as Record<string, number>)[result.signal]!;
}

/** Everything a run must leave as it found it: the lab's front-end key and known_hosts, and /etc. */
function untouched(): Record<string, string> {
  const config = readFileSync(LAB_CONFIG, 'utf8');
  const named = (key: string): string => new RegExp(`^${key} = "(.*)"$`, 'm').exec(config)?.[1] ?? `(no ${key} in ${LAB_CONFIG})`;
  return {
    key: treeDigest(named('key')),
    knownHosts: treeDigest(named('known_hosts')),
    frontend: treeDigest(join(LAB_DIR, 'frontend')),
    etc: treeDigest('/etc'),
  };
}

/** The run ended cleanly: no directory, and its masters gone (they exit once their stdin closes). */
async function expectNothingLeft(run: Run, masters: number[]): Promise<void> {
  await new Promise((r) => setTimeout(r, 300));
  await waitFor(() => mastersOf(run.name).length === 0 && masters.every((pid) => !alive(pid)), 2000).catch(() => undefined);
  expect(mastersOf(run.name), `masters of ${run.name}`).toEqual([]);
  for (const pid of masters) expect(alive(pid), `master ${pid}`).toBe(false);
  expect(runDirsLeft().filter((name) => name === run.name)).toEqual([]);
}

describe('signals to demerge during a build', () => {
  let before: Record<string, string>;
  beforeAll(async () => {
    await lab('status');
    before = untouched();
  });

  it.each(SIGNALS)('%s without the dashboard reaches emerge once, demerge returns %i and nothing is left', async (signal, status) => {
    const ws = workspace();
    const child = demerge(['--no-dashboard', 'dev-util/slow'], ws);
    const run = await runOf(ws);
    expect(run.pid).toBe(child.pid);
    await building(ws);
    // One per node: the check below that none is left means something only if they were there.
    const masters = mastersOf(run.name);
    expect(masters).toHaveLength(3);
    process.kill(run.pid, signal);
    const result = await child;
    expect(shellStatus(result), result.all?.slice(-2000)).toBe(status);
    const received = signalsReceived(ws);
    expect(received, received.join('\n')).toHaveLength(1);
    expect(received[0]).toContain(` ${signal} `);
    await expectNothingLeft(run, masters);
    expect(untouched()).toEqual(before);
  });

  it.each(SIGNALS)('%s under the dashboard reaches emerge once, demerge returns %i and the terminal is as before', async (signal, status) => {
    const ws = workspace();
    const stty = { before: join(ws.dir, 'stty.before'), after: join(ws.dir, 'stty.after') };
    // The shell reports demerge's status as its own, after taking the terminal's settings again.
    const shell = `stty rows 24 cols 80; stty -g >${stty.before}; ${DEMERGE} dev-util/slow; s=$?; stty -g >${stty.after}; exit $s`;
    const child = execa('script', ['-qfec', shell, '/dev/null'], { env: { ...ws.env, TERM: 'xterm-256color' }, extendEnv: false, reject: false });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('latin1');
    });
    const run = await runOf(ws);
    await building(ws);
    // The dashboard owns the terminal (raw mode, alternate screen) from the start of the build.
    await waitFor(() => out.includes('\x1b[?1049h'), 30_000);
    const masters = mastersOf(run.name);
    expect(masters).toHaveLength(3);
    process.kill(run.pid, signal);
    const result = await child;
    expect(result.exitCode, out.slice(-2000)).toBe(status);
    const received = signalsReceived(ws);
    expect(received, received.join('\n')).toHaveLength(1);
    expect(received[0]).toContain(` ${signal} `);
    // Cooked mode and echo back, the cursor shown again and the normal screen back.
    expect(readOrEmpty(stty.after)).not.toBe('');
    expect(readOrEmpty(stty.after)).toBe(readOrEmpty(stty.before));
    expect(out.lastIndexOf('\x1b[?25h')).toBeGreaterThan(out.lastIndexOf('\x1b[?25l'));
    expect(out.lastIndexOf('\x1b[?1049l')).toBeGreaterThan(out.lastIndexOf('\x1b[?1049h'));
    await expectNothingLeft(run, masters);
    expect(untouched()).toEqual(before);
  });

  it("after a SIGKILL, the next run removes the dead run's directory and ends the masters it recorded", async () => {
    const ws = workspace();
    const child = demerge(['--no-dashboard', 'dev-util/slow'], ws);
    const run = await runOf(ws);
    await building(ws);
    const masters = mastersOf(run.name);
    expect(masters).toHaveLength(3);
    const recorded = readOrEmpty(join(RUN_BASE, run.name, 'processes'))
      .trim()
      .split('\n')
      .map((line) => Number(line.split(' ')[0]));
    expect(recorded.sort()).toEqual([...masters].sort());
    const { stdout } = await execa('ps', ['--ppid', String(run.pid), '-o', 'pid=,args='], { reject: false });
    const emerge = Number(
      stdout
        .split('\n')
        .find((line) => line.includes('emerge-standin/emerge'))
        ?.trim()
        .split(/\s+/)[0],
    );
    expect(emerge).toBeGreaterThan(1);
    // A master whose stdin closes ends by itself, within a second: stopped, these stand for
    // masters that outlive their run (a hung link, a stuck node), which only the next run can end.
    for (const pid of masters) process.kill(pid, 'SIGSTOP');
    try {
      child.kill('SIGKILL');
      await waitFor(() => !alive(run.pid), 5000);
      // emerge outlives a SIGKILLed demerge, as it would any killed wrapper: stop it. (Its
      // output pipes are demerge's: only then does the execa promise settle.)
      process.kill(emerge, 'SIGTERM');
      await waitFor(() => !alive(emerge), 30_000);
      expect(runDirsLeft()).toContain(run.name);
      expect(masters.every(alive)).toBe(true);
      const next = await demerge(['--dry-check'], workspace());
      expect(next.exitCode, next.all).toBe(0);
      expect(runDirsLeft()).not.toContain(run.name);
      // A stopped process keeps a signal pending: the SIGTERM the next run sent is still there.
      for (const pid of masters) {
        const pending = BigInt(`0x${/^ShdPnd:\s+([0-9a-f]+)$/m.exec(readOrEmpty(`/proc/${pid}/status`))?.[1] ?? '0'}`);
        expect(pending & (1n << BigInt(constants.signals.SIGTERM - 1)), `master ${pid}`).not.toBe(0n);
      }
    } finally {
      child.kill('SIGKILL');
      if (alive(emerge)) process.kill(emerge, 'SIGTERM');
      for (const pid of masters) if (alive(pid)) process.kill(pid, 'SIGCONT');
    }
    await waitFor(() => !masters.some(alive), 5000);
    expect(mastersOf(run.name)).toEqual([]);
    await child;
    expect(untouched()).toEqual(before);
  });
});
