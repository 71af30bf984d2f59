import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildEnvironment,
  compilesByNode,
  demerge,
  emergeOf,
  LAB_CONFIG,
  LAB_DIR,
  lab,
  nodeAddress,
  nodeServiceStatus,
  resetCompiles,
  runDirsLeft,
  sum,
  TRANSLATION_UNITS,
  until,
  workspace,
  type Workspace,
} from './lab.js';

// Issue 4's and 15's checks on the real lab: the tunnel transport (one connection per node, the
// node's shared service with its distccd in a network namespace of its own, the connector as
// DISTCC_SSH) with Portage's network sandbox on, as the stand-in simulates it (compile as
// portage in a network namespace with only lo).

const NODES = [1, 2, 3];

/** The node's processes, from inside the node (its own PID namespace). */
async function nodeProcesses(node: number): Promise<string[]> {
  const { stdout } = await execa(join(import.meta.dirname, '../../lab/lab'), ['exec', String(node), 'ps', '-eo', 'pid=,user=,args=']);
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

async function distccdsOnNodes(): Promise<string[]> {
  const found: string[] = [];
  for (const node of NODES) {
    for (const line of await nodeProcesses(node)) if (/\bdistccd\b/.test(line) && !/defunct/.test(line)) found.push(`${node}: ${line}`);
  }
  return found;
}

/**
 * What is left of the node side once a run ended: the service outlives its last run's session
 * by a moment (it notices the lease gone, stops distccd, exits), so this waits up to 10 s.
 */
async function leftOnNodes(): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const left = await distccdsOnNodes();
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A copy of the lab's config with `top` lines first and node slots changed. */
function labConfig(ws: Workspace, top: string, edit: (text: string) => string = (t) => t): Record<string, string> {
  const file = join(ws.dir, 'demerge.conf');
  writeFileSync(file, `${top}\n${edit(readFileSync(LAB_CONFIG, 'utf8'))}`);
  return { ...ws.env, DEMERGE_CONFIG: file };
}

/** The run's OpenSSH masters on this machine: pid per node address. */
async function masters(): Promise<Map<string, number>> {
  const { stdout } = await execa('ps', ['-eo', 'pid=,args='], { reject: false });
  const found = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    const match = /^\s*(\d+)\s+\S*ssh .*ControlMaster=yes.* (198\.18\.\d+\.2) exec /.exec(line);
    if (match) found.set(match[2] as string, Number(match[1]));
  }
  return found;
}

function remoteShare(counts: Map<number, number>): number {
  return sum(counts.values()) / TRANSLATION_UNITS;
}

describe('tunnel transport on the lab', () => {
  beforeAll(async () => {
    await lab('status');
  });
  beforeEach(async () => {
    await resetCompiles();
  });

  it('compiles >= 95% remotely with the network sandbox on, and no other user of a node can reach a job slot', async () => {
    const ws = workspace({ FEATURES: 'noclean' });
    const run = demerge(['--oneshot', 'dev-util/hello'], ws);
    // While it runs: node 1's distccd serves jobs, yet nothing but sshd listens on the node's
    // network or loopback, and the run's socket is in the distcc user's 0700 directory.
    await until(async () => ((await distccdsOnNodes()).some((line) => line.startsWith('1:')) ? true : undefined), 60_000, 'distccd on node 1');
    // The service starts distccd before the run registers and gets its socket: wait for that.
    let dir = '';
    const socket = await until(
      async () => {
        ({ stdout: dir } = await execa(
          join(import.meta.dirname, '../../lab/lab'),
          ['exec', '1', 'sh', '-c', 'stat -c "%a %U" /tmp/demerge-*; ls /tmp/demerge-*'],
          {
            reject: false,
          },
        ));
        return /run-[\w.+-]+\.sock/.exec(dir)?.[0];
      },
      30_000,
      "the run's socket on node 1",
    );
    const { stdout: listening } = await execa(join(import.meta.dirname, '../../lab/lab'), ['exec', '1', 'ss', '-Hltn'], { reject: false });
    // Another local user of the node: nobody. The socket, the control socket, and distccd's usual port.
    const attempts = await execa(
      join(import.meta.dirname, '../../lab/lab'),
      [
        'exec',
        '1',
        'setpriv',
        '--reuid=nobody',
        '--regid=nogroup',
        '--clear-groups',
        '/usr/bin/python3',
        '-c',
        [
          'import glob,socket',
          'for target in sorted(glob.glob("/tmp/demerge-*/*.sock")) + ["/tmp/demerge-999/' + (socket ?? 'none') + '", "/tmp/demerge-999/control"]:',
          ' s=socket.socket(socket.AF_UNIX)',
          ' try:\n  s.connect(target); print("connected", target)\n except OSError as e:\n  print("refused", target, e.errno)',
          'for port in (3632,):',
          ' s=socket.socket()',
          ' try:\n  s.connect(("127.0.0.1", port)); print("connected", port)\n except OSError as e:\n  print("refused", port, e.errno)',
        ].join('\n'),
      ],
      { reject: false },
    );
    const result = await run;
    expect(result.exitCode, result.all).toBe(0);
    expect(dir).toMatch(/^700 distcc$/m);
    const sockets = listening
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[3])
      .filter(Boolean);
    expect(sockets, listening).toEqual([`${nodeAddress(1)}:22`]);
    expect(attempts.stdout, attempts.all).not.toContain('connected');
    // EACCES (13) on the sockets, ECONNREFUSED (111) on the port.
    expect(attempts.stdout).toMatch(/refused \/tmp\/demerge-999\/control 13/);
    expect(attempts.stdout).toMatch(/refused 3632 111/);
    const counts = await compilesByNode();
    expect(remoteShare(counts), `node records ${JSON.stringify([...counts])}`).toBeGreaterThanOrEqual(0.95);
    const env = buildEnvironment(ws);
    const features = env.FEATURES?.split(' ') ?? [];
    expect(features).toContain('distcc');
    expect(features).toContain('network-sandbox');
    expect(features).not.toContain('-network-sandbox');
    expect(result.stderr).not.toContain('network-sandbox');
    expect(env.DISTCC_HOSTS).toBe(NODES.map((n) => `distcc@${nodeAddress(n)}/2`).join(' '));
    expect(env.DISTCC_SSH).toMatch(/^\/run\/demerge\/\d+-\w+\/ssh$/);
    expect(result.stderr).not.toContain('failed to distribute');
    expect(await leftOnNodes()).toEqual([]);
    expect(await masters()).toEqual(new Map());
    expect(runDirsLeft()).toEqual([]);
  });

  it.each([
    {
      how: 'the master on this machine is killed',
      kill: async () => {
        const pid = (await masters()).get(nodeAddress(2));
        if (pid === undefined) throw new Error('no master for node 2');
        process.kill(pid, 'SIGKILL');
      },
    },
    {
      how: "the node's sshd session is killed",
      kill: async () => {
        // The sshd process serving the run's session (the node program whose parent is sshd;
        // the service it started is the session's child, or init's).
        const { stdout } = await execa(join(import.meta.dirname, '../../lab/lab'), ['exec', '2', 'ps', '-eo', 'pid=,ppid=,args=']);
        const rows = stdout.split('\n').map((line) => line.trim().split(/\s+/));
        const sshd = new Set(rows.filter((row) => row[2]?.startsWith('sshd:')).map((row) => row[0]));
        const session = rows.find((row) => row.includes('demerge-node') && sshd.has(row[1]));
        if (session?.[1] === undefined) throw new Error('no node-side session on node 2');
        await lab('exec', '2', 'kill', '-KILL', session[1]);
      },
    },
  ])('carries on with exit 0 when $how mid-build, and connects again', async ({ kill }) => {
    const ws = workspace();
    const run = demerge(['--oneshot', 'dev-util/hello'], ws);
    await until(async () => (((await compilesByNode()).get(2) ?? 0) >= 4 ? true : undefined), 90_000, 'compiles on node 2');
    await kill();
    const result = await run;
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stderr).toContain(`connection to node "${nodeAddress(2)}" lost`);
    expect(result.stderr).toContain(`node "${nodeAddress(2)}" is connected again`);
    expect(await leftOnNodes()).toEqual([]);
    expect(runDirsLeft()).toEqual([]);
  });

  it("ends every node's service and distccd within seconds when demerge is killed with SIGKILL", async () => {
    const ws = workspace();
    const run = demerge(['--oneshot', 'dev-util/slow'], ws) as ResultPromise;
    await until(async () => ((await distccdsOnNodes()).length >= NODES.length ? true : undefined), 60_000, 'distccd on every node');
    const emerge = await emergeOf(run);
    const left = runDirsLeft();
    run.kill('SIGKILL');
    await run;
    const started = Date.now();
    await until(async () => ((await distccdsOnNodes()).length === 0 ? true : undefined), 5000, 'no distccd on the nodes');
    const seconds = (Date.now() - started) / 1000;
    expect(seconds).toBeLessThan(5);
    // emerge outlives a SIGKILLed demerge, as it would any killed wrapper: stop it, and remove
    // what the killed run left (the next run would).
    process.kill(emerge, 'SIGTERM');
    await until(
      async () => {
        try {
          process.kill(emerge, 0);
          return undefined;
        } catch {
          return true;
        }
      },
      30_000,
      'emerge to end',
    );
    for (const name of left) rmSync(join('/run/demerge', name), { recursive: true, force: true });
    expect(await masters()).toEqual(new Map());
  });

  it('takes 12 slots on one node through one connection (MaxSessions and MaxStartups are 10)', async () => {
    const ws = workspace();
    const env = labConfig(ws, '', (text) => {
      // Node 1 alone, with 12 slots.
      const first = text.indexOf('[[node]]');
      const second = text.indexOf('[[node]]', first + 1);
      return `${text.slice(0, second === -1 ? undefined : second).replace(/^slots = \d+/m, 'slots = 12')}`;
    });
    const sshdLog = join(LAB_DIR, 'nodes/1/sshd.log');
    const logBefore = readFileSync(sshdLog, 'utf8').length;
    const run = demerge(['--oneshot', 'dev-util/hello'], { ...ws, env });
    // The most jobs node 1's service held at once: each is a channel of the one connection.
    let settled = false;
    void run.finally(() => {
      settled = true;
    });
    let peak = 0;
    while (!settled) {
      const status = await nodeServiceStatus(1).catch(() => undefined);
      peak = Math.max(peak, status?.busy ?? 0);
      await new Promise((r) => setTimeout(r, 50));
    }
    const result = await run;
    expect(result.exitCode, result.all).toBe(0);
    expect(peak).toBeGreaterThan(10);
    expect(result.stderr).toContain('DISTCC_HOSTS="distcc@198.18.1.2/12"');
    expect(result.stderr).not.toContain('failed to distribute');
    const counts = await compilesByNode();
    expect(remoteShare(counts), JSON.stringify([...counts])).toBeGreaterThanOrEqual(0.95);
    const log = readFileSync(sshdLog, 'utf8').slice(logBefore);
    // A login per run (the check, the run's connection), not per job; nothing refused.
    expect((log.match(/Accepted publickey for distcc/g) ?? []).length).toBeLessThan(10);
    expect(log).not.toMatch(/refused|MaxSessions|MaxStartups|drop connection/i);
  });

  it('keeps the recipe\'s transport = "ssh", which lifts the sandbox and says why', async () => {
    const ws = workspace({ FEATURES: 'noclean' });
    const result = await demerge(['--oneshot', 'dev-util/tiny'], { ...ws, env: labConfig(ws, 'transport = "ssh"') });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stderr).toContain('FEATURES=-network-sandbox for this run: transport = "ssh" starts ssh for every job');
    const env = buildEnvironment(ws, 'dev-util/tiny-1.0');
    // Portage resolves the incremental FEATURES: the sandbox is simply absent from the build's.
    expect(env.FEATURES?.split(' ')).not.toContain('network-sandbox');
    expect(env.DISTCC_SSH).toMatch(/^\/run\/demerge\/\d+-\w+\/ssh$/);
  });

  describe('with a node whose build key may not forward', () => {
    const keys = join(LAB_DIR, 'nodes/3/distcc/.ssh/authorized_keys');
    let original = '';
    beforeAll(() => {
      original = readFileSync(keys, 'utf8');
      // In place: the node sees this file through a bind mount of its directory.
      writeFileSync(keys, original.replace(/^ssh-/m, 'no-port-forwarding ssh-'));
    });
    afterAll(() => {
      writeFileSync(keys, original);
    });

    it('leaves the node out, names the cause and builds on the others', async () => {
      const ws = workspace({ FEATURES: 'noclean' });
      const result = await demerge(['--oneshot', 'dev-util/tiny'], ws);
      expect(result.exitCode, result.all).toBe(0);
      expect(result.stderr).toContain(`node "${nodeAddress(3)}" left out of this run: the node refuses to forward to a unix socket`);
      const env = buildEnvironment(ws, 'dev-util/tiny-1.0');
      expect(env.DISTCC_HOSTS).toBe(`distcc@${nodeAddress(1)}/2 distcc@${nodeAddress(2)}/2`);
      expect(await leftOnNodes()).toEqual([]);
    });
  });
});
