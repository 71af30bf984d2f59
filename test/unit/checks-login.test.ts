import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginFailureChecks, tcpCheck } from '../../src/checks/node/login-checks.js';
import { tcpConnect } from '../../src/checks/node/tcp-connect.js';
import { SshFailure } from '../../src/ssh/connect.js';

const NODE = { host: 'node1', user: 'distcc', port: 2222, slots: 4, options: [] };
const CONTEXT = { node: NODE, name: 'node1:2222', knownHostsPath: '/var/tmp/portage/.ssh/known_hosts', keyPath: '/etc/distcc/.ssh/id_ed25519', timeoutS: 5 };
const HOST_KEY = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIJdD7p4HT3xUZaMk5zbBXxSfbF6RSZ4shhHpx0mLpzLS', 'base64');

describe('login failures', () => {
  it('an unknown host key: fingerprint, keyscan with the port, never auto-accepted', () => {
    const [check] = loginFailureChecks(CONTEXT, new SshFailure('host-key-unknown', 'x', HOST_KEY));
    expect(check).toMatchObject({ id: 'node.host-key', verdict: 'fail' });
    expect(check?.message).toContain('no entry for [node1]:2222');
    expect(check?.message).toMatch(/SHA256:[A-Za-z0-9+/]{43}/);
    expect(check?.fix).toContain('ssh-keyscan -p 2222 node1 >> /var/tmp/portage/.ssh/known_hosts');
    expect(check?.fix).toContain('ssh-keygen -lf');
  });

  it('a changed host key: loud, man-in-the-middle named', () => {
    const [check] = loginFailureChecks(CONTEXT, new SshFailure('host-key-changed', 'x', HOST_KEY));
    expect(check?.message).toMatch(/^HOST KEY CHANGED/);
    expect(check?.message).toContain('man-in-the-middle');
    expect(check?.fix).toContain("ssh-keygen -R '[node1]:2222'");
  });

  it('a refused key: refused key or locked account, sshd log and usermod -U', () => {
    const checks = loginFailureChecks(CONTEXT, new SshFailure('auth-refused', 'x'));
    expect(checks.map((c) => [c.id, c.verdict])).toEqual([
      ['node.host-key', 'ok'],
      ['node.login', 'fail'],
    ]);
    expect(checks[1]?.message).toContain('refused key or locked account');
    expect(checks[1]?.fix).toContain('usermod -U distcc');
    expect(checks[1]?.fix).toContain('/etc/distcc/.ssh/id_ed25519.pub');
  });

  it.each([
    ['timeout', /did not finish within 5 s/],
    ['closed', /closed the connection/],
    ['error', /failed/],
  ] as const)('%s', (reason, text) => {
    const checks = loginFailureChecks(CONTEXT, new SshFailure(reason, 'detail'));
    expect(checks.at(-1)?.message).toMatch(text);
  });
});

describe('TCP', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => server.close());

  it('times a connect that works', async () => {
    const result = await tcpConnect('127.0.0.1', port, 2000);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.rttMs).toBeGreaterThanOrEqual(0);
      result.socket.destroy();
      expect(tcpCheck({ ...NODE, port }, 'n', result, 2).message).toMatch(/^port \d+ answers/);
    }
  });

  it('says "connection refused" first, for the build\'s one-line warning', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await tcpConnect('127.0.0.1', freePort, 2000);
    const check = tcpCheck({ ...NODE, host: '127.0.0.1', port: freePort }, 'n', result, 2);
    expect(check.verdict).toBe('fail');
    expect(check.message).toMatch(/^connection refused/);
    expect(check.fix).toContain('sshd');
  });

  it('does not connect once aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await tcpConnect('127.0.0.1', port, 10_000, controller.signal)).toEqual({ ok: false, reason: 'error', code: 'ABORTED' });
  });

  it.each([
    ['timeout', /within 2 s/],
    ['unresolved', /does not resolve/],
    ['unreachable', /no route/],
  ] as const)('%s', (reason, text) => {
    const check = tcpCheck(NODE, 'n', { ok: false, reason, code: 'X' }, 2);
    expect(check.message).toMatch(text);
    expect(check.fix).toBeTruthy();
  });
});
