import { spawn, spawnSync } from 'node:child_process';
import { createServer, connect as tcpConnect, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeConnection } from '../../src/transport/node-connection.js';
import { renderRemoteCommand } from '../../src/transport/remote-command.js';

// The node-side script and a node connection's life, with real processes: the script runs here
// under /bin/sh as an unprivileged user (what sshd would run on the node), with a real distccd,
// and stands in for the ssh master, whose stdin and stdout it is from the connection's side.
// The ssh part itself is covered by the lab tests (test/lab/transport.test.ts).

const distccd = spawnSync('sh', ['-c', 'command -v distccd'], { encoding: 'utf8' }).stdout.trim();
const nobody = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim();
const canRun = distccd !== '' && process.getuid?.() === 0 && nobody !== '';
const asNobody = canRun ? { uid: Number(nobody), gid: Number(nobody) } : {};

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

function nodeSide(ports: number[]) {
  return spawn('/bin/sh', ['-c', renderRemoteCommand({ distccd, ports, jobs: 2 })], {
    stdio: 'pipe',
    detached: true,
    env: { PATH: '/usr/bin:/bin', TMPDIR: '/tmp' },
    ...asNobody,
  });
}

const tcpProbe = async (port: number): Promise<string | undefined> => ((await portOpen(port)) ? undefined : `nothing on ${port}`);

const basePort = 20000 + (process.pid % 5000) * 2;
const servers: Server[] = [];
const connections: NodeConnection[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close()));
  for (const server of servers.splice(0)) server.close();
});

describe.skipIf(!canRun)('node connection with the real node-side script', () => {
  it('starts distccd on loopback, and closing the connection stops it', async () => {
    const connection = new NodeConnection('/nonexistent/ctl', 10_000, {
      startMaster: () => nodeSide([basePort]),
      probe: tcpProbe,
      onLost: () => {},
      onBack: () => {},
    });
    connections.push(connection);
    const opened = await connection.open();
    expect(opened).toEqual({ ok: true, port: basePort });
    expect(await portOpen(basePort)).toBe(true);
    await connection.close();
    expect(await eventually(async () => !(await portOpen(basePort)))).toBe(true);
  });

  it('skips a port something else holds and takes the next candidate', async () => {
    const squatter = createServer();
    servers.push(squatter);
    await new Promise<void>((resolve) => squatter.listen(basePort, '127.0.0.1', resolve));
    const connection = new NodeConnection('/nonexistent/ctl', 10_000, {
      startMaster: () => nodeSide([basePort, basePort + 1]),
      probe: tcpProbe,
      onLost: () => {},
      onBack: () => {},
    });
    connections.push(connection);
    expect(await connection.open()).toEqual({ ok: true, port: basePort + 1 });
  });

  it('reports why the node-side script failed', async () => {
    const connection = new NodeConnection('/nonexistent/ctl', 10_000, {
      startMaster: () =>
        spawn('/bin/sh', ['-c', renderRemoteCommand({ distccd: '/nonexistent/distccd', ports: [basePort], jobs: 1 })], { stdio: 'pipe', ...asNobody }),
      probe: tcpProbe,
      onLost: () => {},
      onBack: () => {},
    });
    connections.push(connection);
    const opened = await connection.open();
    expect(opened.ok).toBe(false);
    expect(opened.ok ? '' : opened.detail).toMatch(/nonexistent\/distccd.*not found|No such file/);
  });

  it('gives up on a node that never answers, within its time', async () => {
    const connection = new NodeConnection('/nonexistent/ctl', 300, {
      startMaster: () => spawn('sleep', ['30'], { stdio: 'pipe' }),
      probe: tcpProbe,
      onLost: () => {},
      onBack: () => {},
    });
    connections.push(connection);
    expect(await connection.open()).toEqual({ ok: false, detail: 'no answer within 0 s' });
  });

  it('re-establishes a dropped connection and reports both events', async () => {
    const events: string[] = [];
    let attempts = 0;
    let back: () => void = () => {};
    const isBack = new Promise<void>((resolve) => {
      back = resolve;
    });
    const connection = new NodeConnection('/nonexistent/ctl', 10_000, {
      // The first connection drops on its own shortly after it is up (a killed session).
      startMaster: () => (++attempts === 1 ? spawn('/bin/sh', ['-c', `echo ready ${basePort}; sleep 0.3`], { stdio: 'pipe' }) : nodeSide([basePort])),
      probe: async () => undefined,
      onLost: (detail) => events.push(`lost: ${detail}`),
      onBack: (port) => {
        events.push(`back on ${port}`);
        back();
      },
    });
    connections.push(connection);
    expect(await connection.open()).toEqual({ ok: true, port: basePort });
    await isBack;
    expect(events).toEqual(['lost: ssh exited with status 0', `back on ${basePort}`]);
    expect(await portOpen(basePort)).toBe(true);
  });

  it('reports each failed attempt to reconnect, and names a killed master by its signal', async () => {
    const events: string[] = [];
    let attempts = 0;
    let second: () => void = () => {};
    const retried = new Promise<void>((resolve) => {
      second = resolve;
    });
    const connection = new NodeConnection('/nonexistent/ctl', 10_000, {
      startMaster: () => {
        attempts++;
        if (attempts === 1) {
          const child = spawn('/bin/sh', ['-c', `echo ready ${basePort}; exec sleep 30`], { stdio: 'pipe' });
          setTimeout(() => child.kill('SIGKILL'), 300);
          return child;
        }
        return spawn('/bin/sh', ['-c', 'echo "ssh: connect to host n port 22: Connection refused" >&2; exit 255'], { stdio: 'pipe' });
      },
      probe: async () => undefined,
      onLost: (detail) => events.push(`lost: ${detail}`),
      onBack: () => events.push('back'),
      onRetryFailed: (detail) => {
        events.push(`failed: ${detail}`);
        second();
      },
    });
    connections.push(connection);
    expect(await connection.open()).toEqual({ ok: true, port: basePort });
    await retried;
    expect(events).toEqual(['lost: ssh ended by SIGKILL', 'failed: ssh: connect to host n port 22: Connection refused']);
  });

  it("passes on distccd's lines once the node is ready, and keeps ssh's own for the cause", async () => {
    const messages: string[] = [];
    const lost: string[] = [];
    const connection = new NodeConnection('/nonexistent/ctl', 10_000, {
      startMaster: () =>
        spawn(
          '/bin/sh',
          [
            '-c',
            [
              'echo "distccd[1] (dcc_bind) ERROR: bind of 0.0.0.0:1 failed: Address already in use" >&2',
              // stderr and stdout are two pipes: give the first line time to arrive first.
              'sleep 0.1',
              `echo ready ${basePort}`,
              'sleep 0.2',
              'echo "distccd[2] (dcc_pump_readwrite) ERROR: failed to write: No space left on device" >&2',
              'echo "Timeout, server n not responding." >&2',
              'sleep 0.2',
              'exit 255',
            ].join('; '),
          ],
          { stdio: 'pipe' },
        ),
      probe: async () => undefined,
      onLost: (detail) => lost.push(detail),
      onBack: () => {},
      onNodeMessage: (line) => messages.push(line),
    });
    connections.push(connection);
    expect(await connection.open()).toEqual({ ok: true, port: basePort });
    expect(await eventually(async () => lost.length > 0)).toBe(true);
    expect(messages).toEqual(['distccd[2] (dcc_pump_readwrite) ERROR: failed to write: No space left on device']);
    expect(lost[0]).toBe('Timeout, server n not responding.');
  });

  it('keeps the node-side script alive without writing a byte to disk (a full disk must not end it)', async () => {
    const child = nodeSide([basePort]);
    await new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
    const before = spawnSync('sh', ['-c', `ls /tmp/demerge.*/ 2>/dev/null | sort`], { encoding: 'utf8' }).stdout;
    for (let i = 0; i < 3; i++) {
      child.stdin.write('h');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await portOpen(basePort)).toBe(true);
    // The heartbeats left no file behind: only distccd's pid file lives in the script's dir.
    expect(spawnSync('sh', ['-c', `ls /tmp/demerge.*/ 2>/dev/null | sort`], { encoding: 'utf8' }).stdout).toBe(before);
    expect(before).not.toContain('beat');
    child.stdin.end();
    expect(await eventually(async () => !(await portOpen(basePort)))).toBe(true);
  });

  it.each([
    ['sshd signals the script (SIGHUP)', 'SIGHUP' as const],
    ['sshd signals the script (SIGTERM)', 'SIGTERM' as const],
  ])('stops distccd when %s', async (_name, signal) => {
    const child = nodeSide([basePort]);
    await new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
    expect(await portOpen(basePort)).toBe(true);
    child.kill(signal);
    expect(await eventually(async () => !(await portOpen(basePort)))).toBe(true);
  });

  it('stops distccd when nobody reads "ready" any more (no death by SIGPIPE)', async () => {
    const child = nodeSide([basePort]);
    child.stdout.destroy();
    expect(await eventually(() => portOpen(basePort))).toBe(true);
    child.stdin.end();
    expect(await eventually(async () => !(await portOpen(basePort)))).toBe(true);
  });

  it('stops distccd when the process holding the connection is killed with SIGKILL', async () => {
    // A separate holder process, killed the way `kill -9 demerge` would be.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `
      const { spawn } = require('node:child_process');
      const child = spawn('/bin/sh', ['-c', process.argv[1]], { stdio: ['pipe', 'inherit', 'inherit'], detached: true, uid: ${Number(nobody)}, gid: ${Number(nobody)} });
      setInterval(() => {}, 1000);
    `,
        renderRemoteCommand({ distccd, ports: [basePort], jobs: 1 }),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    await new Promise<void>((resolve) =>
      holder.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('ready')) resolve();
      }),
    );
    expect(await portOpen(basePort)).toBe(true);
    holder.kill('SIGKILL');
    expect(await eventually(async () => !(await portOpen(basePort)))).toBe(true);
  });
});
