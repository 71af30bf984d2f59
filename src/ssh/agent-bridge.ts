import { chmodSync, chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { AGENT, failureFrame, frame, identitiesAnswer, MessageReader, parseIdentities, signRequestKey, type AgentMessage } from './agent-protocol.js';
import { keyInfo } from './key-blob.js';

// The build's ssh runs as the build user (Portage's userpriv), who cannot open the agent socket
// of the user running demerge, and must not: that agent may hold every key of root's. So for
// the length of a run, demerge serves a socket of its own in the run directory, for the build
// user alone, and passes on to the real agent only what signing in with the build key takes:
// the list of identities, cut down to the build key, and signatures by the build key. Every
// other request (adding or removing keys, locking, extensions such as session-bind) gets
// SSH_AGENT_FAILURE, which clients take as "not supported". A message the protocol does not
// allow (a length of 0 or over 256 KiB) ends that client's connection, and only that one.

export interface BridgeOptions {
  /** The real agent: $SSH_AUTH_SOCK of the user running demerge. */
  upstream: string;
  /** The one key the bridge lets through, as a public blob. */
  publicKey: Buffer;
  /** A directory to create for the socket (it must not exist yet). */
  dir: string;
  /** Who may use the socket: the build user; unset, the user running demerge. */
  owner?: { uid: number; gid: number } | undefined;
  /** Bound on the real agent's answer to one request. */
  timeoutMs?: number;
}

export interface AgentBridge {
  /** The socket for IdentityAgent. */
  socket: string;
  /** The build key's public half, for IdentityFile: ssh offers exactly this key. */
  identity: string;
  close(): Promise<void>;
}

// A unix socket path holds 108 bytes with its NUL.
const MAX_SOCKET_PATH = 107;
// ssh holds the agent connection only while it authenticates; a connection idle this long is
// nobody's.
const IDLE_MS = 5 * 60 * 1000;
// Every job's ssh may authenticate at once (transport = "ssh"); MAKEOPTS stays far below this.
const MAX_CLIENTS = 128;

export async function startAgentBridge(options: BridgeOptions): Promise<AgentBridge> {
  const socketPath = join(options.dir, 'socket');
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) throw new Error(`agent socket path too long: ${socketPath}`);
  const info = keyInfo(options.publicKey);
  if (info === undefined) throw new Error('not a public key blob');
  // The directory stays the caller's (root's, 0700) until the socket's own mode is set: no one
  // else can reach the socket in between.
  mkdirSync(options.dir, { mode: 0o700 });
  chmodSync(options.dir, 0o700);
  const clients = new Set<BridgeClient>();
  const server: Server = createServer((sock) => {
    if (clients.size >= MAX_CLIENTS) {
      sock.destroy();
      return;
    }
    const client = new BridgeClient(sock, options, () => clients.delete(client));
    clients.add(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A client's failure is that client's; the server itself has nothing to report once listening.
  server.on('error', () => {});
  const identity = join(options.dir, 'key.pub');
  writeFileSync(identity, `${info.type} ${options.publicKey.toString('base64')} demerge-build-key\n`, { mode: 0o644, flag: 'wx' });
  chmodSync(socketPath, 0o600);
  if (options.owner !== undefined) {
    chownSync(socketPath, options.owner.uid, options.owner.gid);
    chownSync(identity, options.owner.uid, options.owner.gid);
    chownSync(options.dir, options.owner.uid, options.owner.gid);
  }
  let closing: Promise<void> | undefined;
  return {
    socket: socketPath,
    identity,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const client of clients) client.close();
        server.close(() => {
          rmSync(socketPath, { force: true });
          resolve();
        });
      })),
  };
}

/** One connection of the build's: its requests answered one at a time, in order. */
class BridgeClient {
  private readonly reader = new MessageReader();
  private readonly queue: AgentMessage[] = [];
  private readonly upstream: Upstream;
  private busy = false;
  private closed = false;

  constructor(
    private readonly sock: Socket,
    private readonly options: BridgeOptions,
    private readonly onClose: () => void,
  ) {
    this.upstream = new Upstream(options.upstream, options.timeoutMs ?? 30_000);
    sock.setTimeout(IDLE_MS, () => this.close());
    sock.on('data', (chunk: Buffer) => this.receive(chunk));
    sock.on('error', () => this.close());
    sock.on('close', () => this.close());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.sock.destroy();
    this.upstream.close();
    this.onClose();
  }

  private receive(chunk: Buffer): void {
    const messages = this.reader.push(chunk);
    if (messages === 'bad') {
      this.close();
      return;
    }
    this.queue.push(...messages);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    // No more input while requests wait: a client that floods is held back by its own socket.
    this.sock.pause();
    try {
      while (!this.closed && this.queue.length > 0) {
        const reply = await this.answer(this.queue.shift() as AgentMessage);
        if (this.closed) return;
        if (!this.sock.write(reply)) await new Promise((resolve) => this.sock.once('drain', resolve));
      }
    } finally {
      this.busy = false;
      if (!this.closed) this.sock.resume();
    }
  }

  private async answer(message: AgentMessage): Promise<Buffer> {
    const key = this.options.publicKey;
    switch (message[0]) {
      case AGENT.REQUEST_IDENTITIES: {
        if (message.length !== 1) return failureFrame();
        const reply = await this.upstream.request(frame(AGENT.REQUEST_IDENTITIES));
        const identities = reply?.[0] === AGENT.IDENTITIES_ANSWER ? parseIdentities(reply.subarray(1)) : undefined;
        if (identities === undefined) return failureFrame();
        return identitiesAnswer(identities.filter((identity) => identity.blob.equals(key)).slice(0, 1));
      }
      case AGENT.SIGN_REQUEST: {
        const blob = signRequestKey(message.subarray(1));
        if (blob === undefined || !blob.equals(key)) return failureFrame();
        const reply = await this.upstream.request(frame(AGENT.SIGN_REQUEST, message.subarray(1)));
        if (reply?.[0] !== AGENT.SIGN_RESPONSE && reply?.[0] !== AGENT.FAILURE) return failureFrame();
        return frame(reply[0], reply.subarray(1));
      }
      default:
        return failureFrame();
    }
  }
}

/** The real agent, for one client: connected at its first forwarded request, one request at a time. */
class Upstream {
  private conn: Socket | undefined;
  private reader = new MessageReader();
  private pending: { resolve: (reply: AgentMessage | undefined) => void; timer: NodeJS.Timeout } | undefined;

  constructor(
    private readonly path: string,
    private readonly timeoutMs: number,
  ) {}

  /** The agent's reply, or undefined when it cannot be had (gone, silent, garbage). */
  request(bytes: Buffer): Promise<AgentMessage | undefined> {
    return new Promise((resolve) => {
      const conn = this.conn ?? this.connect();
      this.pending = { resolve, timer: setTimeout(() => this.drop(), this.timeoutMs) };
      conn.write(bytes);
    });
  }

  close(): void {
    this.drop();
  }

  private connect(): Socket {
    const conn = createConnection(this.path);
    this.conn = conn;
    conn.on('data', (chunk: Buffer) => {
      if (this.conn !== conn) return;
      const messages = this.reader.push(chunk);
      const pending = this.pending;
      // The agent answers what was asked, once; anything more is not an agent talking.
      if (messages === 'bad' || messages.length > 1 || (messages.length === 1 && pending === undefined)) {
        this.drop();
        return;
      }
      const reply = messages[0];
      if (reply === undefined || pending === undefined) return;
      clearTimeout(pending.timer);
      this.pending = undefined;
      pending.resolve(reply);
    });
    conn.on('error', () => this.drop(conn));
    conn.on('close', () => this.drop(conn));
    return conn;
  }

  /** Gives up the connection (the next request makes a new one) and fails a waiting request. */
  private drop(which: Socket | undefined = this.conn): void {
    if (which !== this.conn) return;
    this.conn?.destroy();
    this.conn = undefined;
    this.reader = new MessageReader();
    const pending = this.pending;
    this.pending = undefined;
    if (pending !== undefined) {
      clearTimeout(pending.timer);
      pending.resolve(undefined);
    }
  }
}
