import { chmodSync, chownSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  compilesByNode,
  DEMERGE,
  demerge,
  LAB_CONFIG,
  LAB_DIR,
  lab,
  nodeAddress,
  readOrUndefined,
  resetCompiles,
  runDirsLeft,
  sum,
  TRANSLATION_UNITS,
  tunnelMasters,
  waitFor,
  workspace,
} from './lab.js';

// Issue 15, agent-held keys, against the real lab: a copy of the lab's build key with a
// passphrase (the lab's own key is never touched), loaded into a real ssh-agent that this test
// starts (ssh-add reads the passphrase through SSH_ASKPASS, no terminal), and demerge run with
// that agent's SSH_AUTH_SOCK, as keychain's shell would run it. The build's ssh runs as portage
// and reaches the agent only through the run's bridge; what was distributed is counted by the
// nodes' own records.

const PASSPHRASE = 'lab agent passphrase';
const dir = mkdtempSync(join(tmpdir(), 'demerge-agent-lab-'));
const key = join(dir, 'keys', 'id_ed25519');
const agentSocket = join(dir, 'agent', 'socket');
let agent: ReturnType<typeof startAgent> | undefined;
let portage: { uid: number; gid: number };

function startAgent() {
  return execa('ssh-agent', ['-D', '-a', agentSocket], { stdin: 'ignore', reject: false });
}

/** ssh-add as a script would run it: the passphrase from an askpass program, no terminal. */
function sshAdd(args: string[], socket = agentSocket) {
  return execa('ssh-add', args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SSH_AUTH_SOCK: socket, SSH_ASKPASS: join(dir, 'askpass'), SSH_ASKPASS_REQUIRE: 'force' },
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
  });
}

/** A copy of the lab's config with the test's key, and another transport if asked. */
function config(transport: 'tunnel' | 'ssh'): string {
  const text = readFileSync(LAB_CONFIG, 'utf8').replace(/^key = .*$/m, `key = "${key}"`);
  const path = join(dir, `demerge-${transport}.conf`);
  writeFileSync(path, `transport = "${transport}"\n${text}`);
  return path;
}

/** demerge's environment as keychain's shell gives it: SSH_AUTH_SOCK, unless `socket` is null. */
function env(transport: 'tunnel' | 'ssh', socket: string | null = agentSocket): Record<string, string> {
  return { DEMERGE_CONFIG: config(transport), ...(socket === null ? {} : { SSH_AUTH_SOCK: socket }) };
}

function acceptedLogins(node: number): number {
  const log = readFileSync(join(LAB_DIR, 'nodes', String(node), 'sshd.log'), 'utf8');
  return log.split('\n').filter((line) => line.includes('Accepted publickey for distcc')).length;
}

/** The run directory of demerge process `pid`, once its bridge is up. */
async function bridgeOf(pid: number): Promise<string> {
  return waitFor(
    () => {
      const name = (existsSync('/run/demerge') ? readdirSync('/run/demerge') : []).find((n) => n.startsWith(`${pid}-`));
      return name !== undefined && existsSync(join('/run/demerge', name, 'agent', 'socket')) ? join('/run/demerge', name) : undefined;
    },
    60_000,
    'the agent bridge',
  );
}

/** Runs a program as another user, with the bridge as its agent. */
function as(user: string, socket: string, program: string, args: string[]) {
  return execa('setpriv', ['--reuid', user, '--regid', user === 'nobody' ? 'nogroup' : user, '--init-groups', '--', program, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SSH_AUTH_SOCK: socket },
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
  });
}

const PRIVATE_BODY = () =>
  readFileSync(key, 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('-----'))
    .join('')
    .slice(0, 40);

/** No file of the run holds private key material, encrypted or not. */
function expectNoPrivateKey(runDir: string): void {
  const body = PRIVATE_BODY();
  const walk = (path: string): void => {
    const info = lstatSync(path);
    if (info.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    else if (info.isFile()) {
      const text = readFileSync(path, 'latin1').replace(/\s/g, '');
      expect(text, path).not.toContain('PRIVATEKEY');
      expect(text.includes(body), path).toBe(false);
    }
  };
  walk(runDir);
}

beforeAll(async () => {
  await lab('status');
  chmodSync(dir, 0o755);
  const account = (await execa('id', ['-u', 'portage'])).stdout.trim();
  const group = (await execa('id', ['-g', 'portage'])).stdout.trim();
  portage = { uid: Number(account), gid: Number(group) };
  // The lab's key, copied and given a passphrase: the nodes already trust it. (ssh-keygen's -P/-N
  // put the passphrase on argv: acceptable for this throw-away copy, never for a real key.)
  mkdirSync(join(dir, 'keys'), { mode: 0o755 });
  copyFileSync(join(LAB_DIR, 'frontend', 'id_ed25519'), key);
  chmodSync(key, 0o600);
  const encrypted = await execa('ssh-keygen', ['-q', '-p', '-P', '', '-N', PASSPHRASE, '-f', key], { stdin: 'ignore', reject: false });
  expect(encrypted.exitCode, encrypted.stderr).toBe(0);
  chownSync(key, portage.uid, portage.gid);
  chmodSync(key, 0o600);
  // No .pub beside it: the key file's own clear public half must do.
  expect(existsSync(`${key}.pub`)).toBe(false);
  expect(readFileSync(key, 'utf8')).toContain('BEGIN OPENSSH PRIVATE KEY');
  writeFileSync(join(dir, 'askpass'), `#!/bin/sh\necho '${PASSPHRASE}'\n`, { mode: 0o700 });
  // Another key of root's in the agent, which nothing of the build may see or use.
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'root-other-key', '-f', join(dir, 'keys', 'other')], { stdin: 'ignore' });
  mkdirSync(join(dir, 'agent'), { mode: 0o700 });
  agent = startAgent();
  await waitFor(() => existsSync(agentSocket), 10_000, 'ssh-agent');
  expect((await sshAdd(['-q', join(dir, 'keys', 'other')])).exitCode).toBe(0);
});

afterAll(async () => {
  agent?.kill('SIGTERM');
  await agent;
  rmSync(dir, { recursive: true, force: true });
});

describe('a build key with a passphrase, held by ssh-agent', () => {
  beforeEach(async () => {
    await resetCompiles();
  });

  it('the dry check fails naming ssh-add while the agent does not hold the key, and names SSH_AUTH_SOCK without an agent', async () => {
    const ws = workspace(env('tunnel'));
    const lacking = await execa(DEMERGE, ['--dry-check', '--json'], { env: ws.env, extendEnv: false, reject: false });
    expect(lacking.exitCode, lacking.stdout).toBe(2);
    const doc = JSON.parse(lacking.stdout) as { checks: Array<{ id: string; verdict: string; message: string; fix?: string }> };
    const check = doc.checks.find((c) => c.id === 'key.passphrase');
    expect(check, lacking.stdout).toMatchObject({ verdict: 'fail' });
    expect(check?.message).toContain(`does not hold it: load it with ssh-add ${key}`);
    expect(check?.fix).toContain(`ssh-add ${key}`);
    // The key's type is still read from its clear public half.
    expect(doc.checks.find((c) => c.id === 'key.type')).toMatchObject({ verdict: 'ok' });
    const plain = await execa(DEMERGE, ['--dry-check'], { env: ws.env, extendEnv: false, reject: false });
    expect(plain.stdout).toMatch(new RegExp(`FAIL .*key\\.passphrase: .*ssh-add ${key}`));

    const noAgent = workspace(env('tunnel', null));
    const unset = await execa(DEMERGE, ['--dry-check'], { env: noAgent.env, extendEnv: false, reject: false });
    expect(unset.exitCode).toBe(2);
    expect(unset.stdout).toMatch(/key\.passphrase: .*has a passphrase and SSH_AUTH_SOCK is not set/);
    for (const w of [ws, noAgent]) rmSync(w.dir, { recursive: true, force: true });
  });

  it('loaded with ssh-add (askpass, no terminal), the dry check passes', async () => {
    const added = await sshAdd([key]);
    expect(added.exitCode, added.stderr).toBe(0);
    const ws = workspace(env('tunnel'));
    const result = await execa(DEMERGE, ['--dry-check', '--json'], { env: ws.env, extendEnv: false, reject: false });
    const doc = JSON.parse(result.stdout) as { checks: Array<{ id: string; node: string | null; verdict: string; message: string }> };
    expect(
      result.exitCode,
      JSON.stringify(
        doc.checks.filter((c) => c.verdict !== 'ok'),
        null,
        1,
      ),
    ).toBe(0);
    expect(doc.checks.find((c) => c.id === 'key.passphrase')?.message).toMatch(/^a passphrase, and the ssh-agent at .* holds the key \(SHA256:/);
    // Every node logged in through the agent and compiled the trial file.
    for (const node of [1, 2, 3]) {
      expect(doc.checks.find((c) => c.id === 'node.login' && c.node === nodeAddress(node))).toMatchObject({ verdict: 'ok' });
      expect(doc.checks.find((c) => c.id === 'node.trial-compile' && c.node === nodeAddress(node))).toMatchObject({ verdict: 'ok' });
    }
    rmSync(ws.dir, { recursive: true, force: true });
  });

  it.each(['tunnel', 'ssh'] as const)(
    'transport = "%s": at least 95 percent remote by the nodes\' records, through the run\'s bridge only',
    async (transport) => {
      const ws = workspace(env(transport));
      const loginsBefore = acceptedLogins(1);
      const run = demerge(['--oneshot', 'dev-util/hello'], ws);
      const runDir = await bridgeOf(run.pid as number);
      const socket = join(runDir, 'agent', 'socket');
      // The bridge: the build user's own, nobody else's.
      expect(lstatSync(join(runDir, 'agent'))).toMatchObject({ uid: portage.uid });
      expect(lstatSync(join(runDir, 'agent')).mode & 0o777).toBe(0o700);
      expect(lstatSync(socket).mode & 0o777).toBe(0o600);
      const asPortage = await as('portage', socket, 'ssh-add', ['-L']);
      expect(asPortage.exitCode, asPortage.stderr).toBe(0);
      // root's agent holds two keys; the build user sees the build key alone.
      expect(asPortage.stdout.trim().split('\n')).toHaveLength(1);
      expect(asPortage.stdout).not.toContain('root-other-key');
      const removeAll = await as('portage', socket, 'ssh-add', ['-D']);
      expect(removeAll.exitCode).not.toBe(0);
      const asNobody = await as('nobody', socket, 'ssh-add', ['-l']);
      expect(asNobody.exitCode).not.toBe(0);
      expect(asNobody.stderr).toMatch(/Permission denied/);
      const connect = await as('nobody', socket, process.execPath, [
        '-e',
        `require('net').connect(${JSON.stringify(socket)}).on('error', (e) => { console.log(e.code); process.exit(0); }).on('connect', () => { console.log('connected'); process.exit(0); })`,
      ]);
      expect(connect.stdout.trim()).toBe('EACCES');
      expectNoPrivateKey(runDir);

      const result = await run;
      expect(result.exitCode, result.all).toBe(0);
      const counts = await compilesByNode();
      expect(sum(counts.values()) / TRANSLATION_UNITS, `node records ${JSON.stringify([...counts])}\n${result.all}`).toBeGreaterThanOrEqual(0.95);
      // The tunnel's master logs in once per node (beside demerge's own probe and sampler, which
      // sign through the agent in-process); the recipe's ssh once per job, each through the bridge.
      const logins = acceptedLogins(1) - loginsBefore;
      console.log(`transport ${transport}: ${sum(counts.values())}/${TRANSLATION_UNITS} units remote ${JSON.stringify([...counts])}, node 1 logins ${logins}`);
      if (transport === 'tunnel') expect(logins).toBeLessThanOrEqual(3);
      else expect(logins).toBeGreaterThanOrEqual(counts.get(1) ?? 1);
      expect(runDirsLeft()).toEqual([]);
      // The agent still holds both keys: the run removed nothing.
      expect((await sshAdd(['-l'])).stdout.trim().split('\n')).toHaveLength(2);
      rmSync(ws.dir, { recursive: true, force: true });
    },
  );

  it('a tunnel master killed during the build logs in again through the bridge', async () => {
    const ws = workspace(env('tunnel'));
    const host = nodeAddress(2);
    const run = demerge(['--no-dashboard', '--oneshot', 'dev-util/hello'], ws);
    let stderr = '';
    run.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const runDir = await bridgeOf(run.pid as number);
    // The connections are up once the connector routes jobs to them.
    await waitFor(() => readOrUndefined(join(runDir, 'ssh'))?.includes(`${host}) set --`), 60_000, 'the connector');
    const ofRun = (): number[] => tunnelMasters((args) => args.includes(host) && args.some((word) => word.startsWith(`ControlPath=${runDir}/`)));
    expect(ofRun()).toHaveLength(1);
    const loginsBefore = acceptedLogins(2);
    process.kill(ofRun()[0] as number, 'SIGKILL');
    await waitFor(() => stderr.includes(`node "${host}" is connected again`), 60_000, 'the connection made again');
    // A new login: the new master signed through the bridge.
    expect(acceptedLogins(2)).toBeGreaterThan(loginsBefore);
    const result = await run;
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stderr).toContain(`node "${host}" is connected again`);
    expect(runDirsLeft()).toEqual([]);
    rmSync(ws.dir, { recursive: true, force: true });
  });
});
