import { randomBytes } from 'node:crypto';
import type { Client } from 'ssh2';
import type { NodeConfig } from '../../config/types.js';
import * as msg from '../../messages.js';
import { closeConnection, connect, SshFailure, type SshAuth } from '../../ssh/connect.js';
import type { FrontCompiler } from '../local/front-compiler.js';
import { fail, ok, warn, type Check, type NodeFacts } from '../types.js';
import { compareCompiler } from './compare-compiler.js';
import { execScript } from './exec-script.js';
import { hostKeyOk, loginFailureChecks, tcpCheck } from './login-checks.js';
import { distccdVersion, parseRemoteOutput, renderRemoteScript, type RemoteFacts } from './remote-script.js';
import { tcpConnect } from './tcp-connect.js';

// One node, one connection: TCP (timed), the host key, the key login as the distcc user, then
// a single exec round trip that reads distccd, the compilers, the CPUs and the load.

export interface ProbeInput {
  node: NodeConfig;
  name: string;
  /** Undefined when the front end has no key that can sign a login. */
  auth: SshAuth | undefined;
  keyPath: string;
  knownHostsPath: string;
  compiler: Promise<FrontCompiler | undefined>;
  signal?: AbortSignal | undefined;
  emit(check: Check): void;
  /** Hand the connection over (once logged in, whatever the script found), for the trial compile. */
  keepOpen?: boolean;
}

/** A probe's connection kept open; close() must follow. */
export interface ProbeSession {
  client: Client;
  close(): void;
}

export interface ProbeResult {
  checks: Check[];
  facts: NodeFacts;
  /** Logged in, but our command did not run: a forced command answers instead. */
  forcedCommand: boolean;
  /** With keepOpen, once logged in; the caller closes it. */
  session?: ProbeSession;
}

// The probe runs a few programs on the node; a busy node gets this long beyond the login's bound.
const EXEC_EXTRA_MS = 5000;

// nologin(8)'s message; sshd runs every command through the login shell, ours included.
const NOLOGIN = /This account is currently not available/;

export async function probeNode(input: ProbeInput): Promise<ProbeResult> {
  const { node, name } = input;
  const checks: Check[] = [];
  const facts: NodeFacts = {};
  const add = (check: Check): void => {
    checks.push(check);
    input.emit(check);
  };
  const done = (forcedCommand = false): ProbeResult => ({ checks, facts, forcedCommand });
  if (input.auth === undefined) {
    add(fail('node.login', name, msg.loginNotTried()));
    return done();
  }
  const timeoutMs = input.auth.timeoutMs;
  const timeoutS = timeoutMs / 1000;
  const started = performance.now();
  const tcp = await tcpConnect(node.host, node.port, timeoutMs, input.signal);
  add(tcpCheck(node, name, tcp, timeoutS));
  if (!tcp.ok) return done();
  facts.rttMs = round(tcp.rttMs);

  // connect_timeout bounds the whole login, TCP included, as ssh's ConnectTimeout would.
  const remaining = Math.max(1, timeoutMs - (performance.now() - started));
  let connection;
  try {
    connection = await connect({ host: node.host, port: node.port, user: node.user, sock: tcp.socket }, { ...input.auth, timeoutMs: remaining });
  } catch (error) {
    tcp.socket.destroy();
    const failure = error instanceof SshFailure ? error : new SshFailure('error', (error as Error).message);
    for (const check of loginFailureChecks({ node, name, knownHostsPath: input.knownHostsPath, keyPath: input.keyPath, timeoutS }, failure)) add(check);
    return done();
  }
  facts.loginMs = Math.round(connection.loginMs);
  add(hostKeyOk(name));
  add(ok('node.login', name, msg.loginOk(node.user, facts.loginMs)));
  const onAbort = (): void => {
    connection.client.destroy();
  };
  input.signal?.addEventListener('abort', onAbort, { once: true });
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    input.signal?.removeEventListener('abort', onAbort);
    closeConnection(connection);
  };
  const result = await probeRemote(input, connection.client, timeoutMs, add, facts).catch((error: unknown) => {
    release();
    throw error;
  });
  if (input.keepOpen === true) return { ...done(result), session: { client: connection.client, close: release } };
  release();
  return done(result);
}

/** The one exec round trip; true when a forced command answered instead of our script. */
async function probeRemote(input: ProbeInput, client: Client, timeoutMs: number, add: (check: Check) => void, facts: NodeFacts): Promise<boolean> {
  const { node, name } = input;
  const front = await input.compiler;
  const names = front === undefined || front.name === 'gcc' ? ['gcc'] : [front.name, 'gcc'];
  const marker = `demerge-${randomBytes(8).toString('hex')}`;
  const script = renderRemoteScript({ marker, distccd: node.command ?? 'distccd', compilers: names });
  const execTimeoutMs = timeoutMs + EXEC_EXTRA_MS;
  const result = await execScript(client, 'sh', script, execTimeoutMs);
  const remote = parseRemoteOutput(result.stdout, marker, names);
  if (!remote.ran) {
    // A forced command answers with an exit status; a channel that could not open, or closed
    // with none, means the connection itself went.
    if (result.error !== undefined || (result.code === null && !result.timedOut && result.stdout === '')) {
      add(fail('node.exec', name, msg.nodeProbeLost(result.error)));
      return false;
    }
    if (NOLOGIN.test(result.stdout) || NOLOGIN.test(result.stderr)) {
      add(fail('node.exec', name, msg.nodeShellNologin(node.user)));
      return false;
    }
    facts.forcedCommand = true;
    add(warn('node.exec', name, msg.nodeForcedCommand(node.user, front, result.timedOut ? execTimeoutMs / 1000 : undefined)));
    return true;
  }
  if (!remote.complete) {
    add(fail('node.exec', name, msg.nodeProbeCut(execTimeoutMs / 1000, result.stderr)));
    return false;
  }
  add(ok('node.exec', name, msg.nodeExecOk(node.user)));
  for (const check of remoteChecks(node, name, remote, front, facts)) add(check);
  return false;
}

function remoteChecks(node: NodeConfig, name: string, remote: RemoteFacts, front: FrontCompiler | undefined, facts: NodeFacts): Check[] {
  const checks: Check[] = [];
  const distccd = node.command ?? 'distccd';
  if (remote.distccd === undefined) {
    checks.push(fail('node.distccd', name, msg.nodeDistccdMissing(distccd, node.user)));
  } else {
    const version = remote.distccdVersion === undefined ? 'unknown version' : distccdVersion(remote.distccdVersion);
    facts.distccd = `${remote.distccd} ${version}`;
    checks.push(ok('node.distccd', name, msg.nodeDistccdOk(remote.distccd, version)));
  }
  if (front !== undefined) {
    const [forwarded, plain] = remote.compilers;
    if (forwarded !== undefined) {
      const check = compareCompiler('node.compiler', name, front, forwarded);
      checks.push(check);
      if (forwarded.version !== undefined && forwarded.machine !== undefined) facts.compiler = `${forwarded.name} ${forwarded.version} ${forwarded.machine}`;
    }
    if (plain !== undefined && plain !== forwarded) checks.push(compareCompiler('node.compiler-gcc', name, front, plain));
  }
  if (remote.cpus !== undefined) {
    facts.cpus = remote.cpus;
    if (remote.load !== undefined) facts.load = remote.load;
    facts.suggestedSlots = suggestedSlots(remote.cpus);
    checks.push(
      node.slots > remote.cpus
        ? warn('node.cpus', name, msg.nodeSlotsAboveCpus(node.slots, remote.cpus, remote.load))
        : ok('node.cpus', name, msg.nodeCpusOk(remote.cpus, remote.load, node.slots, facts.suggestedSlots)),
    );
  }
  return checks;
}

/** One job per CPU, as distcc's man page advises for /LIMIT. */
export function suggestedSlots(cpus: number): number {
  return Math.max(1, cpus);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
