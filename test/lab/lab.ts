import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa, execaSync, type ResultPromise } from 'execa';

// Shared plumbing of the lab tests: the real lab (lab/lab), the real demerge (bin/demerge.js)
// and the emerge stand-in, each run as a process the way a user would run it.

export const ROOT = resolve(import.meta.dirname, '../..');
export const LAB_DIR = process.env.DEMERGE_LAB_DIR ?? '/var/lib/demerge-lab';
export const LAB_CONFIG = join(LAB_DIR, 'demerge.conf');
export const STANDIN = join(ROOT, 'test/emerge-standin/emerge');
export const DEMERGE = join(ROOT, 'bin/demerge.js');
// main.c and the u*.c units of the fixture project.
export const TRANSLATION_UNITS = readdirSync(join(ROOT, 'test/fixtures/hello-project/src')).filter((f) => f.endsWith('.c')).length;

export async function lab(...args: string[]): Promise<string> {
  const result = await execa(join(ROOT, 'lab/lab'), args);
  return result.stdout;
}

export function nodeAddress(node: number): string {
  return `198.18.${node}.2`;
}

/** Compiles per node from the nodes' own process accounting, not from demerge. */
export async function compilesByNode(): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (const line of (await lab('compiles', 'all')).split('\n')) {
    const [node, count] = line.trim().split(/\s+/).map(Number);
    if (node !== undefined && count !== undefined && !Number.isNaN(node)) counts.set(node, count);
  }
  return counts;
}

export async function resetCompiles(): Promise<void> {
  for (const node of (await compilesByNode()).keys()) await lab('compiles-reset', String(node));
}

export function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

export interface Workspace {
  dir: string;
  env: Record<string, string>;
}

/** A private PORTAGE_TMPDIR, log dir and history per test, readable by the build user. */
export function workspace(extra: Record<string, string> = {}): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'demerge-lab-'));
  // Portage's userpriv builds as portage, which must be able to enter PORTAGE_TMPDIR.
  chmodSync(dir, 0o755);
  return {
    dir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      DEMERGE_EMERGE: STANDIN,
      DEMERGE_CONFIG: LAB_CONFIG,
      PORTAGE_TMPDIR: dir,
      EMERGE_LOG_DIR: dir,
      STANDIN_ARGV_FILE: join(dir, 'argv.json'),
      STANDIN_SIGNAL_LOG: join(dir, 'signals.log'),
      // Runs are recorded here, never in the machine's /var/lib/demerge.
      DEMERGE_HISTORY: join(dir, 'history.jsonl'),
      ...extra,
    },
  };
}

/** A shell word for a path or an environment entry. */
export function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `env -i ... demerge ARGS` as one shell line: a run with its workspace's environment and a terminal type. */
export function shellLine(ws: Workspace, args: string[]): string {
  const env = Object.entries({ ...ws.env, TERM: 'xterm-256color' }).map(([key, value]) => shellWord(`${key}=${value}`));
  return ['env', '-i', ...env, shellWord(process.execPath), DEMERGE, ...args.map(shellWord)].join(' ');
}

export function demerge(
  args: string[],
  ws: Workspace,
  options: { input?: string } = {},
): ResultPromise<{ reject: false; env: Record<string, string>; extendEnv: false; all: true; input?: string }> {
  return execa(DEMERGE, args, {
    reject: false,
    env: ws.env,
    extendEnv: false,
    all: true,
    ...(options.input === undefined ? {} : { input: options.input }),
  }) as never;
}

/** The environment make saw in the build, as the stand-in recorded it (FEATURES=noclean keeps it). */
export function buildEnvironment(ws: Workspace, cpv = 'dev-util/hello-1.0'): Record<string, string> {
  return JSON.parse(readFileSync(join(ws.dir, 'portage', cpv, 'temp', 'environment.json'), 'utf8')) as Record<string, string>;
}

/** A fingerprint of every file, link and mode under a tree: equal means byte-identical. */
export function treeDigest(root: string): string {
  const hash = createHash('sha256');
  const walk = (path: string): void => {
    const info = lstatSync(path);
    hash.update(`${path}\0${info.mode}\0${info.uid}\0${info.gid}\0`);
    if (info.isSymbolicLink()) hash.update(readlinkSync(path));
    else if (info.isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name));
    else if (info.isFile()) hash.update(readFileSync(path));
  };
  walk(root);
  return hash.digest('hex');
}

export function runDirsLeft(): string[] {
  try {
    return readdirSync('/run/demerge');
  } catch {
    return [];
  }
}

/**
 * Polls until `probe` gives a value (anything but undefined or false) and returns it; lab
 * processes have no event to wait on.
 */
export async function waitFor<T>(probe: () => T | undefined | false, timeoutMs = 30_000, what = 'a condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * pids of running tunnel masters (ssh with ControlMaster=yes) whose argument list satisfies
 * `match`: a run's (its ControlPath) or a node's (its address).
 */
export function tunnelMasters(match: (args: readonly string[]) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const args = (readOrUndefined(`/proc/${entry}/cmdline`) ?? '').split('\0');
    if (args.includes('ControlMaster=yes') && match(args)) pids.push(Number(entry));
  }
  return pids;
}

/** The PID namespace of each lab node (its PID 1's), by node number. */
function nodePidNamespaces(): Map<string, number> {
  const byNamespace = new Map<string, number>();
  for (const name of readdirSync(join(LAB_DIR, 'nodes'))) {
    try {
      const pid = readFileSync(join(LAB_DIR, 'nodes', name, 'pid'), 'utf8').trim();
      byNamespace.set(readlinkSync(`/proc/${pid}/ns/pid`), Number(name));
    } catch {
      // a node that is not up
    }
  }
  return byNamespace;
}

/**
 * The most compilers (cc1, cc1plus) the distcc user ran at once on each node, from the kernel's
 * process table (every 20 ms, read on this machine: the nodes' PID namespaces are visible from
 * here), not from demerge or the node's service. A compile shorter than 20 ms can be missed,
 * so the peak is a lower bound of the truth, never above it.
 */
export function startCompilerPeaks(user = 'distcc'): { stop(): Map<number, number> } {
  const uid = execaSync('id', ['-u', user]).stdout.trim();
  const namespaces = nodePidNamespaces();
  const peaks = new Map<number, number>();
  const sample = (): void => {
    const now = new Map<number, number>();
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const name = /^Name:\s*(\S+)/m.exec(status)?.[1];
        if (name !== 'cc1' && name !== 'cc1plus') continue;
        if (/^Uid:\s*(\d+)/m.exec(status)?.[1] !== uid) continue;
        const node = namespaces.get(readlinkSync(`/proc/${pid}/ns/pid`));
        if (node !== undefined) now.set(node, (now.get(node) ?? 0) + 1);
      } catch {
        // it ended meanwhile
      }
    }
    for (const [node, count] of now) peaks.set(node, Math.max(peaks.get(node) ?? 0, count));
  };
  const timer = setInterval(sample, 20);
  return {
    stop() {
      clearInterval(timer);
      return peaks;
    },
  };
}

/** The node service's own status (src/transport/node-program.ts), asked on the node as the distcc user. */
export async function nodeServiceStatus(
  node: number,
): Promise<{ running: boolean; slots?: number; busy?: number; runs?: { run: string; jobs: number; waiting: number }[] }> {
  const program = [
    'import json,socket,sys',
    's=socket.socket(socket.AF_UNIX)',
    'try:\n s.connect("/tmp/demerge-%s/control" % sys.argv[1])\nexcept OSError:\n print(json.dumps({"running": False})); sys.exit(0)',
    's.sendall(b"status\\n")',
    'd=b""\nwhile not d.endswith(b"\\n"):\n c=s.recv(65536)\n if not c: break\n d+=c',
    'print(d.decode().strip() or json.dumps({"running": False}))',
  ].join('\n');
  const uid = execaSync('id', ['-u', 'distcc']).stdout.trim();
  const gid = execaSync('id', ['-g', 'distcc']).stdout.trim();
  const stdout = await lab(
    'exec',
    String(node),
    'setpriv',
    `--reuid=${uid}`,
    `--regid=${gid}`,
    '--clear-groups',
    '/usr/bin/python3',
    '-I',
    '-S',
    '-c',
    program,
    uid,
  );
  return JSON.parse(stdout) as never;
}

/** Polls an async `probe` every 100 ms until it gives a value (anything but undefined or false). */
export async function until<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  what: string | (() => string | Promise<string>) = 'a condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    // A function says what was seen last, so a failure shows the state, not just the wait.
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : await what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The pid of the stand-in's emerge that a demerge run started (it outlives a SIGKILLed demerge). */
export function emergeOf(run: ResultPromise): Promise<number> {
  return until(
    async () => {
      const { stdout } = await execa('ps', ['--ppid', String(run.pid), '-o', 'pid=,args='], { reject: false });
      const line = stdout.split('\n').find((l) => l.includes('emerge-standin/emerge'));
      return line === undefined ? undefined : Number(line.trim().split(/\s+/)[0]);
    },
    30_000,
    'emerge',
  );
}
