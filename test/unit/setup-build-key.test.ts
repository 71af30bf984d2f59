import { chmodSync, chownSync, existsSync, readdirSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { PassThrough } from 'node:stream';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DemergeError } from '../../src/errors.js';
import { setupBuildKey, type KeyInput } from '../../src/setup/build-key.js';
import { askPassphrase } from '../../src/setup/key-step.js';
import { noPrompter, terminalPrompter, type Prompter } from '../../src/setup/prompter.js';
import { buildPublicKey } from '../../src/setup/public-key.js';
import { which } from '../../src/system/which.js';

// `setup key` against real files and the real ssh-keygen. The build user is the user running
// the tests, so no root is needed; the ownership rules are the same.

const root = mkdtempSync(join(tmpdir(), 'demerge-key-'));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const me = { name: 'me', uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
const sshKeygen = which('ssh-keygen', process.env.PATH) as string;
let dir: string;
let key: string;
const io = { readBinary: (path: string) => (existsSync(path) ? readFileSync(path) : undefined) };

function input(extra: Partial<KeyInput> = {}): KeyInput {
  return { key, user: me, force: false, sshKeygen, comment: 'demerge@test', ...extra };
}

function mode(path: string): number {
  return statSync(path).mode & 0o7777;
}

let n = 0;
beforeEach(() => {
  dir = join(root, `case${++n}`, 'keys');
  key = join(dir, 'id_ed25519');
});

describe('setupBuildKey', () => {
  it('creates the directory and an ed25519 key, then finds it already fine', async () => {
    const first = await setupBuildKey(input());
    expect(first.changes).toEqual([
      expect.stringContaining(`created the directory ${join(root, `case${n}`)}`),
      expect.stringContaining(`created the directory ${dir}`),
      expect.stringContaining('created an ed25519 key'),
    ]);
    expect(mode(dir)).toBe(0o755);
    expect(mode(key)).toBe(0o600);
    expect(mode(`${key}.pub`)).toBe(0o644);
    expect(readFileSync(`${key}.pub`, 'utf8')).toMatch(/^ssh-ed25519 \S+ demerge@test\n$/);
    expect(buildPublicKey(io, key).type).toBe('ssh-ed25519');
    const before = readFileSync(key);
    const second = await setupBuildKey(input());
    expect(second.changes).toEqual([]);
    expect(readFileSync(key).equals(before)).toBe(true);
    expect(readdirNames(dir)).toEqual(['id_ed25519', 'id_ed25519.pub']); // no temporary left
  });

  it('fixes a key that others can read, and rewrites a missing .pub from the private key', async () => {
    await setupBuildKey(input());
    const pub = readFileSync(`${key}.pub`, 'utf8');
    chmodSync(key, 0o644);
    unlinkSync(`${key}.pub`);
    const result = await setupBuildKey(input());
    expect(result.changes).toEqual([expect.stringMatching(/set owner and mode .* 0600 \(was \d+:\d+ 0644\)/), `rewrote ${key}.pub from the private key`]);
    expect(mode(key)).toBe(0o600);
    expect(readFileSync(`${key}.pub`, 'utf8')).toBe(pub);
  });

  it.skipIf(me.uid !== 0)("accepts root:portage 0640, the recipe's other way", async () => {
    const portage = { name: 'portage', uid: 12345, gid: 12345 };
    await setupBuildKey(input({ user: portage }));
    chownSync(key, 0, portage.gid);
    chmodSync(key, 0o640);
    expect((await setupBuildKey(input({ user: portage }))).changes).toEqual([]);
    chmodSync(key, 0o644);
    expect((await setupBuildKey(input({ user: portage }))).changes[0]).toMatch(/portage:portage 0600 \(was 0:12345 0644\)/);
    expect(statSync(key).uid).toBe(portage.uid);
  });

  it('migrates a DSA key: new ed25519 key, the old one kept aside, nodes to be updated', async () => {
    mkdirSync(dir, { recursive: true });
    await execa(sshKeygen, ['-q', '-t', 'dsa', '-N', '', '-f', key], { stdin: 'ignore' });
    const old = readFileSync(key);
    const oldPub = readFileSync(`${key}.pub`);
    const result = await setupBuildKey(input());
    expect(result.changes).toEqual([`replaced the DSA key with a new ed25519 key; the DSA key is kept as ${key}.dsa-old`]);
    expect(result.notes.join(' ')).toMatch(/run demerge setup node/);
    expect(readFileSync(`${key}.dsa-old`).equals(old)).toBe(true);
    expect(readFileSync(`${key}.dsa-old.pub`).equals(oldPub)).toBe(true);
    expect(buildPublicKey(io, key).type).toBe('ssh-ed25519');
    expect((await setupBuildKey(input())).changes).toEqual([]);
  });

  it('refuses to overwrite an unusable key unless --force', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(key, 'not a key\n', { mode: 0o600 });
    await expect(setupBuildKey(input())).rejects.toThrow(DemergeError);
    expect(readFileSync(key, 'utf8')).toBe('not a key\n');
    const result = await setupBuildKey(input({ force: true }));
    expect(result.changes[0]).toMatch(/replaced the key/);
    expect(buildPublicKey(io, key).type).toBe('ssh-ed25519');
  });

  it('replaces a good key only with --force', async () => {
    await setupBuildKey(input());
    const before = buildPublicKey(io, key).blob;
    expect(buildPublicKey(io, key).blob).toBe(before);
    await setupBuildKey(input({ force: true }));
    expect(buildPublicKey(io, key).blob).not.toBe(before);
  });

  it('stops, changing nothing, when the build user cannot reach the key', async () => {
    const locked = join(root, `case${n}`);
    mkdirSync(locked, { mode: 0o700 });
    chmodSync(locked, 0o700);
    const stranger = { name: 'stranger', uid: 54321, gid: 54321 };
    await expect(setupBuildKey(input({ user: stranger }))).rejects.toThrow(/the build user stranger cannot enter/);
    expect(existsSync(dir)).toBe(false);
  });
});

function readdirNames(path: string): string[] {
  return readdirSync(path).sort();
}

describe('setupBuildKey --passphrase', () => {
  const PASS = 'correct horse battery staple';
  /** The passphrase callback, counting its calls: it must be asked only when a key is made. */
  function asking(answer: () => Promise<string> = async () => PASS) {
    const calls = { n: 0 };
    return { calls, passphrase: () => (calls.n++, answer()) };
  }

  it('writes an encrypted OpenSSH key that ssh-keygen opens with the passphrase only', async () => {
    const ask = asking();
    const result = await setupBuildKey(input({ passphrase: ask.passphrase }));
    expect(ask.calls.n).toBe(1);
    expect(result.changes.at(-1)).toMatch(/created an ed25519 key with a passphrase/);
    expect(result.notes.join(' ')).toContain(`ssh-add ${key}`);
    expect(result.notes.join(' ')).toContain(`keychain --eval --agents ssh ${key}`);
    expect(mode(key)).toBe(0o600);
    expect(mode(`${key}.pub`)).toBe(0o644);
    expect(readFileSync(key, 'utf8')).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    expect(readdirNames(dir)).toEqual(['id_ed25519', 'id_ed25519.pub']);
    // ssh-keygen derives the public key only with the right passphrase (a test's throwaway passphrase on argv).
    const opened = await execa(sshKeygen, ['-y', '-P', PASS, '-f', key], { stdin: 'ignore', reject: false });
    expect(opened.exitCode, opened.stderr).toBe(0);
    expect(opened.stdout.split(' ').slice(0, 2)).toEqual(readFileSync(`${key}.pub`, 'utf8').split(' ').slice(0, 2));
    for (const wrong of ['', 'wrong']) {
      expect((await execa(sshKeygen, ['-y', '-P', wrong, '-f', key], { stdin: 'ignore', reject: false })).exitCode).not.toBe(0);
    }
    // The key's own public half, as the checks and setup node read it without the passphrase.
    expect(buildPublicKey({ ...io, readFile: (p) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined) }, key)).toEqual({
      type: 'ssh-ed25519',
      blob: readFileSync(`${key}.pub`, 'utf8').split(' ')[1],
      comment: 'demerge@test',
    });
    // Run again: already fine, nothing asked.
    const again = await setupBuildKey(input({ passphrase: ask.passphrase }));
    expect(again.changes).toEqual([]);
    expect(ask.calls.n).toBe(1);
    // And without --passphrase too: a key with a passphrase is a good key.
    expect((await setupBuildKey(input())).changes).toEqual([]);
  });

  it('replaces a key with --force --passphrase, and refuses to replace one without --force', async () => {
    await setupBuildKey(input());
    const before = readFileSync(key);
    const ask = asking();
    const refusal = await setupBuildKey(input({ passphrase: ask.passphrase })).catch((error: DemergeError) => error);
    expect(refusal).toBeInstanceOf(DemergeError);
    expect((refusal as DemergeError).message).toMatch(/exists without a passphrase, and the nodes trust it/);
    expect((refusal as DemergeError).fix).toContain(`ssh-keygen -p -f ${key}`);
    expect(ask.calls.n).toBe(0);
    expect(readFileSync(key).equals(before)).toBe(true);
    const replaced = await setupBuildKey(input({ force: true, passphrase: ask.passphrase }));
    expect(replaced.changes[0]).toMatch(/replaced the key with a new ed25519 key with a passphrase/);
    expect(replaced.notes.join(' ')).toMatch(/run demerge setup node/);
    expect((await execa(sshKeygen, ['-y', '-P', PASS, '-f', key], { stdin: 'ignore', reject: false })).exitCode).toBe(0);
  });

  it('writes nothing, not even the directory, when the passphrase is refused', async () => {
    const refused = asking(() => Promise.reject(new DemergeError('the two passphrases differ: nothing was written', 'again')));
    await expect(setupBuildKey(input({ passphrase: refused.passphrase }))).rejects.toThrow(/differ/);
    expect(existsSync(join(root, `case${n}`))).toBe(false);
  });
});

describe('askPassphrase', () => {
  function typing(...answers: Array<string | undefined>): Prompter & { asked: string[] } {
    const asked: string[] = [];
    return { interactive: true, asked, confirm: async () => false, secret: async (q) => (asked.push(q), answers.shift()), close: () => undefined };
  }

  it('asks twice and takes an answer given twice', async () => {
    const prompter = typing('s3cret', 's3cret');
    expect(await askPassphrase(prompter, '/k')).toBe('s3cret');
    expect(prompter.asked).toEqual(['Passphrase for the new build key /k: ', 'The same passphrase again: ']);
  });

  it.each([
    ['two different answers', typing('a', 'b'), /the two passphrases differ: nothing was written/],
    ['an empty answer', typing('', ''), /the passphrase is empty/],
    ['Ctrl-D at the first question', typing(undefined), /no passphrase given/],
    ['Ctrl-D at the second', typing('a', undefined), /no passphrase given/],
    ['no terminal', noPrompter, /asks for the passphrase at a terminal/],
  ])('refuses %s', async (_what, prompter, error) => {
    await expect(askPassphrase(prompter, '/k')).rejects.toThrow(error);
  });
});

describe("the terminal prompter's secret", () => {
  function tty() {
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined }) as unknown as NodeJS.ReadStream;
    const output = Object.assign(new PassThrough(), { isTTY: true, columns: 80 }) as unknown as NodeJS.WriteStream;
    let shown = '';
    (output as unknown as PassThrough).on('data', (chunk) => (shown += String(chunk)));
    return { input, output, shown: () => shown };
  }

  it('reads a line without echoing it', async () => {
    const term = tty();
    const prompter = terminalPrompter(term.input, term.output);
    const answer = prompter.secret('Passphrase: ');
    (term.input as unknown as PassThrough).write('top secret\r');
    expect(await answer).toBe('top secret');
    expect(term.shown()).toBe('Passphrase: \n');
    prompter.close();
  });

  it('gives up on Ctrl-C and on Ctrl-D', async () => {
    for (const key of ['\x03', '\x04']) {
      const term = tty();
      const prompter = terminalPrompter(term.input, term.output);
      const answer = prompter.secret('Passphrase: ');
      (term.input as unknown as PassThrough).write(key);
      expect(await answer).toBeUndefined();
    }
  });
});
