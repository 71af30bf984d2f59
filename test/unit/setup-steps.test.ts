import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DemergeError } from '../../src/errors.js';
import type { AdminRunner } from '../../src/setup/admin-ssh.js';
import type { SetupArgs } from '../../src/setup/options.js';
import type { Prompter } from '../../src/setup/prompter.js';
import { runSetup } from '../../src/setup/run-setup.js';
import type { SetupDeps } from '../../src/setup/setup-deps.js';
import type { SetupRequest, Step } from '../../src/setup/setup-state.js';
import type { FetchHostKey } from '../../src/setup/trust-hosts.js';
import { SshFailure } from '../../src/ssh/connect.js';
import { fingerprint } from '../../src/ssh/key-blob.js';
import { fakeContext } from './fake-context.js';

// setup's steps over one state, with every side effect handed in: the streams and files of the
// Context, a scripted terminal, host keys without a network, and the admin's ssh faked.

const root = mkdtempSync(join(tmpdir(), 'demerge-setup-steps-'));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));
const KEYS = resolve(import.meta.dirname, '../fixtures/keys');
const self = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };

function hostKey(seed: string): Buffer {
  // A well-formed ed25519 public key blob: string "ssh-ed25519", string of 32 bytes.
  const type = Buffer.from('ssh-ed25519');
  const out = Buffer.alloc(4 + type.length + 4 + 32, seed);
  out.writeUInt32BE(type.length, 0);
  type.copy(out, 4);
  out.writeUInt32BE(32, 4 + type.length);
  return out;
}
const HOST_KEYS: Record<string, Buffer> = { 'a.lan': hostKey('a') };

/** A front end with the fixture build key, known_hosts not yet there, and nodes a.lan and b.lan. */
function frontEnd() {
  const dir = mkdtempSync(join(root, 'fe-'));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'ssh'), { mode: 0o755 });
  const key = join(dir, 'ssh', 'id_ed25519');
  copyFileSync(join(KEYS, 'ed25519'), key);
  copyFileSync(join(KEYS, 'ed25519.pub'), `${key}.pub`);
  chmodSync(key, 0o600);
  const knownHosts = join(dir, 'kh', 'known_hosts');
  writeFileSync(join(dir, 'demerge.conf'), `key = "${key}"\nknown_hosts = "${knownHosts}"\n[[node]]\nhost = "a.lan"\n[[node]]\nhost = "b.lan"\n`);
  return { dir, key, knownHosts };
}

function context(dir: string): ReturnType<typeof fakeContext> {
  return fakeContext(dir, self, () => 0);
}

function options(step: SetupArgs['step'], more: Partial<SetupArgs> = {}): SetupArgs {
  return { step, hosts: [], force: false, print: false, admin: 'root', restrict: false, unlock: false, fingerprints: [], replace: false, ...more };
}

/** What the fakes saw, in order. */
function fakes(events: string[], answers: boolean[] = []): SetupDeps {
  const fetchHostKey: FetchHostKey = async (target) => {
    const key = HOST_KEYS[target.host];
    if (key === undefined) throw new SshFailure('refused', 'connection refused (is sshd running on the node?)');
    return key;
  };
  const runAdminScript: AdminRunner = async (target, script, ssh) => {
    events.push(`ssh ${target.user}@${target.host}:${target.port} known_hosts=${ssh.knownHosts} script=${script.startsWith('#!/bin/sh\n')}`);
    if (target.host === 'b.lan') return { exitCode: 255, stdout: '', stderr: 'root@b.lan: Permission denied (publickey).\n' };
    return { exitCode: 0, stdout: 'banner\n@@demerge changed created the account distcc\n@@demerge done\n', stderr: '' };
  };
  const prompter: Prompter = {
    interactive: true,
    confirm: async (question) => {
      events.push(`asked: ${question.slice(0, 30)}`);
      return answers.shift() ?? false;
    },
    secret: async () => undefined,
    close: () => events.push('terminal released'),
  };
  return {
    prompter,
    fetchHostKey,
    runAdminScript,
    findAccount: (name) => ({ name, uid: self.uid, gid: self.gid, home: '/', shell: '/bin/sh' }),
    which: (command) => `/usr/bin/${command}`,
    hostname: () => 'fe',
    self,
  };
}

const request = (setup: SetupArgs, more: Partial<SetupRequest> = {}): SetupRequest => ({ options: setup, version: () => '9.9.9', ...more });

describe('runSetup', () => {
  it('stops at a step that settles the command, and runs the cleanups in reverse on every exit path', async () => {
    const events: string[] = [];
    const step =
      (name: string, result?: 'stop' | 'throw'): Step =>
      (state) => {
        events.push(name);
        state.cleanups.push(() => void events.push(`cleanup ${name}`));
        if (result === 'throw') throw new Error(name);
        return result;
      };
    const ctx = context(root);
    expect(await runSetup(ctx, request(options('key')), fakes([]), [step('a'), step('b', 'stop'), step('c')])).toBe(0);
    expect(events).toEqual(['a', 'b', 'cleanup b', 'cleanup a']);
    events.length = 0;
    await expect(runSetup(ctx, request(options('key')), fakes([]), [step('a'), step('b', 'throw'), step('c')])).rejects.toThrow('b');
    expect(events).toEqual(['a', 'b', 'cleanup b', 'cleanup a']);
  });
});

describe('demerge setup key', () => {
  it('keeps a usable key and says so', async () => {
    const { dir, key } = frontEnd();
    const ctx = context(dir);
    expect(await runSetup(ctx, request(options('key')), fakes([]))).toBe(0);
    expect(ctx.out()).toBe(`${key}: already fine\n`);
  });

  it('without ssh-keygen is a configuration error, before anything changes', async () => {
    const { dir } = frontEnd();
    const deps = { ...fakes([]), which: () => undefined };
    await expect(runSetup(context(dir), request(options('key')), deps)).rejects.toThrow(DemergeError);
    await expect(runSetup(context(dir), request(options('key')), deps)).rejects.toThrow('ssh-keygen was not found in PATH');
  });
});

describe('demerge setup node', () => {
  it("--print prints each node's script and logs in nowhere", async () => {
    const { dir } = frontEnd();
    const events: string[] = [];
    const ctx = context(dir);
    expect(await runSetup(ctx, request(options('node', { print: true, hosts: [{ host: 'a.lan' }] })), fakes(events))).toBe(0);
    expect(ctx.out()).toMatch(
      /^# ---- node a\.lan: run as root there, e\.g\. ssh root@a\.lan sh -s < this-part\n#!\/bin\/sh\n# demerge 9\.9\.9 setup node a\.lan/,
    );
    expect(events).toEqual([]);
  });

  it("runs the script over the admin's ssh on every node; one failing makes the status 1", async () => {
    const { dir, knownHosts } = frontEnd();
    const events: string[] = [];
    const ctx = context(dir);
    expect(await runSetup(ctx, request(options('node')), fakes(events))).toBe(1);
    expect(events).toEqual([`ssh root@a.lan:22 known_hosts=${knownHosts} script=true`, `ssh root@b.lan:22 known_hosts=${knownHosts} script=true`]);
    expect(ctx.out()).toBe('a.lan: created the account distcc\n');
    expect(ctx.err()).toMatch(
      /^demerge: b\.lan: the admin login root@b\.lan failed: root@b\.lan: Permission denied \(publickey\)\. \(check that ssh root@b\.lan works/,
    );
  });
});

describe('demerge setup (the whole recipe)', () => {
  it('key, host keys, a question, known_hosts, the nodes, then the dry check; a failed node keeps the status at 1 at least', async () => {
    const { dir, key, knownHosts } = frontEnd();
    const events: string[] = [];
    const ctx = context(dir);
    const dryCheck = async () => {
      events.push('dry check');
      return 0;
    };
    expect(await runSetup(ctx, request(options('all'), { dryCheck }), fakes(events, [true]))).toBe(1);
    expect(events).toEqual([
      'asked: Is this the host key of a.lan?',
      'terminal released',
      `ssh root@a.lan:22 known_hosts=${knownHosts} script=true`,
      `ssh root@b.lan:22 known_hosts=${knownHosts} script=true`,
      'dry check',
    ]);
    expect(readFileSync(knownHosts, 'utf8')).toBe(`a.lan ssh-ed25519 ${(HOST_KEYS['a.lan'] as Buffer).toString('base64')}\n`);
    const out = ctx.out();
    expect(out).toContain(`${key}: already fine`);
    expect(out).toContain(`256 ${fingerprint(HOST_KEYS['a.lan'] as Buffer)} a.lan (ED25519)`);
    expect(out).toContain(`a.lan: trusted for the build: ${fingerprint(HOST_KEYS['a.lan'] as Buffer)}`);
    expect(out).toContain('a.lan: created the account distcc');
    expect(out).toContain('the admin login root@b.lan failed');
  });

  it("the dry check's own status stands when every step is fine", async () => {
    const { dir } = frontEnd();
    HOST_KEYS['b.lan'] = hostKey('b');
    try {
      const deps = {
        ...fakes([], [true, true]),
        runAdminScript: (async () => ({ exitCode: 0, stdout: '@@demerge done\n', stderr: '' })) satisfies AdminRunner,
      };
      expect(await runSetup(context(dir), request(options('all'), { dryCheck: async () => 2 }), deps)).toBe(2);
      expect(await runSetup(context(dir), request(options('all'), { dryCheck: async () => 0 }), deps)).toBe(0);
    } finally {
      delete HOST_KEYS['b.lan'];
    }
  });
});
