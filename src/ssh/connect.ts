import ssh2, { type Client, type ConnectConfig, type ParsedKey } from 'ssh2';
import { hostKeyAlgorithms, keysForHost, type KnownHostLine } from './known-hosts.js';

// ssh2 is CommonJS: its runtime values come through the default export.
const { Client: SshClient, utils } = ssh2;

// The one place that opens SSH connections. It checks host keys the way OpenSSH does with
// StrictHostKeyChecking=yes: an unknown or changed key is a refusal, never a prompt.

export interface SshTarget {
  host: string;
  port: number;
  user: string;
}

export interface SshAuth {
  /** The key file's bytes: ssh2 signs with what it parses from them itself. */
  privateKey: Buffer;
  knownHosts: KnownHostLine[];
  timeoutMs: number;
}

export type SshFailureReason =
  | 'refused'
  | 'timeout'
  | 'unresolved'
  | 'unreachable'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'host-key-revoked'
  | 'auth-refused'
  | 'closed'
  | 'error';

export class SshFailure extends Error {
  constructor(
    readonly reason: SshFailureReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'SshFailure';
  }
}

export interface SshConnection {
  client: Client;
  /** Time from TCP connect to an authenticated session, in milliseconds. */
  loginMs: number;
}

export type KeyParseResult = { ok: true; key: ParsedKey } | { ok: false; reason: string };

export function parsePrivateKey(data: Buffer): KeyParseResult {
  const parsed = utils.parseKey(data);
  if (parsed instanceof Error) return { ok: false, reason: parsed.message };
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key === undefined || !key.isPrivateKey()) return { ok: false, reason: 'not a private key' };
  return { ok: true, key };
}

export function connect(target: SshTarget, auth: SshAuth, now: () => number = Date.now): Promise<SshConnection> {
  const known = keysForHost(auth.knownHosts, target.host, target.port);
  let verdict: SshFailure | undefined;
  const hostVerifier = (presented: Buffer): boolean => {
    if (known.revoked.some((key) => key.equals(presented))) {
      verdict = new SshFailure('host-key-revoked', 'the host key is marked @revoked in known_hosts');
      return false;
    }
    if (known.trusted.some(({ key }) => key.equals(presented))) return true;
    verdict =
      known.trusted.length === 0
        ? new SshFailure('host-key-unknown', 'no known_hosts entry for this node')
        : new SshFailure('host-key-changed', 'the host key differs from known_hosts');
    return false;
  };
  const algorithms = hostKeyAlgorithms(known);
  const config: ConnectConfig = {
    host: target.host,
    port: target.port,
    username: target.user,
    privateKey: auth.privateKey,
    hostVerifier,
    readyTimeout: auth.timeoutMs,
    keepaliveInterval: 5000,
    // No agent, no password, no keyboard-interactive: the build uses the key alone.
    tryKeyboard: false,
    ...(algorithms.length > 0 ? { algorithms: { serverHostKey: algorithms as never } } : {}),
  };
  return new Promise((resolve, reject) => {
    const client = new SshClient();
    const started = now();
    let settled = false;
    // readyTimeout covers the handshake only once TCP is up; this bounds the whole login.
    const timer = setTimeout(() => fail(new SshFailure('timeout', `no answer within ${auth.timeoutMs / 1000} s`)), auth.timeoutMs);
    const fail = (failure: SshFailure): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.destroy();
      reject(failure);
    };
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ client, loginMs: now() - started });
    });
    client.on('error', (error: Error & { level?: string; code?: string }) => fail(verdict ?? classify(error, auth.timeoutMs)));
    client.once('close', () => fail(verdict ?? new SshFailure('closed', 'the connection closed during login')));
    try {
      client.connect(config);
    } catch (error) {
      fail(new SshFailure('error', (error as Error).message));
    }
  });
}

function classify(error: Error & { level?: string; code?: string }, timeoutMs: number): SshFailure {
  switch (error.code) {
    case 'ECONNREFUSED':
      return new SshFailure('refused', 'connection refused (is sshd running on the node?)');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new SshFailure('unresolved', 'the host name does not resolve');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return new SshFailure('unreachable', `no route to the node (${error.code})`);
    case 'ETIMEDOUT':
      return new SshFailure('timeout', `no answer within ${timeoutMs / 1000} s`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new SshFailure('closed', `the node closed the connection (${error.code})`);
  }
  if (error.level === 'client-timeout') return new SshFailure('timeout', `no answer within ${timeoutMs / 1000} s`);
  if (error.level === 'client-authentication') {
    return new SshFailure('auth-refused', 'the node refused the key (authorized_keys, account locked or shell)');
  }
  return new SshFailure('error', error.message);
}

export function closeConnection(connection: SshConnection): void {
  connection.client.end();
}
