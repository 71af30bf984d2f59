import type { Socket } from 'node:net';
import ssh2, { type Client, type ConnectConfig, type IdentityCallback, type ParsedKey, type SignCallback, type SigningRequestOptions } from 'ssh2';
import * as say from '../messages/ssh.js';
import { hostKeyAlgorithms, keysForHost, type KnownHostLine } from './known-hosts.js';

// ssh2 is CommonJS: its runtime values come through the default export.
const { Client: SshClient, OpenSSHAgent, utils } = ssh2;

/** A bare ssh2 client, for the one other user of the library in demerge: the host-key fetch. */
export function newSshClient(): Client {
  return new SshClient();
}

// The one place that opens SSH connections. It checks host keys the way OpenSSH does with
// StrictHostKeyChecking=yes: an unknown or changed key is a refusal, never a prompt.

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  /** A TCP socket already connected to host:port (the checks time the TCP connect themselves). */
  sock?: Socket;
}

/** A build key with a passphrase, held by the ssh-agent of the user running demerge. */
export interface AgentKey {
  /** $SSH_AUTH_SOCK. */
  socket: string;
  /** The key's public blob: the one identity of the agent's that is offered. */
  publicKey: Buffer;
}

export interface SshAuth {
  /** The key file's bytes (a key without passphrase): ssh2 signs with what it parses from them itself. */
  privateKey?: Buffer;
  /** Otherwise the agent signs, with the build key only. */
  agent?: AgentKey;
  knownHosts: KnownHostLine[];
  timeoutMs: number;
}

export type SshFailureReason =
  'refused' | 'timeout' | 'unresolved' | 'unreachable' | 'host-key-unknown' | 'host-key-changed' | 'host-key-revoked' | 'auth-refused' | 'closed' | 'error';

export class SshFailure extends Error {
  constructor(
    readonly reason: SshFailureReason,
    readonly detail: string,
    /** For host key failures: the key blob the node presented. */
    readonly hostKey?: Buffer,
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
  if (key === undefined || !key.isPrivateKey()) return { ok: false, reason: say.sshNotAPrivateKey() };
  return { ok: true, key };
}

/** The public blob of a key as ssh2's agent code hands keys around (parsed, wire bytes, text, or an entry holding one). */
function publicBlobOf(key: unknown): Buffer | undefined {
  if (typeof key === 'string' || Buffer.isBuffer(key)) {
    const parsed = utils.parseKey(key);
    return publicBlobOf(Array.isArray(parsed) ? (parsed[0] as unknown) : parsed);
  }
  if (typeof key !== 'object' || key === null || key instanceof Error) return undefined;
  if (typeof (key as ParsedKey).getPublicSSH === 'function') return (key as ParsedKey).getPublicSSH();
  return 'pubKey' in key ? publicBlobOf(key.pubKey) : undefined;
}

/**
 * The agent as the build's logins see it: its identities less every key but the build key, so
 * that no other key of the user's is ever offered to a node, and no signature asked for another.
 */
class BuildKeyAgent extends OpenSSHAgent {
  constructor(private readonly key: AgentKey) {
    super(key.socket);
  }

  override getIdentities(cb: IdentityCallback<ParsedKey>): void {
    super.getIdentities((error, keys) => {
      if (error) cb(error);
      else
        cb(
          undefined,
          (keys ?? []).filter((key) => publicBlobOf(key)?.equals(this.key.publicKey) === true),
        );
    });
  }

  override sign(pubKey: ParsedKey | Buffer | string, data: Buffer, options?: SigningRequestOptions | SignCallback, cb?: SignCallback): boolean {
    const callback = typeof options === 'function' ? options : cb;
    if (publicBlobOf(pubKey)?.equals(this.key.publicKey) !== true) {
      callback?.(new Error(say.sshAgentNotBuildKey()));
      return false;
    }
    return typeof options === 'function' ? super.sign(pubKey, data, options) : super.sign(pubKey, data, options, cb);
  }
}

/** A new ed25519 key pair in OpenSSH's format, its private half encrypted as ssh-keygen does it (aes256-ctr, bcrypt with 16 rounds). */
export function generateEncryptedKeyPair(passphrase: string, comment: string): { privateKey: string; publicKey: string } {
  const pair = utils.generateKeyPairSync('ed25519', { comment, passphrase, cipher: 'aes256-ctr', rounds: 16 });
  return { privateKey: pair.private, publicKey: pair.public };
}

/** For long-lived connections that watch the peer themselves (the dashboard's samplers). */
export interface ConnectOptions {
  /** ssh keepalive period (default 5000); 0 turns keepalives off. */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before ssh2 gives up on the connection. */
  keepaliveCountMax?: number;
}

export function connect(target: SshTarget, auth: SshAuth, now: () => number = Date.now, options: ConnectOptions = {}): Promise<SshConnection> {
  const known = keysForHost(auth.knownHosts, target.host, target.port);
  let verdict: SshFailure | undefined;
  const hostVerifier = (presented: Buffer): boolean => {
    if (known.revoked.some((key) => key.equals(presented))) {
      verdict = new SshFailure('host-key-revoked', say.hostKeyRevoked(), Buffer.from(presented));
      return false;
    }
    if (known.trusted.some(({ key }) => key.equals(presented))) return true;
    verdict =
      known.trusted.length === 0
        ? new SshFailure('host-key-unknown', say.sshNoKnownHostsEntry(), Buffer.from(presented))
        : new SshFailure('host-key-changed', say.sshHostKeyDiffers(), Buffer.from(presented));
    return false;
  };
  const algorithms = hostKeyAlgorithms(known);
  const config: ConnectConfig = {
    host: target.host,
    port: target.port,
    username: target.user,
    ...(target.sock === undefined ? {} : { sock: target.sock }),
    ...(auth.privateKey === undefined ? {} : { privateKey: auth.privateKey }),
    ...(auth.agent === undefined ? {} : { agent: new BuildKeyAgent(auth.agent) }),
    hostVerifier,
    readyTimeout: auth.timeoutMs,
    keepaliveInterval: options.keepaliveIntervalMs ?? 5000,
    ...(options.keepaliveCountMax === undefined ? {} : { keepaliveCountMax: options.keepaliveCountMax }),
    // No password, no keyboard-interactive, and of an agent only the build key: the build uses that key alone.
    tryKeyboard: false,
    ...(algorithms.length > 0 ? { algorithms: { serverHostKey: algorithms as never } } : {}),
  };
  return new Promise((resolve, reject) => {
    const client = new SshClient();
    const started = now();
    let settled = false;
    // readyTimeout covers the handshake only once TCP is up; this bounds the whole login.
    const timer = setTimeout(() => fail(new SshFailure('timeout', say.sshNoAnswer(auth.timeoutMs / 1000))), auth.timeoutMs);
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
    client.once('close', () => fail(verdict ?? new SshFailure('closed', say.sshClosedDuringLogin())));
    try {
      client.connect(config);
    } catch (error) {
      fail(new SshFailure('error', (error as Error).message));
    }
  });
}

export function classify(error: Error & { level?: string; code?: string }, timeoutMs: number): SshFailure {
  switch (error.code) {
    case 'ECONNREFUSED':
      return new SshFailure('refused', say.sshConnectionRefused());
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new SshFailure('unresolved', say.sshUnresolved());
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return new SshFailure('unreachable', say.sshNoRoute(error.code));
    case 'ETIMEDOUT':
      return new SshFailure('timeout', say.sshNoAnswer(timeoutMs / 1000));
    case 'ECONNRESET':
    case 'EPIPE':
      return new SshFailure('closed', say.sshClosedByNode(error.code));
  }
  if (error.level === 'client-timeout') return new SshFailure('timeout', say.sshNoAnswer(timeoutMs / 1000));
  if (error.level === 'client-authentication') {
    return new SshFailure('auth-refused', say.sshKeyRefused());
  }
  return new SshFailure('error', error.message);
}

export function closeConnection(connection: SshConnection): void {
  connection.client.end();
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** The command's exit status; null when it died by a signal or the node sent none. */
  code: number | null;
  /** From exec() to the node accepting the command: one channel round trip. */
  openMs: number;
  /** Output beyond maxBytes was dropped. */
  truncated: boolean;
}

export interface ExecOptions {
  /** The whole command, from the request to the channel's close. */
  timeoutMs: number;
  /** Per stream; a node that floods is cut off, not believed. */
  maxBytes: number;
}

/**
 * Runs one command over an open connection: a new channel, not a new connection. stdin is
 * closed at once, so a forced command that reads it (distccd --inetd) ends instead of waiting.
 */
export function exec(client: Client, command: string, options: ExecOptions, now: () => number = Date.now): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const started = now();
    let settled = false;
    let openMs = -1;
    let channel: { close(): unknown } | undefined;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const sizes = { out: 0, err: 0 };
    let truncated = false;
    let code: number | null = null;
    const settle = (outcome: ExecResult | SshFailure): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome instanceof SshFailure) {
        try {
          channel?.close();
        } catch {
          // The connection is already gone.
        }
        reject(outcome);
      } else resolve(outcome);
    };
    const timer = setTimeout(() => settle(new SshFailure('timeout', say.sshNoAnswerMs(options.timeoutMs))), options.timeoutMs);
    const keep = (into: Buffer[], which: 'out' | 'err', chunk: Buffer): void => {
      const room = options.maxBytes - sizes[which];
      if (room <= 0) {
        truncated = true;
        return;
      }
      const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
      if (piece !== chunk) truncated = true;
      into.push(piece);
      sizes[which] += piece.length;
    };
    try {
      client.exec(command, (error, stream) => {
        if (error) {
          settle(new SshFailure('error', error.message));
          return;
        }
        if (settled) {
          stream.close();
          return;
        }
        channel = stream;
        openMs = now() - started;
        stream.end();
        stream.on('data', (chunk: Buffer) => keep(out, 'out', chunk));
        stream.stderr.on('data', (chunk: Buffer) => keep(err, 'err', chunk));
        stream.on('exit', (status: number | null) => {
          code = typeof status === 'number' ? status : null;
        });
        stream.on('close', () =>
          settle({
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(err).toString('utf8'),
            code,
            openMs,
            truncated,
          }),
        );
      });
    } catch (error) {
      // ssh2 throws when the connection is not (or no longer) up.
      settle(new SshFailure('closed', (error as Error).message));
    }
  });
}

/** A long-running command on the node: its stdin, stdout and end, without ssh2's types. */
export interface CommandChannel {
  write(data: string): void;
  /** Ends the command (closes the channel). */
  close(): void;
  onData(listener: (chunk: Buffer) => void): void;
  onClose(listener: () => void): void;
}

/**
 * Starts `command` on a new channel of an open connection and keeps it: the dashboard's
 * samplers ask it for a sample a second over the same channel instead of opening one each time.
 */
export function openCommand(client: Client, command: string, timeoutMs: number): Promise<CommandChannel> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new SshFailure('timeout', say.sshNoChannelMs(timeoutMs)));
    }, timeoutMs);
    try {
      client.exec(command, (error, stream) => {
        if (settled) {
          stream?.close();
          return;
        }
        settled = true;
        clearTimeout(timer);
        if (error) {
          reject(new SshFailure('error', error.message));
          return;
        }
        // stderr is not read: keep ssh2's window from filling up with it.
        stream.stderr.resume();
        resolve({
          write: (data) => {
            stream.write(data);
          },
          close: () => {
            stream.close();
          },
          onData: (listener) => {
            stream.on('data', listener);
          },
          onClose: (listener) => {
            stream.on('close', listener);
          },
        });
      });
    } catch (error) {
      settled = true;
      clearTimeout(timer);
      reject(new SshFailure('closed', (error as Error).message));
    }
  });
}
