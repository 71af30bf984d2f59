import { createConnection, type Socket } from 'node:net';

// The ssh-agent protocol (draft-miller-ssh-agent, OpenSSH's PROTOCOL.agent): on a unix socket,
// messages of uint32 length, one type byte and the contents, answered in order. demerge speaks
// the few messages it needs: the list of identities, and a signature with one of them.

export const AGENT = {
  FAILURE: 5,
  REQUEST_IDENTITIES: 11,
  IDENTITIES_ANSWER: 12,
  SIGN_REQUEST: 13,
  SIGN_RESPONSE: 14,
} as const;

/** No message demerge passes on comes near this; a longer one is hostile or garbage. */
export const MAX_AGENT_MESSAGE = 256 * 1024;

/** One whole message: type byte and contents, without the length. */
export type AgentMessage = Buffer;

/** Frames a message: its length, then the type byte and contents. */
export function frame(type: number, contents: Buffer = Buffer.alloc(0)): Buffer {
  const out = Buffer.alloc(5 + contents.length);
  out.writeUInt32BE(1 + contents.length, 0);
  out[4] = type;
  contents.copy(out, 5);
  return out;
}

export const failureFrame = (): Buffer => frame(AGENT.FAILURE);

/**
 * Cuts a byte stream into messages. `push` returns the whole messages so far, or 'bad' once a
 * length is 0 or over MAX_AGENT_MESSAGE: the stream is then beyond repair.
 */
export class MessageReader {
  private chunks: Buffer[] = [];
  private size = 0;

  push(chunk: Buffer): AgentMessage[] | 'bad' {
    this.chunks.push(chunk);
    this.size += chunk.length;
    const messages: AgentMessage[] = [];
    for (;;) {
      if (this.size < 4) return messages;
      const length = this.peekLength();
      if (length === 0 || length > MAX_AGENT_MESSAGE) return 'bad';
      // Bytes are joined only once a whole message is there: a client that sends a byte at a
      // time costs a push each, not a copy of everything so far.
      if (this.size < 4 + length) return messages;
      const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.size);
      messages.push(Buffer.from(all.subarray(4, 4 + length)));
      const rest = all.subarray(4 + length);
      this.chunks = rest.length === 0 ? [] : [rest];
      this.size = rest.length;
    }
  }

  private peekLength(): number {
    const head = Buffer.alloc(4);
    let filled = 0;
    for (const chunk of this.chunks) {
      filled += chunk.copy(head, filled, 0, Math.min(chunk.length, 4 - filled));
      if (filled === 4) break;
    }
    return head.readUInt32BE(0);
  }
}

/** Reads SSH strings (uint32 length + bytes) and uint32s; undefined past the end. */
export class WireReader {
  private at = 0;
  constructor(private readonly data: Buffer) {}

  string(): Buffer | undefined {
    if (this.at + 4 > this.data.length) return undefined;
    const length = this.data.readUInt32BE(this.at);
    if (this.at + 4 + length > this.data.length) return undefined;
    const value = this.data.subarray(this.at + 4, this.at + 4 + length);
    this.at += 4 + length;
    return value;
  }

  uint32(): number | undefined {
    if (this.at + 4 > this.data.length) return undefined;
    const value = this.data.readUInt32BE(this.at);
    this.at += 4;
    return value;
  }

  get done(): boolean {
    return this.at === this.data.length;
  }
}

export function sshString(value: Buffer): Buffer {
  const out = Buffer.alloc(4 + value.length);
  out.writeUInt32BE(value.length, 0);
  value.copy(out, 4);
  return out;
}

export interface Identity {
  blob: Buffer;
  comment: Buffer;
}

/** SSH_AGENT_IDENTITIES_ANSWER's contents (after the type byte); undefined when malformed. */
export function parseIdentities(contents: Buffer): Identity[] | undefined {
  const reader = new WireReader(contents);
  const count = reader.uint32();
  // Each identity takes 8 bytes at least: a count beyond that is a lie.
  if (count === undefined || count > contents.length / 8) return undefined;
  const identities: Identity[] = [];
  for (let i = 0; i < count; i++) {
    const blob = reader.string();
    const comment = reader.string();
    if (blob === undefined || comment === undefined) return undefined;
    identities.push({ blob, comment });
  }
  return reader.done ? identities : undefined;
}

export function identitiesAnswer(identities: readonly Identity[]): Buffer {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(identities.length, 0);
  return frame(AGENT.IDENTITIES_ANSWER, Buffer.concat([count, ...identities.flatMap((id) => [sshString(id.blob), sshString(id.comment)])]));
}

/** The key blob of SSH_AGENTC_SIGN_REQUEST's contents (string key, string data, uint32 flags); undefined when malformed. */
export function signRequestKey(contents: Buffer): Buffer | undefined {
  const reader = new WireReader(contents);
  const key = reader.string();
  const data = reader.string();
  const flags = reader.uint32();
  return key !== undefined && data !== undefined && flags !== undefined && reader.done ? key : undefined;
}

export type AgentQuery = { ok: true; blobs: Buffer[] } | { ok: false; code: string };

/**
 * The public blobs of the identities an agent holds. `code` on failure: the socket's errno
 * (ENOENT, ECONNREFUSED, EACCES ...), ETIMEDOUT, or EPROTO for an answer that is not one.
 */
export function requestIdentities(socket: string, timeoutMs: number): Promise<AgentQuery> {
  return new Promise((resolve) => {
    let settled = false;
    let conn: Socket | undefined;
    const settle = (result: AgentQuery): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn?.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => settle({ ok: false, code: 'ETIMEDOUT' }), timeoutMs);
    const reader = new MessageReader();
    try {
      conn = createConnection(socket);
    } catch (error) {
      settle({ ok: false, code: (error as NodeJS.ErrnoException).code ?? 'EINVAL' });
      return;
    }
    conn.on('connect', () => conn?.write(frame(AGENT.REQUEST_IDENTITIES)));
    conn.on('error', (error: NodeJS.ErrnoException) => settle({ ok: false, code: error.code ?? 'EIO' }));
    conn.on('close', () => settle({ ok: false, code: 'EPROTO' }));
    conn.on('data', (chunk: Buffer) => {
      const messages = reader.push(chunk);
      const answer = messages === 'bad' ? undefined : messages[0];
      if (messages !== 'bad' && answer === undefined) return;
      const identities = answer?.[0] === AGENT.IDENTITIES_ANSWER ? parseIdentities(answer.subarray(1)) : undefined;
      settle(identities === undefined ? { ok: false, code: 'EPROTO' } : { ok: true, blobs: identities.map((id) => Buffer.from(id.blob)) });
    });
  });
}
