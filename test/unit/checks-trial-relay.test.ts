import { connect, type Socket } from 'node:net';
import { Duplex, PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Client } from 'ssh2';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPeerLookup, loopbackPeerUid, socketOwner } from '../../src/checks/node/loopback-peer.js';
import { openTrialRelay } from '../../src/checks/node/trial-relay.js';
import { startRelay } from '../../src/ssh/relay-exec.js';
import { sshJobCommand } from '../../src/transport/ssh-job-command.js';

// /proc/net/tcp as Linux prints it on x86-64: addresses in host byte order, ports in hex.
const TABLE = [
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 0100007F:9C40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0 100 0 0 10 0',
  '   1: 0100007F:D431 0100007F:9C40 01 00000000:00000000 00:00000000 00000000   250        0 1002 1 0 20 4 30 10 -1',
  '   2: 0100007F:9C40 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 1003 1 0 20 4 30 10 -1',
  '   3: 0202A8C0:D431 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 1004 1 0 20 4 30 10 -1',
].join('\n');

describe('loopback peer', () => {
  it('finds the uid of the socket connected from the peer port to ours', () => {
    expect(socketOwner(TABLE, 0xd431, 0x9c40)).toBe(250);
    // Our own accepted end of the same connection is not the peer's.
    expect(socketOwner(TABLE, 0x9c40, 0xd431)).toBe(0);
  });

  it('ignores a connection that is no longer up', () => {
    expect(socketOwner(TABLE.replace('0100007F:D431 0100007F:9C40 01', '0100007F:D431 0100007F:9C40 06'), 0xd431, 0x9c40)).toBeUndefined();
  });

  it('knows nothing of ports or addresses it does not list', () => {
    expect(socketOwner(TABLE, 0xd432, 0x9c40)).toBeUndefined();
    expect(socketOwner('', 1, 2)).toBeUndefined();
    expect(socketOwner(TABLE.replace('0100007F:D431 0100007F', '0202A8C0:D431 0100007F'), 0xd431, 0x9c40)).toBeUndefined();
  });
});

describe('loopbackPeerUid', () => {
  it('reads the table from a file, a line at a time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'peer-'));
    try {
      const path = join(dir, 'tcp');
      writeFileSync(path, `${TABLE}\n`);
      const lookup = createPeerLookup(path);
      await expect(lookup(0xd431, 0x9c40)).resolves.toBe(250);
      await expect(lookup(0xd432, 0x9c40)).resolves.toBeUndefined();
      await expect(createPeerLookup(join(dir, 'missing'))(1, 2)).resolves.toBeUndefined();
      // Lookups at once share reads, and each gets its own answer.
      await expect(Promise.all([lookup(0xd431, 0x9c40), lookup(0xd432, 0x9c40), lookup(0x9c40, 0xd431)])).resolves.toEqual([250, undefined, 0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(process.platform === 'linux')("names this process's uid for its own connection", async () => {
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const client = connect({ host: '127.0.0.1', port });
    await new Promise((resolve) => client.once('connect', resolve));
    try {
      await expect(loopbackPeerUid(client.localPort as number, port)).resolves.toBe(process.getuid?.());
    } finally {
      client.destroy();
      server.close();
    }
  });
});

describe('sshJobCommand', () => {
  it('asks for what distcc ssh mode asks for', () => {
    expect(sshJobCommand({})).toBe('distccd --inetd --enable-tcp-insecure');
    expect(sshJobCommand({ command: '/opt/bin/distccd' })).toBe('/opt/bin/distccd --inetd --enable-tcp-insecure');
  });
});

/** An ssh2 Client stand-in whose exec echoes stdin back upper-cased and says something on stderr. */
function fakeClient(commands: string[]): Client {
  return {
    exec(command: string, callback: (error: Error | undefined, channel: Duplex & { stderr: PassThrough }) => void) {
      commands.push(command);
      const stderr = new PassThrough();
      const channel: Duplex & { stderr: PassThrough } = Object.assign(
        new Duplex({
          read() {},
          write(chunk: Buffer, _encoding, done) {
            channel.push(Buffer.from(chunk.toString().toUpperCase()));
            done();
          },
          final(done) {
            stderr.end('node says hello\n');
            channel.push(null);
            setImmediate(() => channel.emit('close'));
            done();
          },
        }),
        { stderr, close: () => channel.destroy() },
      );
      setImmediate(() => callback(undefined, channel));
    },
  } as unknown as Client;
}

function talk(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
    });
    socket.on('error', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.end(text);
  });
}

describe('trial relay', () => {
  it('relays one connection of the expected user to the command and back', async () => {
    const commands: string[] = [];
    const relay = await openTrialRelay(
      () => startRelay(fakeClient(commands), 'distccd --inetd --enable-tcp-insecure'),
      250,
      async () => 250,
    );
    expect(await talk(relay.port, 'dist request')).toBe('DIST REQUEST');
    const result = await relay.result;
    relay.close();
    expect(commands).toEqual(['distccd --inetd --enable-tcp-insecure']);
    expect(result?.stderr).toBe('node says hello\n');
    // One connection only: the port is closed after it.
    await expect(talk(relay.port, 'again')).resolves.toBe('');
  });

  it('turns away a connection of another user and waits for the right one', async () => {
    const commands: string[] = [];
    const owners = [1000, 250];
    const relay = await openTrialRelay(
      () => startRelay(fakeClient(commands), 'distccd --inetd'),
      250,
      async () => owners.shift(),
    );
    // The node's side starts at once; the intruder's bytes never reach it.
    expect(await talk(relay.port, 'intruder')).toBe('');
    expect(await talk(relay.port, 'distcc')).toBe('DISTCC');
    relay.close();
    expect(commands).toEqual(['distccd --inetd']);
  });

  it('settles without a result when closed before any connection', async () => {
    const relay = await openTrialRelay(
      () => startRelay(fakeClient([]), 'distccd --inetd'),
      250,
      async () => 250,
    );
    relay.close();
    await expect(relay.result).resolves.toBeUndefined();
  });

  it("ends the node's command when closed before any connection", async () => {
    const commands: string[] = [];
    const relay = await openTrialRelay(
      () => startRelay(fakeClient(commands), 'distccd --inetd'),
      250,
      async () => 250,
    );
    // Let the channel open first, as it does while distcc starts.
    await new Promise((resolve) => setTimeout(resolve, 20));
    relay.close();
    await expect(relay.result).resolves.toBeUndefined();
    expect(commands).toEqual(['distccd --inetd']);
    await expect(talk(relay.port, 'late')).resolves.toBe('');
  });
});
