import { spawn, spawnSync, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderConnector } from '../../src/transport/connector.js';
import { relayWords } from '../../src/transport/job-relay.js';
import { NodeConnection } from '../../src/transport/node-connection.js';
import { NODE_PROGRAM } from '../../src/transport/node-program.js';
import { probeJobWay } from '../../src/transport/probe-channel.js';
import {
  NODE_PROGRAM_BYTES,
  NODE_PROGRAM_NAME,
  renderRemoteCommand,
  STATUS_REQUEST,
  type NodeEndpoint,
  type SharedSlots,
} from '../../src/transport/remote-command.js';

// The node program (node-program.ts) and a node connection's life, with real processes: the
// program runs here as user nobody, started by /bin/sh from the very command ssh would send,
// with the real distccd, and stands in for the ssh master, whose stdin and stdout it is from
// the connection's side. Jobs reach the run's socket the way they do on a node: through the
// connector's perl relay, as the login user (sshd connects as that user). The ssh part itself
// is covered by the lab tests (test/lab/transport.test.ts).
//
// The service is per node and login user: every test here shares nobody's /tmp/demerge-<uid>,
// so each starts and ends with none of nobody's node programs left, and the whole file holds a
// lock against another checkout running it at the same time.

const distccd = spawnSync('sh', ['-c', 'command -v distccd'], { encoding: 'utf8' }).stdout.trim();
const distcc = spawnSync('sh', ['-c', 'command -v distcc'], { encoding: 'utf8' }).stdout.trim();
const idOf = (name: string, flag: string): number | undefined => {
  const out = spawnSync('id', [flag, name], { encoding: 'utf8' }).stdout.trim();
  return out === '' ? undefined : Number(out);
};
const NOBODY = { uid: idOf('nobody', '-u') ?? -1, gid: idOf('nobody', '-g') ?? -1 };
const OTHER = { uid: idOf('daemon', '-u') ?? -1, gid: idOf('daemon', '-g') ?? -1 };
const canRun = distccd !== '' && process.getuid?.() === 0 && NOBODY.uid > 0 && existsSync('/usr/bin/python3') && existsSync('/usr/bin/perl');
const STATE = `/tmp/demerge-${NOBODY.uid}`;
const ENV = { PATH: '/usr/bin:/bin' };
const PERL = { kind: 'perl' as const, path: '/usr/bin/perl' };

// --- processes ---------------------------------------------------------------------------------

interface Proc {
  pid: number;
  ppid: number;
  args: string[];
}

/** Live (not zombie) processes of `uid` whose command line has `word`. */
function processesOf(uid: number, word: string): Proc[] {
  const found: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (/^State:\s+Z/m.test(status)) continue;
      if (Number(/^Uid:\s+([0-9]+)/m.exec(status)?.[1]) !== uid) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').slice(0, -1);
      if (!args.includes(word)) continue;
      found.push({ pid: Number(entry), ppid: Number(/^PPid:\s+([0-9]+)/m.exec(status)?.[1]), args });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const nodePrograms = (): Proc[] => processesOf(NOBODY.uid, NODE_PROGRAM_NAME);
const distccds = (): Proc[] => processesOf(NOBODY.uid, '3632').filter((p) => p.args[0]?.endsWith('distccd'));

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000, stepMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** No node program of nobody left (services, sessions, their distccd) and no state directory. */
async function clean(): Promise<void> {
  for (const p of [...nodePrograms(), ...distccds()]) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  const gone = await until(() => nodePrograms().length === 0 && distccds().length === 0, 5000);
  if (!gone) throw new Error(`nobody's node programs did not end: ${JSON.stringify([...nodePrograms(), ...distccds()])}`);
  rmSync(STATE, { recursive: true, force: true });
}

// --- the node program --------------------------------------------------------------------------

const children: ChildProcess[] = [];
const connections: NodeConnection[] = [];
let runCount = 0;
/** A run name of its own for each session: no test meets another's lease. */
const runName = (label: string): string => `t${process.pid}-${++runCount}-${label}`;

class Session {
  readonly out: string[] = [];
  readonly err: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    children.push(child);
    let outText = '';
    let errText = '';
    child.stdout.on('data', (chunk: Buffer) => {
      outText += chunk.toString('utf8');
      const lines = outText.split('\n');
      outText = lines.pop() ?? '';
      this.out.push(...lines);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errText += chunk.toString('utf8');
      const lines = errText.split('\n');
      errText = lines.pop() ?? '';
      this.err.push(...lines);
    });
    child.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  }

  /** The ready line's socket, once it came. */
  async ready(timeoutMs = 8000): Promise<string> {
    const came = await until(() => this.out.some((l) => l.startsWith('ready ')) || this.child.exitCode !== null, timeoutMs);
    const line = this.out.find((l) => l.startsWith('ready '));
    if (!came || line === undefined) throw new Error(`no ready line: ${JSON.stringify({ out: this.out, err: this.err })}`);
    return line.split(' ')[1] as string;
  }
}

/** As a master does (tunnels.ts): the program first on the session's stdin, heartbeats after. */
function withProgram<T extends ChildProcess>(child: T): T {
  child.stdin?.on('error', () => {});
  child.stdin?.write(NODE_PROGRAM_BYTES);
  return child;
}

function startSession(run: string, options: { slots?: number; distccd?: string; program?: string; entrance?: number } = {}): Session {
  const values = { distccd: options.distccd ?? distccd, slots: options.slots ?? 2, run };
  // The port word is what a restricted key's forced command adds (setup/forced-command.ts).
  const command = renderRemoteCommand(values) + (options.entrance === undefined ? '' : ` ${options.entrance}`);
  // A changed program (shorter timeouts) runs as python3 would run the real one.
  const child =
    options.program === undefined
      ? withProgram(spawn('/bin/sh', ['-c', command], { stdio: 'pipe', env: ENV, ...NOBODY }))
      : spawn('python3', ['-I', '-S', '-c', options.program, NODE_PROGRAM_NAME, 'run', values.distccd, String(values.slots), run], {
          stdio: 'pipe',
          env: ENV,
          ...NOBODY,
        });
  return new Session(child);
}

interface Status {
  running: boolean;
  problem?: string;
  slots?: number;
  busy?: number;
  runs?: { run: string; jobs: number; waiting: number }[];
}

function status(): Status {
  const result = spawnSync('/bin/sh', ['-c', STATUS_REQUEST], { input: NODE_PROGRAM_BYTES, encoding: 'utf8', env: ENV, ...NOBODY, timeout: 10_000 });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Status;
}

const runsListed = (): string[] => (status().runs ?? []).map((r) => r.run);
const runOf = (s: Status, run: string): { jobs: number; waiting: number } | undefined => {
  const found = s.runs?.find((r) => r.run === run);
  return found === undefined ? undefined : { jobs: found.jobs, waiting: found.waiting };
};

/** One job's way, as the connector takes it: the perl relay, as `user`. */
function relay(
  socket: string,
  input: string | undefined,
  user = NOBODY,
): { child: ChildProcessWithoutNullStreams; done: Promise<{ code: number | null; out: string }> } {
  const [file, ...args] = relayWords(PERL, socket);
  const child = spawn(file as string, args, { stdio: 'pipe', env: ENV, ...user });
  children.push(child);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('latin1')));
  child.stdin.on('error', () => {});
  if (input !== undefined) child.stdin.end(input);
  const done = new Promise<{ code: number | null; out: string }>((resolve) => child.once('close', (code) => resolve({ code, out })));
  return { child, done };
}

/** A job that has sent distcc's first token and waits: it holds a slot once dispatched. */
function heldJob(socket: string): ChildProcessWithoutNullStreams {
  const { child } = relay(socket, undefined);
  child.stdin.write('DIST');
  return child;
}

async function probe(socket: string): Promise<string | undefined> {
  return probeJobWay({ forward: ['/bin/true'], relay: relayWords(PERL, socket), user: NOBODY, env: ENV, timeoutMs: 5000 });
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// --- the file's lock and each test's clean slate -----------------------------------------------

let lockHolder: ChildProcess | undefined;
beforeAll(async () => {
  if (!canRun) return;
  lockHolder = spawn('flock', ['-x', `/tmp/demerge-unit-node-program-${NOBODY.uid}.lock`, 'sh', '-c', 'echo locked; exec cat'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => lockHolder?.stdout?.once('data', () => resolve()));
}, 120_000);
afterAll(() => {
  lockHolder?.stdin?.end();
});
beforeEach(async () => {
  if (canRun) await clean();
});
afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close()));
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (canRun) await clean();
});

function connection(
  startMaster: () => ChildProcess,
  hooks: Partial<ConstructorParameters<typeof NodeConnection>[2]> = {},
  readyTimeoutMs = 10_000,
): NodeConnection {
  const made = new NodeConnection('/nonexistent/ctl', readyTimeoutMs, {
    startMaster,
    probe: (endpoint) => probe(endpoint.socket),
    onLost: () => {},
    onBack: () => {},
    ...hooks,
  });
  connections.push(made);
  return made;
}

const master =
  (run: string, slots = 2, distccdPath = distccd) =>
  (): ChildProcess =>
    withProgram(spawn('/bin/sh', ['-c', renderRemoteCommand({ distccd: distccdPath, slots, run })], { stdio: 'pipe', env: ENV, ...NOBODY }));

// Fake masters in the tests below end at end of file on stdin (`cat`), as ssh does: closing one
// takes no grace period.

// --- the tests ---------------------------------------------------------------------------------

describe.skipIf(!canRun)('the node program, run as the login user', () => {
  it("registers the run and answers with the run's socket in the user's private directory", async () => {
    const run = runName('ready');
    const opened = await connection(master(run, 3)).open();
    expect(opened).toEqual({ ok: true, endpoint: { socket: `${STATE}/run-${run}.sock`, slots: 3 } });
    const dir = lstatSync(STATE);
    expect(dir.isDirectory()).toBe(true);
    expect(dir.uid).toBe(NOBODY.uid);
    expect(dir.mode & 0o777).toBe(0o700);
    expect(statSync(`${STATE}/run-${run}.sock`).isSocket()).toBe(true);
    expect(statSync(`${STATE}/control`).isSocket()).toBe(true);
    expect(status()).toEqual({ running: true, slots: 3, busy: 0, runs: [{ run, jobs: 0, waiting: 0 }] });
  });

  it("answers demerge's probe itself, through the connector's relay", async () => {
    const session = startSession(runName('probe'));
    const socket = await session.ready();
    expect(await relay(socket, 'DEMP').done).toEqual({ code: 0, out: 'ok\n' });
    expect(await probe(socket)).toBeUndefined();
  });

  it.each([
    ['a small job', 'int answer(void) { return 42; }\n'],
    // Megabytes both ways: the service's relay must carry them through its buffers intact.
    [
      'a large job',
      `const unsigned char blob[] = {${Array.from({ length: 600_000 }, (_, i) => (i * 7919) % 251).join(',')}};\nint answer(void) { return blob[12345]; }\n`,
    ],
  ])('compiles a real distcc job that comes through the socket (%s)', async (_name, source) => {
    if (distcc === '') return;
    const run = runName('cc');
    const session = startSession(run);
    const socket = await session.ready();
    const dir = mkdtempSync(join(tmpdir(), 'demerge-tunnel-cc-'));
    try {
      chmodSync(dir, 0o755);
      mkdirSync(join(dir, '.distcc'));
      writeFileSync(join(dir, 'hello.c'), source);
      writeFileSync(join(dir, 'connect'), renderConnector({ runId: run, relay: PERL, routes: [{ host: 'node1', socket }] }), { mode: 0o755 });
      for (const entry of ['.', '.distcc', 'hello.c', 'connect']) chownSync(join(dir, entry), NOBODY.uid, NOBODY.gid);
      const result = spawnSync(distcc, ['gcc', '-c', 'hello.c', '-o', 'hello.o'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 15_000,
        ...NOBODY,
        env: {
          ...ENV,
          DISTCC_HOSTS: '@node1/2',
          DISTCC_SSH: join(dir, 'connect'),
          DISTCC_DIR: join(dir, '.distcc'),
          // A local compile would hide a broken way: distcc must fail instead.
          DISTCC_FALLBACK: '0',
          DISTCC_SKIP_LOCAL_RETRY: '1',
          DISTCC_VERBOSE: '1',
        },
      });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/compiled on node1/);
      expect(statSync(join(dir, 'hello.o')).size).toBeGreaterThan(0);
      expect(spawnSync('nm', [join(dir, 'hello.o')], { encoding: 'utf8' }).stdout).toMatch(/ T answer$/m);
      // The same object as a local compile: nothing lost or reordered on the way.
      const local = spawnSync('gcc', ['-c', 'hello.c', '-o', 'local.o'], { cwd: dir, ...NOBODY, env: ENV });
      expect(local.status).toBe(0);
      expect(readFileSync(join(dir, 'hello.o')).equals(readFileSync(join(dir, 'local.o')))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps distccd's TCP port out of this machine's network namespace", async () => {
    const before = spawnSync('ss', ['-ltnH', 'sport = :3632'], { encoding: 'utf8' }).stdout.trim();
    const session = startSession(runName('netns'));
    await session.ready();
    expect(distccds().length).toBeGreaterThan(0);
    // Whatever listened on 3632 before (nothing, usually), the service added nothing.
    expect(spawnSync('ss', ['-ltnH', 'sport = :3632'], { encoding: 'utf8' }).stdout.trim()).toBe(before);
    if (before === '') expect(await tcpOpen(3632)).toBe(false);
  });

  it("refuses other users of the node: their connect fails with EACCES (the directory is the user's alone)", async () => {
    if (OTHER.uid < 0) return;
    const socket = await startSession(runName('other')).ready();
    const tryConnect = (path: string, user: { uid: number; gid: number }): string =>
      spawnSync(
        '/usr/bin/perl',
        ['-MSocket', '-e', 'socket(S,AF_UNIX,SOCK_STREAM,0)||die; print connect(S,pack_sockaddr_un($ARGV[0])) ? "connected" : 0+$!', path],
        {
          encoding: 'utf8',
          ...user,
        },
      ).stdout;
    for (const path of [socket, `${STATE}/control`]) {
      expect(tryConnect(path, OTHER), path).toBe('13'); // EACCES
      expect(tryConnect(path, NOBODY), path).toBe('connected');
    }
    expect(await relay(socket, 'DEMP', OTHER).done).toEqual({ code: 255, out: '' });
  });

  describe('the TCP entrance (a key with permitopen="127.0.0.1:PORT")', () => {
    // A port of this machine's loopback that nothing else here uses.
    const PORT = 20_000 + (process.pid % 20_000);

    /** Bytes to 127.0.0.1:PORT as `user`, and what came back before the service closed. */
    const tcpSend = (input: string, user: { uid: number; gid: number }): { out: string; err: string } => {
      const result = spawnSync(
        '/usr/bin/python3',
        [
          '-c',
          'import socket,sys\ns=socket.create_connection(("127.0.0.1",int(sys.argv[1])))\ns.sendall(sys.argv[2].encode())\ns.shutdown(1)\ns.settimeout(5)\nd=b""\ntry:\n while True:\n  c=s.recv(4096)\n  if not c: break\n  d+=c\nexcept OSError as e:\n print("error",e.errno,file=sys.stderr)\nsys.stdout.write(d.decode())',
          String(PORT),
          input,
        ],
        { encoding: 'utf8', timeout: 10_000, ...user },
      );
      return { out: result.stdout, err: `${result.stderr}${result.error?.message ?? ''}` };
    };

    it("opens 127.0.0.1:PORT of the node's own network, says so in the ready line, and takes the run's probe there", async () => {
      const run = runName('entrance');
      const session = startSession(run, { entrance: PORT });
      await session.ready();
      expect(session.out.find((l) => l.startsWith('ready '))).toBe(`ready ${STATE}/run-${run}.sock 2 127.0.0.1:${PORT} ${run}`);
      expect(spawnSync('ss', ['-ltnH', `sport = :${PORT}`], { encoding: 'utf8' }).stdout).toContain(`127.0.0.1:${PORT}`);
      expect(status()).toMatchObject({ running: true, entrance: PORT });
      expect(tcpSend(`DEMR ${run}\nDEMP`, NOBODY)).toEqual({ out: 'ok\n', err: '' });
    });

    it('closes, before reading a byte, every connection another user makes, and those that name no run of its own', async () => {
      if (OTHER.uid < 0) return;
      const run = runName('entrance-other');
      await startSession(run, { entrance: PORT }).ready();
      expect(tcpSend(`DEMR ${run}\nDEMP`, OTHER).out).toBe('');
      expect(tcpSend(`DEMR ${run}\nDIST00000001`, OTHER).out).toBe('');
      expect(tcpSend('DEMR someone-else\nDEMP', NOBODY).out).toBe('');
      expect(tcpSend('DEMP', NOBODY).out).toBe('');
      expect(tcpSend(`DEMR ${run}\nDEMP`, NOBODY).out).toBe('ok\n');
    });

    it('compiles a real distcc job that comes through the entrance', async () => {
      if (distcc === '') return;
      const run = runName('entrance-cc');
      await startSession(run, { entrance: PORT }).ready();
      const dir = mkdtempSync(join(tmpdir(), 'demerge-entrance-cc-'));
      try {
        chmodSync(dir, 0o755);
        mkdirSync(join(dir, '.distcc'));
        writeFileSync(join(dir, 'hello.c'), 'int answer(void) { return 42; }\n');
        chownSync(dir, NOBODY.uid, NOBODY.gid);
        // As ssh -L does on the front end: the relay's unix socket, carried to the TCP entrance.
        const bridge = join(dir, 'bridge.sock');
        const forward = spawn(
          '/usr/bin/python3',
          [
            '-c',
            [
              'import os,socket,sys,threading',
              'l=socket.socket(socket.AF_UNIX);l.bind(sys.argv[1]);l.listen(8)',
              'def pipe(a,b):\n while True:\n  d=a.recv(65536)\n  if not d:\n   b.shutdown(1);return\n  b.sendall(d)',
              'while True:\n c=l.accept()[0]\n t=socket.create_connection(("127.0.0.1",int(sys.argv[2])))\n threading.Thread(target=pipe,args=(c,t),daemon=True).start()\n threading.Thread(target=pipe,args=(t,c),daemon=True).start()',
            ].join('\n'),
            bridge,
            String(PORT),
          ],
          { stdio: 'ignore', ...NOBODY },
        );
        children.push(forward);
        expect(await until(() => existsSync(bridge))).toBe(true);
        writeFileSync(join(dir, 'connect'), renderConnector({ runId: run, relay: PERL, routes: [{ host: 'node1', socket: bridge, entranceRun: run }] }), {
          mode: 0o755,
        });
        for (const entry of ['.', '.distcc', 'hello.c', 'connect']) chownSync(join(dir, entry), NOBODY.uid, NOBODY.gid);
        const result = spawnSync(distcc, ['gcc', '-c', 'hello.c', '-o', 'hello.o'], {
          cwd: dir,
          encoding: 'utf8',
          timeout: 15_000,
          ...NOBODY,
          env: {
            ...ENV,
            DISTCC_HOSTS: '@node1/2',
            DISTCC_SSH: join(dir, 'connect'),
            DISTCC_DIR: join(dir, '.distcc'),
            DISTCC_FALLBACK: '0',
            DISTCC_SKIP_LOCAL_RETRY: '1',
            DISTCC_VERBOSE: '1',
          },
        });
        expect(result.status, result.stderr).toBe(0);
        expect(result.stderr).toMatch(/compiled on node1/);
        expect(spawnSync('nm', [join(dir, 'hello.o')], { encoding: 'utf8' }).stdout).toMatch(/ T answer$/m);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('shares one entrance between the runs that ask for it, and a run without a port uses its socket beside them', async () => {
      const a = runName('entrance-a');
      const b = runName('entrance-b');
      const c = runName('entrance-c');
      const sessions = [startSession(a, { entrance: PORT }), startSession(b, { entrance: PORT }), startSession(c)];
      await Promise.all(sessions.map((session) => session.ready()));
      expect(runsListed().sort()).toEqual([a, b, c].sort());
      expect(tcpSend(`DEMR ${a}\nDEMP`, NOBODY).out).toBe('ok\n');
      expect(tcpSend(`DEMR ${b}\nDEMP`, NOBODY).out).toBe('ok\n');
      expect(sessions[2]?.out.find((l) => l.startsWith('ready '))).toBe(`ready ${STATE}/run-${c}.sock 2`);
    });

    it('refuses the run, naming the holder, when another user holds the port', async () => {
      if (OTHER.uid < 0) return;
      const squatter = spawn(
        '/usr/bin/python3',
        [
          '-c',
          'import socket,sys,time\ns=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(("127.0.0.1",int(sys.argv[1])));s.listen(1);print("up",flush=True);time.sleep(30)',
          String(PORT),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'], ...OTHER },
      );
      children.push(squatter);
      await new Promise((resolve) => squatter.stdout?.once('data', resolve));
      const session = startSession(runName('entrance-taken'), { entrance: PORT });
      const exited = await session.exited;
      expect(exited.code).toBe(1);
      expect(session.err.join('\n')).toContain(`demerge-node: 127.0.0.1:${PORT} on the node is taken by uid ${OTHER.uid}`);
      expect(session.out.some((l) => l.startsWith('ready '))).toBe(false);
    });

    it('refuses a run that asks for another port than the service listens on', async () => {
      await startSession(runName('entrance-first'), { entrance: PORT }).ready();
      const second = startSession(runName('entrance-second'), { entrance: PORT + 1 });
      expect((await second.exited).code).toBe(1);
      expect(second.err.join('\n')).toContain(`listens on 127.0.0.1:${PORT}, but this key may open 127.0.0.1:${PORT + 1} only`);
    });
  });

  it("shares one service and one distccd between two runs, and each hears of the other's", async () => {
    const a = runName('a');
    const b = runName('b');
    const shared: SharedSlots[] = [];
    const first = connection(master(a), { onShared: (s) => shared.push(s) });
    expect((await first.open()).ok).toBe(true);
    const second = connection(master(b, 7));
    // The service's slots are the first run's.
    expect(await second.open()).toEqual({ ok: true, endpoint: { socket: `${STATE}/run-${b}.sock`, slots: 2 } });
    expect(status()).toEqual({
      running: true,
      slots: 2,
      busy: 0,
      runs: [
        { run: a, jobs: 0, waiting: 0 },
        { run: b, jobs: 0, waiting: 0 },
      ],
    });
    // Two sessions and one service; one distccd daemon (its children are its own).
    expect(nodePrograms()).toHaveLength(3);
    const daemons = distccds().filter((p) => nodePrograms().some((n) => n.pid === p.ppid));
    expect(daemons).toHaveLength(1);
    expect(await until(() => shared.some((s) => s.runs === 1), 3000)).toBe(true);
  });

  it('starts one service for two runs that come at the same moment', async () => {
    const a = runName('same-a');
    const b = runName('same-b');
    const sessions = [startSession(a), startSession(b)];
    await Promise.all(sessions.map((session) => session.ready()));
    expect(runsListed().sort()).toEqual([a, b].sort());
    expect(nodePrograms()).toHaveLength(3);
  });

  it("answers only its own requests on the control socket, and a request after the control's end registers nothing", async () => {
    const run = runName('control');
    const session = startSession(run);
    await session.ready();
    // Another program of the login user, talking to the service directly.
    const talk = (text: string): string =>
      spawnSync(
        'python3',
        [
          '-I',
          '-S',
          '-c',
          'import socket,sys\ns=socket.socket(socket.AF_UNIX)\ns.settimeout(3)\ns.connect(sys.argv[1])\ns.sendall(sys.argv[2].encode())\nd=b""\nwhile True:\n c=s.recv(4096)\n if not c: break\n d+=c\nsys.stdout.write(d.decode())',
          `${STATE}/control`,
          text,
        ],
        { encoding: 'utf8', env: ENV, ...NOBODY, timeout: 5000 },
      ).stdout;
    expect(JSON.parse(talk('status\nrun ghost\n'))).toMatchObject({ running: true, runs: [{ run }] });
    for (const bad of ['hello\n', 'run ../x\n', 'run a b\n', `run ${run}\n`, 'run ränn\n', `run ${'x'.repeat(65)}\n`]) {
      expect(talk(bad), bad).toBe('error bad request\n');
    }
    expect(runsListed()).toEqual([run]);
    expect(readdirSync(STATE).filter((name) => name.endsWith('.sock'))).toEqual([`run-${run}.sock`]);
    // And so the last run's end still ends the service.
    session.child.stdin.end();
    expect(await until(() => nodePrograms().length === 0 && distccds().length === 0)).toBe(true);
  });

  it('relays at most SLOTS jobs at a time; the rest wait in the service', async () => {
    const run = runName('slots');
    const session = startSession(run, { slots: 1 });
    const socket = await session.ready();
    const one = heldJob(socket);
    expect(await until(() => runOf(status(), run)?.jobs === 1)).toBe(true);
    const two = heldJob(socket);
    expect(await until(() => runOf(status(), run)?.waiting === 1)).toBe(true);
    for (let i = 0; i < 3; i++) {
      const now = status();
      expect(now.busy).toBe(1);
      expect(runOf(now, run)).toEqual({ jobs: 1, waiting: 1 });
    }
    // The first job ends (distccd closes on the cut request): the waiting one gets the slot.
    one.stdin.end();
    expect(await until(() => JSON.stringify(runOf(status(), run)) === '{"jobs":1,"waiting":0}')).toBe(true);
    two.stdin.end();
    expect(await until(() => status().busy === 0)).toBe(true);
  });

  it('gives a free slot to the runs in turn (round robin)', async () => {
    const a = runName('rr-a');
    const b = runName('rr-b');
    const sa = startSession(a, { slots: 1 });
    const socketA = await sa.ready();
    const socketB = await startSession(b, { slots: 1 }).ready();
    // A holds the slot; then three jobs of each run queue up behind it.
    let current = heldJob(socketA);
    expect(await until(() => runOf(status(), a)?.jobs === 1)).toBe(true);
    const queued: Record<string, ChildProcessWithoutNullStreams[]> = { [a]: [], [b]: [] };
    for (let i = 1; i <= 3; i++) {
      for (const [run, socket] of [
        [a, socketA],
        [b, socketB],
      ] as const) {
        queued[run]?.push(heldJob(socket));
        expect(await until(() => runOf(status(), run)?.waiting === i)).toBe(true);
      }
    }
    // A hears of B's waiting jobs.
    expect(await until(() => sa.out.includes('others 0 3 1'), 3000), sa.out.join('|')).toBe(true);
    const order: string[] = [];
    for (let step = 0; step < 6; step++) {
      current.stdin.end();
      let served: string | undefined;
      const moved = await until(() => {
        const now = status();
        const waiting = (now.runs ?? []).reduce((sum, r) => sum + r.waiting, 0);
        served = now.runs?.find((r) => r.jobs === 1)?.run;
        return now.busy === 1 && waiting === 5 - step && served !== undefined;
      });
      expect(moved, `step ${step}`).toBe(true);
      order.push(served === a ? 'A' : 'B');
      // Within a run, jobs are served in the order they came.
      current = queued[served as string]?.shift() as ChildProcessWithoutNullStreams;
    }
    expect(order).toEqual(['B', 'A', 'B', 'A', 'B', 'A']);
  });

  it("drops a run within a second of its session's SIGKILL; the last run's end ends the service", async () => {
    const a = runName('kill-a');
    const b = runName('kill-b');
    const first = startSession(a);
    await first.ready();
    const second = startSession(b);
    const socketB = await second.ready();
    expect(runsListed()).toEqual([a, b]);
    // The first session started the service; the service outlives it.
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await until(() => !runsListed().includes(a), 3000)).toBe(true);
    expect(Date.now() - killedAt).toBeLessThan(1500);
    expect(existsSync(`${STATE}/run-${a}.sock`)).toBe(false);
    expect(await probe(socketB)).toBeUndefined();
    second.child.stdin.end();
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(await until(() => nodePrograms().length === 0 && distccds().length === 0)).toBe(true);
    expect(existsSync(`${STATE}/control`)).toBe(false);
    expect(readdirSync(STATE).filter((name) => name.endsWith('.sock'))).toEqual([]);
    expect(status()).toEqual({ running: false });
  });

  it('ends the service after the last run even while status requests keep coming (seen on the lab: a 100 ms poll kept it for good)', async () => {
    const a = runName('polled');
    const session = startSession(a);
    await session.ready();
    session.child.stdin.end();
    expect(await session.exited).toEqual({ code: 0, signal: null });
    // Status about every 50 ms: each one is a control connection of its own.
    let running = true;
    const deadline = Date.now() + 5000;
    while (running && Date.now() < deadline) {
      running = status().running;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(running).toBe(false);
    expect(await until(() => nodePrograms().length === 0 && distccds().length === 0)).toBe(true);
  });

  it('ends the session at end of file on stdin; heartbeats keep it without writing a byte', async () => {
    const run = runName('beat');
    const session = startSession(run);
    await session.ready();
    const listing = (): string => JSON.stringify(readdirSync(STATE).map((name) => [name, lstatSync(join(STATE, name)).size]));
    const before = listing();
    for (let i = 0; i < 3; i++) {
      session.child.stdin.write('h');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(listing()).toBe(before);
    expect(runsListed()).toEqual([run]);
    session.child.stdin.end();
    expect(await session.exited).toEqual({ code: 0, signal: null });
    expect(await until(() => nodePrograms().length === 0)).toBe(true);
  });

  it('ends the session after silence on stdin (the heartbeat timeout, shortened here)', async () => {
    const program = NODE_PROGRAM.replace('HEARTBEAT_TIMEOUT = 30', 'HEARTBEAT_TIMEOUT = 1');
    expect(program).not.toBe(NODE_PROGRAM);
    const session = startSession(runName('silent'), { program });
    await session.ready();
    const readyAt = Date.now();
    expect(await session.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - readyAt).toBeLessThan(3000);
  });

  it.each(['SIGHUP', 'SIGTERM'] as const)('drops the run when sshd signals the session (%s)', async (signal) => {
    const run = runName(signal);
    const session = startSession(run);
    await session.ready();
    session.child.kill(signal);
    expect(await until(() => !runsListed().includes(run), 3000)).toBe(true);
  });

  it('keeps the run while nobody reads its stdout (no death by SIGPIPE), and ends it at end of file', async () => {
    const run = runName('pipe');
    const session = startSession(run);
    await session.ready();
    session.child.stdout.destroy();
    // A second run makes the service send "others" lines the first can no longer write.
    await startSession(runName('pipe-other')).ready();
    await new Promise((r) => setTimeout(r, 700));
    expect(runsListed()).toContain(run);
    session.child.stdin.end();
    expect(await until(() => !runsListed().includes(run), 3000)).toBe(true);
  });

  it('drops the run when the process holding the connection is killed with SIGKILL', async () => {
    const run = runName('holder');
    // A separate holder process, killed the way `kill -9 demerge` would be.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `
      const { spawn } = require('node:child_process');
      const child = spawn('/bin/sh', ['-c', process.argv[1]], { stdio: ['pipe', 'inherit', 'ignore'], env: { PATH: '/usr/bin:/bin' }, uid: ${NOBODY.uid}, gid: ${NOBODY.gid} });
      child.stdin.write(Buffer.from(process.argv[2], 'base64'));
      setInterval(() => {}, 1000);
    `,
        renderRemoteCommand({ distccd, slots: 1, run }),
        NODE_PROGRAM_BYTES.toString('base64'),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(holder);
    let output = '';
    holder.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    expect(await until(() => output.includes('ready '), 8000)).toBe(true);
    holder.kill('SIGKILL');
    expect(await until(() => nodePrograms().length === 0, 5000)).toBe(true);
  });

  it.each([
    ['owned by another user', () => mkdirSync(STATE, { mode: 0o700 }), `owner 0, mode 700`],
    [
      'open to others (0777)',
      () => {
        mkdirSync(STATE);
        chownSync(STATE, NOBODY.uid, NOBODY.gid);
        chmodSync(STATE, 0o777);
      },
      `owner ${NOBODY.uid}, mode 777`,
    ],
    [
      'a symlink to a private directory',
      () => {
        const target = mkdtempSync(join(tmpdir(), 'demerge-target-'));
        chownSync(target, NOBODY.uid, NOBODY.gid);
        symlinkSync(target, STATE);
      },
      'owner 0, mode 777',
    ],
  ])('refuses a state directory %s, in one line naming it', async (_name, make, says) => {
    rmSync(STATE, { recursive: true, force: true });
    make();
    try {
      const opened = await connection(master(runName('dir'))).open();
      expect(opened).toEqual({ ok: false, detail: `demerge-node: ${STATE} is not a private directory of this user (${says}): remove it` });
      expect(status()).toEqual({ running: false, problem: `${STATE} is not a private directory of this user (${says}): remove it` });
      expect(nodePrograms()).toEqual([]);
    } finally {
      const target = lstatSync(STATE).isSymbolicLink() ? readlinkTarget(STATE) : undefined;
      rmSync(STATE, { recursive: true, force: true });
      if (target !== undefined) rmSync(target, { recursive: true, force: true });
    }
  });

  it('reports why the service did not start', async () => {
    const opened = await connection(master(runName('nodistccd'), 1, '/nonexistent/distccd')).open();
    expect(opened.ok).toBe(false);
    expect(opened.ok ? '' : opened.detail).toMatch(/^demerge-node: the node service failed: .*No such file or directory/);
    expect(await until(() => nodePrograms().length === 0)).toBe(true);
  });

  it("loses the connection when the node's distccd dies, and makes it again with a new service", async () => {
    const lost: string[] = [];
    const back: NodeEndpoint[] = [];
    const made = connection(master(runName('dies')), { onLost: (d) => lost.push(d), onBack: (e) => back.push(e) });
    expect((await made.open()).ok).toBe(true);
    const daemon = distccds().find((p) => nodePrograms().some((n) => n.pid === p.ppid));
    expect(daemon).toBeDefined();
    process.kill(daemon?.pid as number, 'SIGKILL');
    expect(await until(() => back.length > 0, 8000)).toBe(true);
    expect(lost).toEqual([expect.stringMatching(/^demerge-node: the node's distccd exited with status -9$/)]);
    expect(await probe(back[0]?.socket as string)).toBeUndefined();
    expect(made.endpoint).toEqual(back[0]);
  });

  it("passes distccd's lines on to every run (here: what a probe's bare connection makes it say)", async () => {
    const messages: string[] = [];
    const made = connection(master(runName('log')), { onNodeMessage: (line) => messages.push(line) });
    const opened = await made.open();
    if (!opened.ok) throw new Error(opened.detail);
    expect(await probe(opened.endpoint.socket)).toBeUndefined();
    expect(await until(() => messages.some((m) => /^distccd\[[0-9]+\] .*ERROR/.test(m)), 3000), messages.join('|')).toBe(true);
  });
});

function readlinkTarget(path: string): string {
  return spawnSync('readlink', [path], { encoding: 'utf8' }).stdout.trim();
}

describe('node connection', () => {
  it('gives up on a node that never answers, within its time', async () => {
    const made = connection(() => spawn('sleep', ['30'], { stdio: 'pipe' }), { probe: async () => undefined }, 300);
    expect(await made.open()).toEqual({ ok: false, detail: 'no answer within 0 s' });
  });

  it("ignores lines that are not the node's ready line", async () => {
    const made = connection(
      () =>
        spawn(
          '/bin/sh',
          ['-c', 'echo "Welcome"; echo "ready 23456"; echo "ready /tmp/x/run-a.sock 0"; echo "ready /tmp/x/run-a.sock 2"; exec cat >/dev/null'],
          { stdio: 'pipe' },
        ),
      { probe: async () => undefined },
    );
    expect(await made.open()).toEqual({ ok: true, endpoint: { socket: '/tmp/x/run-a.sock', slots: 2 } });
  });

  it('fails the open when the probe finds no way, and says why', async () => {
    const made = connection(() => spawn('/bin/sh', ['-c', 'echo "ready /tmp/x/run-a.sock 2"; exec cat >/dev/null'], { stdio: 'pipe' }), {
      probe: async () => 'the forward was refused',
    });
    expect(await made.open()).toEqual({ ok: false, detail: 'the forward was refused' });
  });

  it('re-establishes a dropped connection and reports both events', async () => {
    const events: string[] = [];
    let attempts = 0;
    const made = connection(
      // The first connection drops on its own shortly after it is up (a killed session).
      () =>
        spawn('/bin/sh', ['-c', ++attempts === 1 ? 'echo ready /tmp/x/run-a.1.sock 2; sleep 0.3' : 'echo ready /tmp/x/run-a.2.sock 2; exec cat >/dev/null'], {
          stdio: 'pipe',
        }),
      {
        probe: async () => undefined,
        onLost: (detail) => events.push(`lost: ${detail}`),
        onBack: (endpoint) => events.push(`back on ${endpoint.socket} (${endpoint.slots})`),
      },
    );
    expect(await made.open()).toEqual({ ok: true, endpoint: { socket: '/tmp/x/run-a.1.sock', slots: 2 } });
    expect(await until(() => events.length === 2, 5000)).toBe(true);
    expect(events).toEqual(['lost: ssh exited with status 0', 'back on /tmp/x/run-a.2.sock (2)']);
    expect(made.endpoint).toEqual({ socket: '/tmp/x/run-a.2.sock', slots: 2 });
  });

  it('reports each failed attempt to reconnect, and names a killed master by its signal', async () => {
    const events: string[] = [];
    let attempts = 0;
    const made = connection(
      () => {
        attempts++;
        if (attempts === 1) {
          const child = spawn('/bin/sh', ['-c', 'echo ready /tmp/x/run-a.sock 2; exec cat >/dev/null'], { stdio: 'pipe' });
          setTimeout(() => child.kill('SIGKILL'), 300);
          return child;
        }
        return spawn('/bin/sh', ['-c', 'echo "ssh: connect to host n port 22: Connection refused" >&2; exit 255'], { stdio: 'pipe' });
      },
      {
        probe: async () => undefined,
        onLost: (detail) => events.push(`lost: ${detail}`),
        onBack: () => events.push('back'),
        onRetryFailed: (detail) => events.push(`failed: ${detail}`),
      },
    );
    expect(await made.open()).toEqual({ ok: true, endpoint: { socket: '/tmp/x/run-a.sock', slots: 2 } });
    expect(await until(() => events.length >= 2, 5000)).toBe(true);
    expect(events.slice(0, 2)).toEqual(['lost: ssh ended by SIGKILL', 'failed: ssh: connect to host n port 22: Connection refused']);
  });

  it("passes on distccd's lines once the node is ready, the others lines as shared slots, and keeps ssh's own for the cause", async () => {
    const messages: string[] = [];
    const lost: string[] = [];
    const shared: SharedSlots[] = [];
    const made = connection(
      () =>
        spawn(
          '/bin/sh',
          [
            '-c',
            [
              'echo "distccd[1] (dcc_bind) ERROR: bind of 0.0.0.0:1 failed: Address already in use" >&2',
              // stderr and stdout are two pipes: give the first line time to arrive first.
              'sleep 0.1',
              'echo others 9 9 9',
              'echo ready /tmp/x/run-a.sock 2',
              'echo others 1 2 3',
              'echo "others 1 2; id"',
              'sleep 0.2',
              'echo "distccd[2] (dcc_pump_readwrite) ERROR: failed to write: No space left on device" >&2',
              'echo "Timeout, server n not responding." >&2',
              'sleep 0.2',
              'exit 255',
            ].join('; '),
          ],
          { stdio: 'pipe' },
        ),
      {
        probe: async () => undefined,
        onLost: (detail) => lost.push(detail),
        onNodeMessage: (line) => messages.push(line),
        onShared: (s) => shared.push(s),
      },
    );
    expect(await made.open()).toEqual({ ok: true, endpoint: { socket: '/tmp/x/run-a.sock', slots: 2 } });
    expect(await until(() => lost.length > 0)).toBe(true);
    expect(messages).toEqual(['distccd[2] (dcc_pump_readwrite) ERROR: failed to write: No space left on device']);
    expect(shared).toEqual([{ jobs: 1, waiting: 2, runs: 3 }]);
    expect(lost[0]).toBe('Timeout, server n not responding.');
  });
});
