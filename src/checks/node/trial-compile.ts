import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { NodeConfig } from '../../config/types.js';
import * as msg from '../../messages.js';
import { createDistccDir } from '../../run-env/distcc-dir.js';
import { createRunDir } from '../../run-env/run-dir.js';
import { writeRunFiles } from '../../run-env/write-run-files.js';
import { formatDistccHosts } from '../../run/run-environment.js';
import { which } from '../../system/which.js';
import type { Identity } from '../local/file-facts.js';
import { fail, ok, type Check } from '../types.js';
import { classifyTrialFailure } from './trial-failure.js';

// The slow check: a real compile of a tiny C file on one node through the transport the build
// would use: the run's ssh wrapper and ssh_config, as the build user, with distcc itself. Only
// this shows what a forced command or the node's compiler whitelist does to distcc's requests.
//
// Node.js forks its whole (large) process for every spawn, which costs tens of milliseconds of
// blocked event loop each; so ONE small shell runs as the build user and starts every node's
// compile the moment its probe has passed, reporting each as it ends.

export interface TrialSetup {
  /** DISTCC_SSH of the trial: the run's wrapper. */
  wrapper: string;
  distccDir: string;
  dir: string;
  buildUser: Identity | undefined;
  path: string;
  setpriv: string | undefined;
  remove(): void;
}

export interface TrialConfig {
  key: string;
  knownHosts: string;
  connectTimeout: number;
}

const SOURCE = 'int demerge_trial(int x) { return x * 2 + 1; }\n';

/** A run directory like the build's, with the wrapper and ssh_config for these nodes. */
export function prepareTrial(uid: number, buildUser: Identity | undefined, nodes: readonly NodeConfig[], config: TrialConfig, ssh: string, path: string): TrialSetup {
  const owner = uid === 0 && buildUser !== undefined ? { uid: buildUser.uid, gid: buildUser.gid } : undefined;
  const runDir = createRunDir(uid, { group: owner?.gid });
  try {
    const files = writeRunFiles(
      runDir.path,
      runDir.id,
      nodes,
      { ssh, key: config.key, knownHosts: config.knownHosts, connectTimeout: config.connectTimeout },
      owner === undefined ? undefined : { uid, gid: owner.gid },
    );
    const distccDir = createDistccDir(runDir.path, owner);
    const dir = join(distccDir, 'trial');
    mkdirSync(dir, { mode: 0o700 });
    if (owner !== undefined) chownSync(dir, owner.uid, owner.gid);
    return {
      wrapper: files.wrapper,
      distccDir,
      dir,
      buildUser: owner === undefined ? undefined : buildUser,
      path,
      setpriv: owner === undefined ? undefined : which('setpriv', path),
      remove: () => runDir.remove(),
    };
  } catch (error) {
    runDir.remove();
    throw error;
  }
}

// One line per job on stdin: `SLUG COMPILER DISTCC_HOSTS`; one line per finished job on stdout:
// `done SLUG STATUS`. Slugs and host specs are plain words (the config's grammar allows no
// spaces), the compiler is ${CHOST}-gcc.
const SPAWNER = [
  'while read -r slug compiler hosts; do',
  '  (',
  '    DISTCC_HOSTS="$hosts" DISTCC_LOG="$slug.log" distcc "$compiler" -c "$slug.c" -o "$slug.o" 2>"$slug.err" </dev/null',
  '    echo "done $slug $?"',
  '  ) &',
  'done',
  'wait',
].join('\n');

export interface TrialInput {
  node: NodeConfig;
  name: string;
  /** A word unique to the node, for its files. */
  slug: string;
  compiler: string;
  /** The probe found a forced command: the node's compiler whitelist may apply. */
  forcedCommand: boolean;
  timeoutMs: number;
}

export interface TrialRunner {
  compile(input: TrialInput): Promise<{ check: Check; ms?: number }>;
  /** Ends the spawner; jobs still running (timed out) are killed. */
  close(): Promise<void>;
}

export function startTrialRunner(setup: TrialSetup, ioTimeoutS: number, signal?: AbortSignal): TrialRunner {
  const user = setup.buildUser;
  // setpriv --init-groups gives the build user its supplementary groups, as Portage's userpriv does.
  const [program, ...args] =
    user !== undefined && setup.setpriv !== undefined
      ? [setup.setpriv, `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', 'sh', '-c', SPAWNER]
      : ['sh', '-c', SPAWNER];
  const child: ChildProcess = spawn(program as string, args, {
    cwd: setup.dir,
    // Its own process group, so that close() and an abort reach every job.
    detached: true,
    stdio: ['pipe', 'pipe', 'ignore'],
    env: {
      PATH: setup.path,
      HOME: setup.dir,
      LC_ALL: 'C',
      DISTCC_SSH: setup.wrapper,
      DISTCC_DIR: setup.distccDir,
      DISTCC_VERBOSE: '1',
      // A failure must show as one, not as a silent local compile.
      DISTCC_FALLBACK: '0',
      DISTCC_SKIP_LOCAL_RETRY: '1',
      DISTCC_IO_TIMEOUT: String(ioTimeoutS),
    },
    ...(user !== undefined && setup.setpriv === undefined ? { uid: user.uid, gid: user.gid } : {}),
  });
  const waiting = new Map<string, (status: number) => void>();
  let exited = false;
  let waitingOnTimeouts = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const killAll = (): void => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  child.on('error', () => {
    exited = true;
    for (const resolve of waiting.values()) resolve(127);
    waiting.clear();
  });
  child.on('exit', () => {
    exited = true;
    for (const resolve of waiting.values()) resolve(-1);
    waiting.clear();
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const [word, slug, status] = line.split(' ');
    if (word !== 'done' || slug === undefined) return;
    waiting.get(slug)?.(Number(status));
    waiting.delete(slug);
  });
  signal?.addEventListener('abort', killAll, { once: true });

  return {
    async compile(input) {
      const { node, name, slug } = input;
      const source = join(setup.dir, `${slug}.c`);
      writeFileSync(source, SOURCE, { mode: 0o644 });
      if (setup.buildUser !== undefined) chownSync(source, setup.buildUser.uid, setup.buildUser.gid);
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const status = await new Promise<number | 'timeout'>((resolve) => {
        if (exited) {
          resolve(127);
          return;
        }
        waiting.set(slug, resolve);
        timer = setTimeout(() => {
          waiting.delete(slug);
          waitingOnTimeouts = true;
          resolve('timeout');
        }, input.timeoutMs);
        child.stdin!.write(`${slug} ${input.compiler} ${formatDistccHosts([node], 0)}\n`);
      });
      clearTimeout(timer);
      const ms = Math.round(performance.now() - started);
      if (status === 0 && existsSync(join(setup.dir, `${slug}.o`))) return { check: ok('node.trial-compile', name, msg.trialOk(input.compiler, ms)), ms };
      if (status === 'timeout') return { check: fail('node.trial-compile', name, msg.trialTimeout(input.compiler, input.timeoutMs / 1000)) };
      const output = `${readOrEmpty(join(setup.dir, `${slug}.err`))}\n${readOrEmpty(join(setup.dir, `${slug}.log`))}`;
      return { check: fail('node.trial-compile', name, classifyTrialFailure({ node, compiler: input.compiler, forcedCommand: input.forcedCommand, output })) };
    },
    async close() {
      signal?.removeEventListener('abort', killAll);
      child.stdin?.end();
      // Every compile has settled; the spawner ends once its jobs are reaped. Jobs that timed
      // out may still run, and the run directory goes next, so they end now.
      if (!exited && waitingOnTimeouts) killAll();
      await Promise.race([exitedPromise, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      killAll();
    },
  };
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
