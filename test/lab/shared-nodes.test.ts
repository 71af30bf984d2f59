import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  compilesByNode,
  demerge,
  emergeOf,
  lab,
  nodeServiceStatus,
  resetCompiles,
  runDirsLeft,
  startCompilerPeaks,
  sum,
  TRANSLATION_UNITS,
  until,
  shellLine,
  shellWord,
  workspace,
} from './lab.js';

// Issue 16 on the real lab: two demerge runs at once share each node's slots (2 per node in the
// lab's config), by the nodes' own process table, both finish with emerge's status, and a run
// killed with SIGKILL frees its slots for the other within seconds. Two builds started together
// overlap for most of their length: each alone keeps every slot busy.

const NODES = [1, 2, 3];
const SLOTS = 2;

beforeEach(async () => {
  await resetCompiles();
});

/** Every node's service ends within 10 s of the last run; if not, what it and the node still hold. */
async function servicesEnded(): Promise<void> {
  for (const node of NODES) {
    let last = '';
    await until(
      async () => {
        const status = await nodeServiceStatus(node);
        last = JSON.stringify(status);
        return !status.running;
      },
      10_000,
      async () =>
        `node ${node}'s service to end: ${last}; the node's processes: ${(await lab('exec', String(node), 'ps', '-eo', 'pid,ppid,etimes,user,args')).replace(/\n/g, ' | ')}`,
    );
  }
}

// Both tests build twice at once: on a slow 2-core machine that is minutes, not the default 3.
describe('two runs at once on shared nodes', { timeout: 420_000 }, () => {
  it("never exceed a node's slots by the nodes' records, and both finish >= 80% remote with exit 0", async () => {
    const peaks = startCompilerPeaks();
    const a = workspace();
    const b = workspace();
    const [first, second] = await Promise.all([demerge(['--oneshot', 'dev-util/hello'], a), demerge(['--oneshot', 'dev-util/hello'], b)]);
    const peak = peaks.stop();
    expect(first.exitCode, first.all).toBe(0);
    expect(second.exitCode, second.all).toBe(0);
    for (const node of NODES) expect(peak.get(node) ?? 0, `node ${node}: peaks ${JSON.stringify([...peak])}`).toBeLessThanOrEqual(SLOTS);
    // Both ran at once on the nodes: some node compiled at its limit.
    expect(Math.max(...peak.values())).toBe(SLOTS);
    const counts = await compilesByNode();
    expect(sum(counts.values()) / (2 * TRANSLATION_UNITS), JSON.stringify([...counts])).toBeGreaterThanOrEqual(0.8);
    for (const result of [first, second]) expect(result.stderr).toMatch(/ran remotely \((8\d|9\d|100)\.\d%\)/);
    // The last run's end stops every node's service (a moment later: it notices, stops distccd).
    await servicesEnded();
    expect(runDirsLeft()).toEqual([]);
  });

  it('frees the slots of a run killed with SIGKILL within seconds, and the other run goes on to exit 0', async () => {
    const a = workspace();
    const b = workspace();
    const victim = demerge(['--oneshot', 'dev-util/slow'], a) as ResultPromise;
    const survivor = demerge(['--oneshot', 'dev-util/hello'], b);
    // Both runs registered on node 1, and jobs going.
    await until(
      async () => {
        const status = await nodeServiceStatus(1);
        return (status.runs?.length ?? 0) >= 2 && (status.busy ?? 0) > 0;
      },
      90_000,
      'both runs on node 1',
    );
    const emerge = await emergeOf(victim);
    const left = runDirsLeft();
    victim.kill('SIGKILL');
    await victim;
    const killedAt = Date.now();
    // Its lease ends with its connection: the service drops its run (and its jobs).
    const killed = `${String(victim.pid)}-`;
    let last = '';
    await until(
      async () => {
        const status = await nodeServiceStatus(1);
        last = JSON.stringify(status);
        return !(status.runs ?? []).some((r) => r.run.startsWith(killed));
      },
      10_000,
      'the killed run to leave node 1',
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${last}`);
    });
    const seconds = (Date.now() - killedAt) / 1000;
    expect(seconds).toBeLessThan(10);
    // The stand-in's emerge outlives a SIGKILLed demerge, as it would any killed wrapper.
    try {
      process.kill(emerge, 'SIGTERM');
    } catch {
      // already gone
    }
    const result = await survivor;
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stderr).toMatch(/ran remotely \((8\d|9\d|100)\.\d%\)/);
    await servicesEnded();
    const mine = runDirsLeft().filter((name) => !left.includes(name));
    expect(mine).toEqual([]);
    for (const name of left) rmSync(join('/run/demerge', name), { recursive: true, force: true });
  });

  // How a person starts two builds at once: `demerge a & demerge b &` in an interactive shell.
  // Both are background jobs of the terminal, where a tcsetattr() (raw mode for a spinner's
  // stdin discarder, say) gets SIGTTOU and the kernel stops the run for good; bash's wait then
  // reports 128 + 22. Each run must stay off the terminal's settings and end by itself.
  it('started together in the background of one terminal (a job-control shell), both run to their end with exit 0', async () => {
    const a = workspace();
    const b = workspace();
    const shell = [
      'set -m; stty rows 24 cols 80',
      `${shellLine(a, ['--oneshot', 'dev-util/hello'])} & first=$!`,
      `${shellLine(b, ['--oneshot', 'dev-util/tiny'])} & second=$!`,
      'wait $first; s1=$?; wait $second; s2=$?',
      // A stopped job would stay behind: it ends with the shell, whatever it said.
      'kill -KILL $first $second 2>/dev/null; echo "statuses $s1 $s2"',
    ].join('\n');
    const result = await execa('script', ['-qfec', `bash -c ${shellWord(shell)}`, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', TERM: 'xterm-256color' },
      extendEnv: false,
      reject: false,
      timeout: 300_000,
    });
    const out = result.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    expect(/statuses (\d+) (\d+)/.exec(out)?.slice(1), out.slice(-3000)).toEqual(['0', '0']);
    // Each run's summary, written from the background like any job's output.
    expect(out.match(/ran remotely \(/g) ?? [], out.slice(-3000)).toHaveLength(2);
    await servicesEnded();
    expect(runDirsLeft()).toEqual([]);
  });
});
