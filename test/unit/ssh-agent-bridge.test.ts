import { copyFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentKeyCheck } from '../../src/checks/local/agent-check.js';
import { startAgentBridge, type AgentBridge } from '../../src/ssh/agent-bridge.js';
import { AGENT, frame, MAX_AGENT_MESSAGE, requestIdentities, sshString } from '../../src/ssh/agent-protocol.js';
import { publicLineBlob } from '../../src/ssh/key-blob.js';

// The agent bridge against a real ssh-agent (OpenSSH's, started here on a socket of its own) and
// real OpenSSH clients (ssh-add, ssh-keygen -Y sign) on the bridge's side, plus raw protocol
// messages for what no client sends: every request but the two it passes, and hostile input.

const KEYS = resolve(import.meta.dirname, '../fixtures/keys');
const dir = mkdtempSync(join(tmpdir(), 'demerge-agent-'));
const agentSocket = join(dir, 'agent.sock');
let agent: ReturnType<typeof startAgent> | undefined;
const startAgent = () => execa('ssh-agent', ['-D', '-a', agentSocket], { stdin: 'ignore', reject: false });
let bridge: AgentBridge;
let buildBlob: Buffer;
let otherBlob: Buffer;

/** A fixture key copied where ssh-add accepts it (0600). */
function keyCopy(name: string): string {
  const path = join(dir, name);
  copyFileSync(join(KEYS, name), path);
  copyFileSync(join(KEYS, `${name}.pub`), `${path}.pub`);
  chmodSync(path, 0o600);
  return path;
}

const clientEnv = (socket: string): Record<string, string> => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', SSH_AUTH_SOCK: socket });

async function waitForSocket(path: string): Promise<void> {
  for (let i = 0; i < 200 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 25));
  if (!existsSync(path)) throw new Error(`no socket at ${path}`);
}

beforeAll(async () => {
  agent = startAgent();
  await waitForSocket(agentSocket);
  const build = keyCopy('ed25519');
  const other = keyCopy('ecdsa');
  for (const key of [build, other]) await execa('ssh-add', ['-q', key], { env: clientEnv(agentSocket), extendEnv: false, stdin: 'ignore' });
  buildBlob = publicLineBlob(readFileSync(`${build}.pub`, 'utf8')) as Buffer;
  otherBlob = publicLineBlob(readFileSync(`${other}.pub`, 'utf8')) as Buffer;
  bridge = await startAgentBridge({ upstream: agentSocket, publicKey: buildBlob, dir: join(dir, 'bridge') });
});

afterAll(async () => {
  await bridge?.close();
  agent?.kill('SIGTERM');
  await agent;
  rmSync(dir, { recursive: true, force: true });
});

/** A raw connection to a socket: write bytes, read whole replies, see it close. */
class Raw {
  private readonly sock: Socket;
  private data = Buffer.alloc(0);
  closed = false;
  private waiters: Array<() => void> = [];

  constructor(path: string) {
    this.sock = createConnection(path);
    this.sock.on('data', (chunk: Buffer) => {
      this.data = Buffer.concat([this.data, chunk]);
      this.wake();
    });
    this.sock.on('error', () => {});
    this.sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  write(bytes: Buffer): void {
    this.sock.write(bytes);
  }

  /** The next reply (type byte and contents), or undefined once the bridge closed the connection. */
  async reply(): Promise<Buffer | undefined> {
    for (;;) {
      if (this.data.length >= 4 && this.data.length >= 4 + this.data.readUInt32BE(0)) {
        const length = this.data.readUInt32BE(0);
        const message = this.data.subarray(4, 4 + length);
        this.data = this.data.subarray(4 + length);
        return message;
      }
      if (this.closed) return undefined;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  async closedWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.closed;
  }

  end(): void {
    this.sock.destroy();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

const signRequest = (blob: Buffer, data: Buffer, flags = 0): Buffer => {
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(flags, 0);
  return frame(AGENT.SIGN_REQUEST, Buffer.concat([sshString(blob), sshString(data), tail]));
};

describe('the agent bridge', () => {
  it('lists only the build key, though the agent holds two', async () => {
    const real = await requestIdentities(agentSocket, 2000);
    expect(real.ok && real.blobs.length).toBe(2);
    const through = await requestIdentities(bridge.socket, 2000);
    expect(through).toEqual({ ok: true, blobs: [buildBlob] });
    const listed = await execa('ssh-add', ['-L'], { env: clientEnv(bridge.socket), extendEnv: false, stdin: 'ignore' });
    expect(listed.stdout.trim().split('\n')).toHaveLength(1);
    expect(publicLineBlob(listed.stdout)?.equals(buildBlob)).toBe(true);
  });

  it('has the agent sign with the build key, and refuses a signature by any other key', async () => {
    const file = join(dir, 'signed.txt');
    writeFileSync(file, 'demerge\n');
    // Public halves alone: ssh-keygen would sign with a private key file beside them instead.
    const pubs = join(dir, 'pubs');
    mkdirSync(pubs);
    for (const name of ['ed25519', 'ecdsa']) copyFileSync(join(dir, `${name}.pub`), join(pubs, `${name}.pub`));
    const build = await execa('ssh-keygen', ['-Y', 'sign', '-n', 'demerge-test', '-f', join(pubs, 'ed25519.pub'), file], {
      env: clientEnv(bridge.socket),
      extendEnv: false,
      stdin: 'ignore',
      reject: false,
    });
    expect(build.exitCode, build.stderr).toBe(0);
    expect(readFileSync(`${file}.sig`, 'utf8')).toContain('BEGIN SSH SIGNATURE');
    const check = await execa('ssh-keygen', ['-Y', 'check-novalidate', '-n', 'demerge-test', '-f', join(dir, 'ed25519.pub'), '-s', `${file}.sig`], {
      input: 'demerge\n',
      reject: false,
    });
    expect(check.exitCode, check.stderr).toBe(0);
    rmSync(`${file}.sig`);
    const other = await execa('ssh-keygen', ['-Y', 'sign', '-n', 'demerge-test', '-f', join(pubs, 'ecdsa.pub'), file], {
      env: clientEnv(bridge.socket),
      extendEnv: false,
      stdin: 'ignore',
      reject: false,
    });
    expect(other.exitCode).not.toBe(0);
    expect(existsSync(`${file}.sig`)).toBe(false);
    // The same request straight to the agent works: the refusal is the bridge's.
    const raw = new Raw(bridge.socket);
    raw.write(signRequest(otherBlob, Buffer.from('x')));
    expect(await raw.reply()).toEqual(Buffer.from([AGENT.FAILURE]));
    const direct = new Raw(agentSocket);
    direct.write(signRequest(otherBlob, Buffer.from('x')));
    expect((await direct.reply())?.[0]).toBe(AGENT.SIGN_RESPONSE);
    raw.end();
    direct.end();
  });

  it('refuses to remove, add or lock keys, and extensions: ssh-add fails and the agent keeps its keys', async () => {
    const env = clientEnv(bridge.socket);
    expect((await execa('ssh-add', ['-D'], { env, extendEnv: false, stdin: 'ignore', reject: false })).exitCode).not.toBe(0);
    expect((await execa('ssh-add', ['-d', join(dir, 'ed25519')], { env, extendEnv: false, stdin: 'ignore', reject: false })).exitCode).not.toBe(0);
    expect((await execa('ssh-add', [join(dir, 'ecdsa')], { env, extendEnv: false, stdin: 'ignore', reject: false })).exitCode).not.toBe(0);
    const raw = new Raw(bridge.socket);
    const requests = [
      frame(17, Buffer.concat([sshString(Buffer.from('ssh-ed25519')), Buffer.alloc(64)])), // ADD_IDENTITY
      frame(18, sshString(buildBlob)), // REMOVE_IDENTITY
      frame(19), // REMOVE_ALL_IDENTITIES
      frame(22, sshString(Buffer.from('secret'))), // LOCK
      frame(23, sshString(Buffer.from('secret'))), // UNLOCK
      frame(25, Buffer.alloc(16)), // ADD_ID_CONSTRAINED
      frame(27, Buffer.concat([sshString(Buffer.from('session-bind@openssh.com')), sshString(buildBlob)])), // EXTENSION
      frame(1), // the old protocol's REQUEST_RSA_IDENTITIES
      frame(200, Buffer.from('whatever')),
    ];
    for (const request of requests) {
      raw.write(request);
      expect(await raw.reply()).toEqual(Buffer.from([AGENT.FAILURE]));
    }
    // The connection is still good for what the bridge does pass.
    raw.write(frame(AGENT.REQUEST_IDENTITIES));
    expect((await raw.reply())?.[0]).toBe(AGENT.IDENTITIES_ANSWER);
    raw.end();
    const real = await requestIdentities(agentSocket, 2000);
    expect(real.ok && real.blobs.length).toBe(2);
  });

  it('answers requests sent together in order, and one sent a byte at a time', async () => {
    const raw = new Raw(bridge.socket);
    raw.write(Buffer.concat([frame(AGENT.REQUEST_IDENTITIES), frame(19), signRequest(buildBlob, Buffer.from('a')), frame(AGENT.REQUEST_IDENTITIES)]));
    expect((await raw.reply())?.[0]).toBe(AGENT.IDENTITIES_ANSWER);
    expect((await raw.reply())?.[0]).toBe(AGENT.FAILURE);
    expect((await raw.reply())?.[0]).toBe(AGENT.SIGN_RESPONSE);
    expect((await raw.reply())?.[0]).toBe(AGENT.IDENTITIES_ANSWER);
    const slow = signRequest(buildBlob, Buffer.from('slow'));
    for (const byte of slow) {
      raw.write(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    expect((await raw.reply())?.[0]).toBe(AGENT.SIGN_RESPONSE);
    raw.end();
  });

  it('passes a large signature request under the 256 KiB bound', async () => {
    const raw = new Raw(bridge.socket);
    raw.write(signRequest(buildBlob, Buffer.alloc(200 * 1024, 7)));
    expect((await raw.reply())?.[0]).toBe(AGENT.SIGN_RESPONSE);
    raw.end();
  });

  it.each([
    ['a zero length', Buffer.from([0, 0, 0, 0])],
    ['a length over 256 KiB', Buffer.from([0, 4, 0, 1, 13])],
    ['a length of 4 GiB', Buffer.from([0xff, 0xff, 0xff, 0xff, 11])],
    ['text', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
  ])('closes a client that sends %s, and only that client', async (_what, bytes) => {
    const bystander = new Raw(bridge.socket);
    const hostile = new Raw(bridge.socket);
    hostile.write(bytes);
    expect(await hostile.closedWithin(2000)).toBe(true);
    bystander.write(frame(AGENT.REQUEST_IDENTITIES));
    expect((await bystander.reply())?.[0]).toBe(AGENT.IDENTITIES_ANSWER);
    bystander.end();
    expect(await requestIdentities(bridge.socket, 2000)).toEqual({ ok: true, blobs: [buildBlob] });
  });

  it('refuses malformed requests for the build key without passing them on', async () => {
    const raw = new Raw(bridge.socket);
    const good = signRequest(buildBlob, Buffer.from('x')).subarray(5);
    const cases = [
      frame(AGENT.SIGN_REQUEST, Buffer.concat([good, Buffer.from([0])])), // a byte too many
      frame(AGENT.SIGN_REQUEST, good.subarray(0, good.length - 1)), // the flags cut short
      frame(AGENT.SIGN_REQUEST, Buffer.concat([sshString(buildBlob), Buffer.from([0xff, 0xff, 0xff, 0xff])])), // data longer than the message
      frame(AGENT.SIGN_REQUEST, Buffer.concat([sshString(Buffer.concat([buildBlob, Buffer.from([0])])), sshString(Buffer.from('x')), Buffer.alloc(4)])),
      frame(AGENT.REQUEST_IDENTITIES, Buffer.from([1])), // contents where none belong
    ];
    for (const request of cases) {
      raw.write(request);
      expect(await raw.reply()).toEqual(Buffer.from([AGENT.FAILURE]));
    }
    raw.end();
  });

  it('fails requests when the real agent is gone, and keeps serving', async () => {
    const lost = await startAgentBridge({ upstream: join(dir, 'no-such-agent'), publicKey: buildBlob, dir: join(dir, 'bridge-lost') });
    try {
      const raw = new Raw(lost.socket);
      raw.write(frame(AGENT.REQUEST_IDENTITIES));
      expect(await raw.reply()).toEqual(Buffer.from([AGENT.FAILURE]));
      raw.write(signRequest(buildBlob, Buffer.from('x')));
      expect(await raw.reply()).toEqual(Buffer.from([AGENT.FAILURE]));
      raw.end();
      const listed = await execa('ssh-add', ['-l'], { env: clientEnv(lost.socket), extendEnv: false, stdin: 'ignore', reject: false });
      expect(listed.exitCode).not.toBe(0);
    } finally {
      await lost.close();
    }
  });

  it('keeps its socket private and takes it along when closed', async () => {
    const own = await startAgentBridge({ upstream: agentSocket, publicKey: buildBlob, dir: join(dir, 'bridge-own') });
    expect(statSync(join(dir, 'bridge-own')).mode & 0o777).toBe(0o700);
    expect(statSync(own.socket).mode & 0o777).toBe(0o600);
    expect(statSync(own.socket).isSocket()).toBe(true);
    expect(publicLineBlob(readFileSync(own.identity, 'utf8'))?.equals(buildBlob)).toBe(true);
    const raw = new Raw(own.socket);
    raw.write(frame(AGENT.REQUEST_IDENTITIES));
    await raw.reply();
    await own.close();
    expect(await raw.closedWithin(1000)).toBe(true);
    expect(existsSync(own.socket)).toBe(false);
    await expect(startAgentBridge({ upstream: agentSocket, publicKey: buildBlob, dir: join(dir, 'bridge-own') })).rejects.toThrow(/EEXIST/);
  });

  it('refuses a message one byte over the bound', async () => {
    const raw = new Raw(bridge.socket);
    const head = Buffer.alloc(5);
    head.writeUInt32BE(MAX_AGENT_MESSAGE + 1, 0);
    head[4] = AGENT.SIGN_REQUEST;
    raw.write(head);
    expect(await raw.closedWithin(2000)).toBe(true);
  });
});

describe('the key check of an agent-held key', () => {
  const path = '/etc/distcc/.ssh/id_ed25519';

  it('passes when the agent holds the key', async () => {
    const outcome = await agentKeyCheck(path, buildBlob, agentSocket);
    expect(outcome.check.verdict).toBe('ok');
    expect(outcome.check.message).toMatch(/^a passphrase, and the ssh-agent at .*agent\.sock holds the key \(SHA256:[A-Za-z0-9+/]{43}\)/);
    expect(outcome.agent).toEqual({ socket: agentSocket, publicKey: buildBlob });
  });

  it('fails naming ssh-add when the agent does not hold it', async () => {
    const absent = publicLineBlob(readFileSync(join(KEYS, 'rsa3072.pub'), 'utf8')) as Buffer;
    const outcome = await agentKeyCheck(path, absent, agentSocket);
    expect(outcome.agent).toBeUndefined();
    expect(outcome.check).toMatchObject({ id: 'key.passphrase', verdict: 'fail' });
    expect(outcome.check.message).toContain(`does not hold it: load it with ssh-add ${path}`);
    expect(outcome.check.fix).toMatch(new RegExp(`^ssh-add ${path} `));
  });

  it('fails with SSH_AUTH_SOCK unset, and with an agent that is gone', async () => {
    const unset = await agentKeyCheck(path, buildBlob, undefined);
    expect(unset.check.verdict).toBe('fail');
    expect(unset.check.message).toContain('SSH_AUTH_SOCK is not set');
    expect(unset.check.fix).toContain(`keychain --eval --agents ssh ${path}`);
    expect(unset.check.fix).toContain(`ssh-add ${path}`);
    const gone = await agentKeyCheck(path, buildBlob, join(dir, 'gone.sock'));
    expect(gone.check.verdict).toBe('fail');
    expect(gone.check.message).toMatch(/SSH_AUTH_SOCK=".*gone\.sock" cannot be asked for it: no such socket: the agent has ended/);
    const notAgent = join(dir, 'not-an-agent');
    writeFileSync(notAgent, '');
    expect((await agentKeyCheck(path, buildBlob, notAgent)).check.message).toMatch(/cannot be asked for it: nothing listens there/);
  });

  it('fails an agent that answers garbage', async () => {
    const outcome = await agentKeyCheck(path, buildBlob, 'x', async () => ({ ok: false, code: 'EPROTO' }));
    expect(outcome.check.message).toContain('it does not answer as an ssh-agent');
  });
});
