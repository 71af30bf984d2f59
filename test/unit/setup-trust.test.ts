import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { trust } from '../../src/cli/commands/trust/index.js';
import type { TrustCommandArgs } from '../../src/cli/setup-args.js';
import type { SetupDeps } from '../../src/setup/setup-deps.js';
import { noPrompter, type Prompter } from '../../src/setup/prompter.js';
import { trustAll, writeKnownHosts, type FetchHostKey } from '../../src/setup/trust-hosts.js';
import { SshFailure } from '../../src/ssh/connect.js';
import { fingerprint } from '../../src/ssh/key-blob.js';
import { fakeContext } from './fake-context.js';

// trust's decisions with a fake network (host keys handed in) and a scripted terminal.

const root = mkdtempSync(join(tmpdir(), 'demerge-trust-'));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function blob(seed: string): Buffer {
  // A well-formed ed25519 public key blob: string "ssh-ed25519", string of 32 bytes.
  const type = Buffer.from('ssh-ed25519');
  const key = Buffer.alloc(32, seed);
  const out = Buffer.alloc(4 + type.length + 4 + 32);
  out.writeUInt32BE(type.length, 0);
  type.copy(out, 4);
  out.writeUInt32BE(32, 4 + type.length);
  key.copy(out, 8 + type.length);
  return out;
}

const KEYS: Record<string, Buffer> = { 'a.lan': blob('a'), 'b.lan': blob('b') };
const fetch: FetchHostKey = async (target) => {
  const key = KEYS[target.host];
  if (key === undefined) throw new SshFailure('refused', 'connection refused (is sshd running on the node?)');
  return key;
};
const targets = (...hosts: string[]) => hosts.map((host) => ({ host, port: 22, name: host }));
const line = (host: string, key = KEYS[host] as Buffer) => `${host} ssh-ed25519 ${key.toString('base64')}`;

function terminal(...answers: boolean[]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  return {
    interactive: true,
    asked,
    confirm: async (question) => {
      asked.push(question);
      return answers.shift() ?? false;
    },
    secret: async () => undefined,
    close: () => undefined,
  };
}

async function run(text: string, hosts: string[], options: { pins?: string[]; replace?: boolean; prompter?: Prompter } = {}) {
  const printed: string[] = [];
  const outcome = await trustAll(
    targets(...hosts),
    text,
    { pins: options.pins ?? [], replace: options.replace ?? false, timeoutMs: 1000 },
    {
      fetch,
      prompter: options.prompter ?? noPrompter,
      print: (l) => printed.push(l),
    },
  );
  return { ...outcome, printed, errors: outcome.reports.map((r) => r.error).filter(Boolean) };
}

describe('trustAll', () => {
  const fpA = fingerprint(KEYS['a.lan'] as Buffer);
  const fpB = fingerprint(KEYS['b.lan'] as Buffer);

  it('pins: both hosts trusted, fingerprints printed as ssh-keygen does', async () => {
    const result = await run('', ['a.lan', 'b.lan'], { pins: [fpA, fpB] });
    expect(result.ok).toBe(true);
    expect(result.text).toBe(`${line('a.lan')}\n${line('b.lan')}\n`);
    expect(result.printed).toEqual([`256 ${fpA} a.lan (ED25519)`, `256 ${fpB} b.lan (ED25519)`]);
  });

  it('a wrong pin fails that host, and the outcome is not ok', async () => {
    const result = await run('', ['a.lan', 'b.lan'], { pins: [fpA] });
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual([expect.stringContaining(`the host key is ${fpB}, not the pinned ${fpA}`)]);
  });

  it('without a terminal and without a pin, nothing is trusted', async () => {
    const result = await run('', ['a.lan']);
    expect(result.ok).toBe(false);
    expect(result.errors[0]).toMatch(/no terminal to confirm.*--fingerprint=SHA256/);
  });

  it('asks at the terminal: yes trusts, no refuses', async () => {
    const yes = terminal(true);
    expect((await run('', ['a.lan'], { prompter: yes })).text).toBe(`${line('a.lan')}\n`);
    expect(yes.asked[0]).toMatch(/Is this the host key of a\.lan\?/);
    const no = await run('', ['a.lan'], { prompter: terminal(false) });
    expect(no.ok).toBe(false);
    expect(no.errors).toEqual(['not trusted (answered no)']);
  });

  it('an already trusted key asks nothing and changes nothing', async () => {
    const text = `# mine\n${line('a.lan')}\n`;
    const prompter = terminal();
    const result = await run(text, ['a.lan'], { prompter, pins: [fpA] });
    expect(result.ok).toBe(true);
    expect(result.text).toBe(text);
    expect(prompter.asked).toEqual([]);
    expect(result.reports[0]?.changes).toEqual([]);
  });

  it('a changed key is replaced only with --replace (pinned) or a yes at the terminal', async () => {
    const old = `${line('a.lan', KEYS['b.lan'])}\nz.lan ssh-rsa AAAA\n`;
    const refused = await run(old, ['a.lan'], { pins: [fpA] });
    expect(refused.ok).toBe(false);
    expect(refused.errors[0]).toMatch(/DIFFERENT key for a\.lan \(line 1\).*--replace/);
    const replaced = await run(old, ['a.lan'], { pins: [fpA], replace: true });
    expect(replaced.text).toBe(`z.lan ssh-rsa AAAA\n${line('a.lan')}\n`);
    const prompter = terminal(true);
    expect((await run(old, ['a.lan'], { prompter })).text).toBe(`z.lan ssh-rsa AAAA\n${line('a.lan')}\n`);
    expect(prompter.asked[0]).toMatch(/^WARNING: known_hosts holds a DIFFERENT key/);
  });

  it('an unreachable node is an error naming the cause', async () => {
    const result = await run('', ['a.lan', 'down.lan'], { pins: [fpA] });
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual(['cannot get the host key: connection refused (is sshd running on the node?)']);
  });
});

describe('writeKnownHosts', () => {
  const self = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const user = { name: 'portage', uid: 54321, gid: 54321 };

  it('creates the file 0644 with its directory, and makes an existing one readable for the build user', () => {
    const path = join(root, 'new', '.ssh', 'known_hosts');
    expect(writeKnownHosts(path, 'x\n', undefined, user, self)).toEqual([
      `created the directory ${join(root, 'new')} (0755)`,
      `created the directory ${join(root, 'new', '.ssh')} (0755)`,
      `created ${path}`,
    ]);
    expect(statSync(path).mode & 0o777).toBe(0o644);
    chmodSync(path, 0o600);
    expect(writeKnownHosts(path, 'x\n', 'x\n', user, self)).toEqual([`made ${path} readable by the build user portage`]);
    expect(statSync(path).mode & 0o777).toBe(0o604);
    expect(writeKnownHosts(path, 'x\n', 'x\n', user, self)).toEqual([]);
  });
});

describe('demerge trust (command)', () => {
  function trustArgs(argv: string[]): TrustCommandArgs {
    const args = parseArgs(argv);
    if (args.mode !== 'trust') throw new Error(`not a trust command line: ${argv.join(' ')}`);
    return args;
  }
  function context(dir: string): ReturnType<typeof fakeContext> {
    return fakeContext(dir, { uid: 0, gid: 0 });
  }
  const deps: SetupDeps = {
    prompter: noPrompter,
    fetchHostKey: fetch,
    runAdminScript: async () => {
      throw new Error('trust logs in to no node');
    },
    findAccount: (name) => ({ name, uid: 54321, gid: 54321, home: '/', shell: '/bin/sh' }),
    which: () => undefined,
    hostname: () => 'fe',
    self: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
  };

  it('a wrong pinned fingerprint writes nothing and exits 1; the right one writes', async () => {
    const dir = mkdtempSync(join(root, 'cmd-'));
    chmodSync(dir, 0o755);
    const knownHosts = join(dir, 'kh', 'known_hosts');
    writeFileSync(join(dir, 'demerge.conf'), `known_hosts = "${knownHosts}"\n[[node]]\nhost = "a.lan"\n`);
    const wrong = context(dir);
    expect(await trust(wrong, trustArgs(['trust', '--fingerprint', fingerprint(KEYS['b.lan'] as Buffer)]), deps)).toBe(1);
    expect(existsSync(join(dir, 'kh'))).toBe(false);
    expect(wrong.err()).toContain(`demerge: nothing written to ${knownHosts}`);
    const right = context(dir);
    expect(await trust(right, trustArgs(['trust', 'a.lan', `--fingerprint=${fingerprint(KEYS['a.lan'] as Buffer)}`]), deps)).toBe(0);
    expect(readFileSync(knownHosts, 'utf8')).toBe(`${line('a.lan')}\n`);
    expect(right.out()).toContain('a.lan: trusted for the build: SHA256:');
    const again = context(dir);
    expect(await trust(again, trustArgs(['trust', 'a.lan', `--fingerprint=${fingerprint(KEYS['a.lan'] as Buffer)}`]), deps)).toBe(0);
    expect(again.out()).toContain('a.lan: already fine');
  });
});
