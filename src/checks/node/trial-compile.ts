import type { ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Client } from 'ssh2';
import type { NodeConfig } from '../../config/types.js';
import { formatHostList } from '../../hosts/index.js';
import * as msg from '../../messages.js';
import { createDistccDir } from '../../run-env/distcc-dir.js';
import { createRunDir } from '../../run-env/run-dir.js';
import { startProcess } from '../../system/spawn.js';
import { which } from '../../system/which.js';
import type { Transport } from '../../config/types.js';
import { startRelay, startTunnelRelay, type RemoteRelay } from '../../ssh/relay-exec.js';
import {
  entranceHeader,
  NODE_PROGRAM_BYTES,
  nodeRunName,
  parseOthersLine,
  parseReadyLine,
  renderRemoteCommand,
  type SharedSlots,
} from '../../transport/index.js';
import { sshJobCommand } from '../../transport/ssh-job-command.js';
import type { Identity } from '../local/file-facts.js';
import { fail, ok, type Check } from '../types.js';
import { classifyTrialFailure } from './trial-failure.js';
import { openTrialRelay, type TrialRelay } from './trial-relay.js';

// The slow check: a real compile of a tiny C file on one node, by distcc itself as the build
// user, with the request distcc's ssh mode makes (`distccd --inetd --enable-tcp-insecure`).
// Only this shows what a forced command or the node's compiler whitelist does to distcc's
// requests. The request travels on a channel of the probe's own connection (trial-relay.ts):
// a second login per node, by OpenSSH through the run's wrapper, cost more CPU than all the
// rest of a node's checks, and the key, known_hosts and the login are checked already.
//
// Node.js forks its whole (large) process for every spawn, which costs tens of milliseconds of
// blocked event loop each; so ONE small shell runs as the build user and starts every node's
// compile the moment its probe has passed, reporting each as it ends.

export interface TrialSetup {
  /** The build's transport: its path to the node's distccd is the one the trial takes. */
  transport: Transport;
  dir: string;
  buildUser: Identity | undefined;
  path: string;
  setpriv: string | undefined;
  remove(): void;
}

// Already preprocessed (.i): distcc sends it as it is, so the front end runs no preprocessor per
// node. What the trial tests is on the node; the front end's compiler has its own checks.
const SOURCE = 'int demerge_trial(int x) { return x * 2 + 1; }\n';

/** A private directory of the run, the build user's, for the test files and distcc's state. */
export function prepareTrial(uid: number, buildUser: Identity | undefined, path: string, transport: Transport): TrialSetup {
  const owner = uid === 0 && buildUser !== undefined ? { uid: buildUser.uid, gid: buildUser.gid } : undefined;
  const runDir = createRunDir(uid, { group: owner?.gid });
  try {
    const distccDir = createDistccDir(runDir.path, owner);
    const dir = join(distccDir, 'trial');
    mkdirSync(dir, { mode: 0o700 });
    if (owner !== undefined) chownSync(dir, owner.uid, owner.gid);
    return {
      transport,
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
  '    DISTCC_HOSTS="$hosts" DISTCC_LOG="$slug.log" distcc "$compiler" -c "$slug.i" -o "$slug.o" 2>"$slug.err" </dev/null',
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
  /** The probe's connection to the node, still open. */
  client: Client;
  timeoutMs: number;
}

export interface TrialResult {
  check: Check;
  ms?: number;
  /** Tunnel: the node's shared slots, and what other runs held when the trial registered. */
  shared?: { slots: number; others: SharedSlots };
}

export interface TrialRunner {
  compile(input: TrialInput): Promise<TrialResult>;
  /** Ends the spawner; jobs still running (timed out) are killed. */
  close(): Promise<void>;
}

/** Listeners on ports used before in this run, held open while the kernel picks another. */
const MAX_PORT_TRIES = 8;

/** How long a relay gets to report the node's stderr after distcc is done. */
const RELAY_GRACE_MS = 1000;

export function startTrialRunner(setup: TrialSetup, ioTimeoutS: number, signal?: AbortSignal): TrialRunner {
  const user = setup.buildUser;
  const peerUid = user?.uid ?? process.getuid?.() ?? 0;
  // distcc keeps backoff marks per host, here 127.0.0.1:PORT, in the run's DISTCC_DIR: a port
  // the kernel hands out again in this run must not meet an earlier job's mark.
  const usedPorts = new Set<number>();
  const freshRelay = async (startRemote: () => RemoteRelay): Promise<TrialRelay> => {
    const held: TrialRelay[] = [];
    try {
      for (;;) {
        const relay = await openTrialRelay(startRemote, peerUid);
        if (!usedPorts.has(relay.port) || held.length >= MAX_PORT_TRIES) {
          usedPorts.add(relay.port);
          return relay;
        }
        held.push(relay);
      }
    } finally {
      for (const relay of held) relay.close();
    }
  };
  // setpriv --init-groups gives the build user its supplementary groups, as Portage's userpriv does.
  const [program, ...args] =
    user !== undefined && setup.setpriv !== undefined
      ? [setup.setpriv, `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', 'sh', '-c', SPAWNER]
      : ['sh', '-c', SPAWNER];
  const child: ChildProcess = startProcess(program as string, args, {
    cwd: setup.dir,
    // Its own process group, so that close() and an abort reach every job.
    detached: true,
    stdio: ['pipe', 'pipe', 'ignore'],
    env: {
      PATH: setup.path,
      HOME: setup.dir,
      LC_ALL: 'C',
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
      const source = join(setup.dir, `${slug}.i`);
      writeFileSync(source, SOURCE, { mode: 0o644 });
      if (setup.buildUser !== undefined) chownSync(source, setup.buildUser.uid, setup.buildUser.gid);
      // A forced command of its own (the recipe's command="distccd --inetd") runs instead of the
      // tunnel's node-side script: the build could not reach the node, and nothing would answer.
      if (setup.transport === 'tunnel' && input.forcedCommand) return { check: fail('node.trial-compile', name, msg.trialTunnelForcedCommand(node.user)) };
      let relay: TrialRelay;
      let shared: TrialResult['shared'];
      try {
        relay = await freshRelay(() =>
          startNodeSide(input.client, node, setup.transport, `dry-check-${process.pid}-${slug}`, (value) => {
            shared = value;
          }),
        );
      } catch (error) {
        return { check: fail('node.trial-compile', name, msg.trialSetupFailed((error as Error).message)) };
      }
      const hosts = formatHostList({ entries: [{ kind: 'tcp', host: '127.0.0.1', port: relay.port, limit: 1, options: [...node.options] }] });
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
        child.stdin!.write(`${slug} ${input.compiler} ${hosts}\n`);
      });
      clearTimeout(timer);
      const ms = Math.round(performance.now() - started);
      const relayed = status === 0 ? undefined : await settledWithin(relay.result, RELAY_GRACE_MS);
      relay.close();
      if (status === 0 && existsSync(join(setup.dir, `${slug}.o`))) {
        return { check: ok('node.trial-compile', name, msg.trialOk(input.compiler, ms)), ms, ...(shared === undefined ? {} : { shared }) };
      }
      if (status === 'timeout') return { check: fail('node.trial-compile', name, msg.trialTimeout(input.compiler, input.timeoutMs / 1000)) };
      const output = [
        readOrEmpty(join(setup.dir, `${slug}.err`)),
        readOrEmpty(join(setup.dir, `${slug}.log`)),
        relayed?.stderr ?? '',
        relayed?.error ?? '',
      ].join('\n');
      return {
        check: fail(
          'node.trial-compile',
          name,
          classifyTrialFailure({ node, compiler: input.compiler, forcedCommand: input.forcedCommand, transport: setup.transport, output }),
        ),
      };
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

function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    void promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * The node's side of a trial job, as the build's transport reaches it: a run's session with the
 * node's shared service and a forwarded channel to the run's socket, or distcc's ssh-mode
 * request (`distccd --inetd`). The trial is a run of its own on the node, with the node's slots
 * (it may be the one that starts the service): `onShared` hears the slots and what other runs
 * hold.
 */
function startNodeSide(
  client: Client,
  node: NodeConfig,
  transport: Transport,
  runName: string,
  onShared: (shared: { slots: number; others: SharedSlots }) => void,
): RemoteRelay {
  if (transport === 'ssh') return startRelay(client, sshJobCommand(node));
  const command = renderRemoteCommand({ distccd: node.command ?? 'distccd', slots: node.slots, run: nodeRunName(runName, 1) });
  let slots: number | undefined;
  return startTunnelRelay(
    client,
    command,
    NODE_PROGRAM_BYTES,
    (line) => {
      const endpoint = parseReadyLine(line);
      slots = endpoint?.slots;
      if (endpoint === undefined) return undefined;
      const { entrance } = endpoint;
      return { socket: endpoint.socket, slots: endpoint.slots, entrance: entrance && { port: entrance.port, header: entranceHeader(entrance.run) } };
    },
    (line) => {
      const others = parseOthersLine(line);
      if (others !== undefined && slots !== undefined) onShared({ slots, others });
    },
  );
}
