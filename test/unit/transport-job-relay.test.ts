import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { relayWords, type RelayInterpreter } from '../../src/transport/job-relay.js';
import { entranceHeader } from '../../src/transport/remote-command.js';

// The connector's relay, run for real (perl and python3) against a unix socket server that
// answers like distccd: it reads the whole request (to the client's half close), then answers
// and closes.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function upperServer(path: string, seen: Buffer[]): Promise<void> {
  return new Promise((resolve) => {
    const server = createServer((socket: Socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => {
        const all = Buffer.concat(chunks);
        seen.push(all);
        socket.end(Buffer.from(all.toString('latin1').toUpperCase(), 'latin1'));
        server.close();
      });
    });
    server.listen(path, () => resolve());
  });
}

function relay(kind: RelayInterpreter, socket: string, input: Buffer, entranceRun?: string): Promise<{ code: number | null; out: Buffer }> {
  const [file, ...args] = relayWords({ kind, path: kind }, socket, entranceRun);
  return new Promise((resolve) => {
    const child = spawn(file as string, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.on('close', (code) => resolve({ code, out: Buffer.concat(out) }));
    child.stdin.end(input);
  });
}

describe.each(['perl', 'python3'] as const)('the %s relay', (kind) => {
  it('carries a request both ways byte for byte and passes end of file on as a half close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demerge-relay-'));
    dirs.push(dir);
    const path = join(dir, 'jobs');
    const seen: Buffer[] = [];
    await upperServer(path, seen);
    const input = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < input.length; i++) input[i] = 97 + (i % 26);
    const { code, out } = await relay(kind, path, input);
    expect(code).toBe(0);
    expect(seen[0]?.equals(input)).toBe(true);
    expect(out.equals(Buffer.from(input.toString('latin1').toUpperCase(), 'latin1'))).toBe(true);
  });

  it("names the run first when the socket leads to the node service's TCP entrance", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demerge-relay-'));
    dirs.push(dir);
    const path = join(dir, 'jobs');
    const seen: Buffer[] = [];
    await upperServer(path, seen);
    const { code } = await relay(kind, path, Buffer.from('DIST00000001'), '1234-abc.2');
    expect(code).toBe(0);
    expect(seen[0]?.toString('latin1')).toBe(`${entranceHeader('1234-abc.2')}DIST00000001`);
  });

  it('keeps every byte when its stdin and stdout are non-blocking, as distcc hands them, and distcc reads slowly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demerge-relay-'));
    dirs.push(dir);
    const path = join(dir, 'jobs');
    const seen: Buffer[] = [];
    await upperServer(path, seen);
    const input = Buffer.alloc(2 * 1024 * 1024 + 5);
    for (let i = 0; i < input.length; i++) input[i] = 97 + ((i * 7) % 26);
    // distcc sets O_NONBLOCK on both ends of its socketpairs before it starts "ssh".
    const [file, ...args] = relayWords({ kind, path: kind }, path);
    const nonBlocking = 'import os,sys\nos.set_blocking(0,False)\nos.set_blocking(1,False)\nos.execvp(sys.argv[1],sys.argv[1:])';
    const child = spawn('python3', ['-c', nonBlocking, file as string, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      out.push(chunk);
      // A slow reader: the relay's writes meet a full socket buffer again and again.
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 5);
    });
    const code = await new Promise<number | null>((resolve) => {
      child.on('close', (c) => resolve(c));
      child.stdin.end(input);
    });
    expect(code).toBe(0);
    expect(seen[0]?.equals(input)).toBe(true);
    expect(Buffer.concat(out).equals(Buffer.from(input.toString('latin1').toUpperCase(), 'latin1'))).toBe(true);
  });

  it('exits 255 at once when nothing listens on the socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demerge-relay-'));
    dirs.push(dir);
    const { code, out } = await relay(kind, join(dir, 'absent'), Buffer.from('DIST'));
    expect(code).toBe(255);
    expect(out.length).toBe(0);
  });
});
