import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeSampler } from '../../src/dashboard/collect/node-sampler.js';
import type { NodeSample } from '../../src/dashboard/parse/ps.js';
import type { SshConnection } from '../../src/ssh/connect.js';

// The sampler against a stand-in connection whose commands run in a real local shell (what
// sshd would run on a node): real ps output, real process ends. Only the transport is fake.

class Channel extends PassThrough {
  stderr = new PassThrough();
  constructor(private readonly child: ChildProcess) {
    super();
    child.stdout?.on('data', (chunk: Buffer) => this.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    child.on('exit', (code) => this.emit('exit', code));
    child.on('close', () => this.emit('close'));
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.child.stdin?.write(chunk, () => callback());
  }
  override _final(callback: () => void): void {
    this.child.stdin?.end();
    callback();
  }
  close(): void {
    signalGroup(this.child, 'SIGKILL');
  }
}

// Each command in a process group of its own, as under sshd: signals reach all of it.
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid as number), signal);
  } catch {
    // Already gone.
  }
}

class FakeClient extends EventEmitter {
  readonly children: ChildProcess[] = [];
  constructor(private readonly forced?: string) {
    super();
  }
  exec(command: string, callback: (error: Error | undefined, stream: Channel) => void): void {
    const child = spawn('/bin/sh', ['-c', this.forced ?? command], { stdio: 'pipe', detached: true });
    child.stdin.on('error', () => undefined);
    this.children.push(child);
    setImmediate(() => callback(undefined, new Channel(child)));
  }
  destroy(): void {
    for (const child of this.children) signalGroup(child, 'SIGKILL');
    this.emit('close');
  }
}

const samplers: NodeSampler[] = [];
afterEach(() => {
  for (const sampler of samplers.splice(0)) sampler.stop();
});

function start(options: { forced?: string; intervalMs?: number; timeoutMs?: number; failConnect?: number } = {}) {
  const samples: Array<{ sample: NodeSample; at: number; rtt: number }> = [];
  const unreachable: Array<{ reason: string; at: number }> = [];
  const clients: FakeClient[] = [];
  let connects = 0;
  const sampler = new NodeSampler(
    { host: 'node1', port: 22, user: 'distcc' },
    { privateKey: Buffer.alloc(0), knownHosts: [], timeoutMs: 1000 },
    { sample: (sample, at, rtt) => samples.push({ sample, at, rtt }), unreachable: (reason, at) => unreachable.push({ reason, at }) },
    {
      intervalMs: options.intervalMs ?? 100,
      timeoutMs: options.timeoutMs ?? 1500,
      reconnectMinMs: 50,
      connect: async () => {
        connects++;
        if (connects <= (options.failConnect ?? 0)) throw new Error('connection refused');
        const client = new FakeClient(options.forced);
        clients.push(client);
        return { client, loginMs: 1 } as unknown as SshConnection;
      },
    },
  );
  samplers.push(sampler);
  sampler.start();
  return { sampler, samples, unreachable, clients, connects: () => connects };
}

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('NodeSampler', () => {
  it('samples over one long-running channel, without its own shell and ps', async () => {
    const run = start();
    await until(() => run.samples.length >= 5);
    expect(run.clients).toHaveLength(1);
    // One channel for every sample: the loop, not a command per sample.
    expect(run.clients[0]?.children).toHaveLength(1);
    const { sample, rtt } = run.samples[4]!;
    expect(sample.complete).toBe(true);
    expect(sample.load?.one).toBeGreaterThanOrEqual(0);
    expect(sample.cpu?.length).toBeGreaterThan(0);
    expect(sample.samplerPid).toBeGreaterThan(0);
    expect(sample.processes.some((p) => p.pid === sample.samplerPid || p.ppid === sample.samplerPid)).toBe(false);
    // Nor its subshell's ps.
    expect(sample.processes.some((p) => p.comm === 'ps')).toBe(false);
    expect(rtt).toBeLessThan(1000);
    // One sample per interval, not a burst. A late answer makes the next one come sooner (the
    // loop keeps its own clock), so single gaps shrink under load; the rate over the whole
    // stretch does not exceed one per interval, however slow the machine is.
    const first = run.samples[0]!.at;
    const last = run.samples.at(-1)!.at;
    expect(run.samples.length - 1).toBeLessThanOrEqual(Math.ceil((last - first) / 100) + 1);
  });

  it('makes a node unreachable when a sample does not come back in time, and reconnects', async () => {
    const run = start({ timeoutMs: 300 });
    await until(() => run.samples.length >= 1);
    const loop = run.clients[0]!.children[0]!;
    signalGroup(loop, 'SIGSTOP');
    const stoppedAt = Date.now();
    await until(() => run.unreachable.length >= 1);
    signalGroup(loop, 'SIGCONT');
    expect(run.unreachable[0]!.reason).toBe('no answer for 0.3 s');
    expect(run.unreachable[0]!.at - stoppedAt).toBeLessThan(100 + 300 + 200);
    await until(() => run.connects() >= 2 && run.samples.length >= 2);
  });

  it('makes a node unreachable at once when its connection closes', async () => {
    const run = start({ intervalMs: 1000 });
    await until(() => run.samples.length >= 1);
    const closedAt = Date.now();
    run.clients[0]!.destroy();
    await until(() => run.unreachable.length >= 1);
    expect(run.unreachable[0]!.reason).toBe('the connection closed');
    expect(run.unreachable[0]!.at - closedAt).toBeLessThan(100);
  });

  it('waits longer after each failed connection attempt', async () => {
    const run = start({ failConnect: 3 });
    await until(() => run.samples.length >= 1);
    expect(run.unreachable.map((d) => d.reason)).toEqual(['connection refused', 'connection refused', 'connection refused']);
    const waits = run.unreachable.slice(1).map((d, i) => d.at - run.unreachable[i]!.at);
    expect(waits[1]!).toBeGreaterThan(waits[0]! * 1.5);
  });

  it('sends a command per sample when a forced command replaces the loop', async () => {
    // As `command="distccd --inetd"` would: whatever is asked, something else runs and exits.
    const run = start({ forced: 'head -c 1 >/dev/null; echo not a sample' });
    await until(() => run.samples.length >= 2);
    expect(run.unreachable).toEqual([]);
    expect(run.samples.every((s) => !s.sample.complete)).toBe(true);
  });
});
