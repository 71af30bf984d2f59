import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { runProgram } from '../system/spawn.js';
import { generateEncryptedKeyPair } from '../ssh/connect.js';
import { keyInfo } from '../ssh/key-blob.js';
import { readKeyFile } from '../ssh/key-file.js';
import { writeFileAtomic, tempPathFor } from './atomic-file.js';
import { prepareDirFor, type BuildUser } from './build-user-dirs.js';
import { report, type StepReport } from './report.js';

// `demerge setup key`: the front end's build key as the recipe wants it, ed25519 without a
// passphrase, readable by the build user only (portage:portage 0600; root:portage 0640 is
// accepted as well). An existing key is kept (the nodes trust it); a DSA key, which OpenSSH no
// longer accepts, is replaced and kept aside as <key>.dsa-old. With --passphrase the new key
// is encrypted with a passphrase asked at the terminal, for an ssh-agent to hold (keychain): it
// is encrypted in this process (ssh2, as ssh-keygen does it), so the passphrase is never on a
// command line, where ps would show it.

export interface KeyInput {
  key: string;
  user: BuildUser;
  force: boolean;
  /** Absolute path of ssh-keygen. */
  sshKeygen: string;
  /** The public key's comment, e.g. demerge@frontend. */
  comment: string;
  /** setup key --passphrase: asked for only when a key is to be made. */
  passphrase?: (() => Promise<string>) | undefined;
}

type Existing =
  | { kind: 'missing' }
  | { kind: 'usable'; blob: Buffer; type: string; comment: string; encrypted: boolean }
  | { kind: 'dsa' }
  | { kind: 'unusable'; reason: string };

function inspect(path: string): Existing {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw new DemergeError(...msg.keyUnreadable(path, (error as NodeJS.ErrnoException).code ?? String(error)));
  }
  const file = readKeyFile(data, () => readFileSync(`${path}.pub`, 'utf8'));
  if (file.kind === 'plain') {
    if (file.key.type === 'ssh-dss') return { kind: 'dsa' };
    return { kind: 'usable', blob: file.key.getPublicSSH(), type: file.key.type, comment: file.key.comment, encrypted: false };
  }
  if (file.kind === 'encrypted') {
    const type = file.publicKey === undefined ? undefined : keyInfo(file.publicKey)?.type;
    if (type === 'ssh-dss') return { kind: 'dsa' };
    if (file.publicKey === undefined || type === undefined) return { kind: 'unusable', reason: msg.keyPublicHalfUnknown() };
    // The comment is in the encrypted part; a .pub of this key keeps its own.
    return { kind: 'usable', blob: file.publicKey, type, comment: pubComment(`${path}.pub`, file.publicKey), encrypted: true };
  }
  if (data.includes('BEGIN DSA PRIVATE KEY')) return { kind: 'dsa' };
  return { kind: 'unusable', reason: file.reason };
}

/** The owners and modes with which ssh, run as the build user, accepts the key. */
function keyModeFine(path: string, user: BuildUser): boolean {
  const info = statSync(path);
  const mode = info.mode & 0o777;
  if (info.uid === user.uid) return (mode & 0o077) === 0 && (mode & 0o400) !== 0;
  return info.uid === 0 && info.gid === user.gid && (mode & 0o037) === 0 && (mode & 0o040) !== 0;
}

function showMode(path: string): string {
  const info = statSync(path);
  return `${info.uid}:${info.gid} ${(info.mode & 0o777).toString(8).padStart(4, '0')}`;
}

async function generate(input: KeyInput, passphrase: string | undefined): Promise<string> {
  const temp = tempPathFor(input.key);
  if (existsSync(temp) || existsSync(`${temp}.pub`)) throw new Error(`temporary key ${temp} exists`);
  if (passphrase !== undefined) {
    const pair = generateEncryptedKeyPair(passphrase, input.comment);
    try {
      writeNew(temp, pair.privateKey, 0o600, input.user);
      writeNew(`${temp}.pub`, `${pair.publicKey}\n`, 0o644, input.user);
    } catch (error) {
      for (const path of [temp, `${temp}.pub`]) if (existsSync(path)) unlinkSync(path);
      throw error;
    }
    return temp;
  }
  // ssh-keygen asks before overwriting: the temporary name is fresh, and stdin is closed so
  // that a question would fail instead of hanging.
  const result = await runProgram(input.sshKeygen, ['-q', '-t', 'ed25519', '-N', '', '-C', input.comment, '-f', temp], { env: process.env });
  if (result.exitCode !== 0) {
    for (const path of [temp, `${temp}.pub`]) if (existsSync(path)) unlinkSync(path);
    const said = `${result.stdout}${result.stderr}`.trim().split('\n').pop() ?? result.startError ?? '';
    throw new DemergeError(...msg.keygenFailed(input.key, said));
  }
  chownSync(temp, input.user.uid, input.user.gid);
  chmodSync(temp, 0o600);
  chownSync(`${temp}.pub`, input.user.uid, input.user.gid);
  chmodSync(`${temp}.pub`, 0o644);
  return temp;
}

/** A new file, created with its final owner and mode before anything is written to it. */
function writeNew(path: string, content: string, mode: number, owner: BuildUser): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    fchownSync(fd, owner.uid, owner.gid);
    fchmodSync(fd, mode);
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(path);
    throw error;
  }
  closeSync(fd);
}

/** Puts a generated pair in place: the private key first, then its .pub. */
function install(temp: string, key: string): void {
  renameSync(temp, key);
  renameSync(`${temp}.pub`, `${key}.pub`);
}

export async function setupBuildKey(input: KeyInput): Promise<StepReport> {
  const { key, user } = input;
  const result = report(key);
  const existing = inspect(key);
  if (existing.kind === 'unusable' && !input.force) throw new DemergeError(...msg.keyNotReplaced(key, existing.reason));
  const encrypted = input.passphrase !== undefined;
  // The nodes trust the key there: --passphrase does not replace it without --force.
  if (encrypted && !input.force && existing.kind === 'usable' && !existing.encrypted) throw new DemergeError(...msg.keyWithoutPassphraseKept(key));
  // Asked before anything is written: a mismatch or an empty answer leaves everything as it was.
  const makesKey = existing.kind === 'missing' || existing.kind === 'dsa' || input.force;
  const passphrase = makesKey && input.passphrase !== undefined ? await input.passphrase() : undefined;
  for (const dir of prepareDirFor(dirname(key), user, 'the build key')) result.changes.push(msg.createdDir(dir));

  if (existing.kind === 'missing') {
    install(await generate(input, passphrase), key);
    result.changes.push(encrypted ? msg.keyCreatedWithPassphrase(key, user.name) : msg.keyCreated(key, user.name));
    if (encrypted) result.notes.push(msg.loadKeyIntoAgent(key));
    return result;
  }
  if (existing.kind === 'dsa') {
    const aside = `${key}.dsa-old`;
    if (existsSync(aside)) throw new DemergeError(...msg.dsaAsideExists(key, aside));
    const temp = await generate(input, passphrase);
    // A hard link keeps the old key reachable while the new one is renamed over it: the key
    // path never goes missing.
    linkSync(key, aside);
    if (existsSync(`${key}.pub`)) {
      if (existsSync(`${aside}.pub`)) unlinkSync(`${aside}.pub`);
      linkSync(`${key}.pub`, `${aside}.pub`);
    }
    install(temp, key);
    result.changes.push(msg.dsaMigrated(aside));
    result.notes.push(msg.pushNewKey());
    if (encrypted) result.notes.push(msg.loadKeyIntoAgent(key));
    return result;
  }
  if (input.force) {
    install(await generate(input, passphrase), key);
    result.changes.push(encrypted ? msg.keyReplacedWithPassphrase(key) : msg.keyReplaced(key));
    result.notes.push(msg.pushNewKey());
    if (encrypted) result.notes.push(msg.loadKeyIntoAgent(key));
    return result;
  }
  if (existing.kind !== 'usable') throw new Error('unreachable');

  if (!keyModeFine(key, user)) {
    const before = showMode(key);
    chownSync(key, user.uid, user.gid);
    chmodSync(key, 0o600);
    result.changes.push(msg.keyModeFixed(key, before, user.name));
  }
  // The .pub is what `setup node` would copy by hand: keep it the private key's own half.
  const pubLine = `${existing.type} ${existing.blob.toString('base64')}${existing.comment === '' ? '' : ` ${existing.comment}`}\n`;
  if (!pubMatches(`${key}.pub`, existing.blob)) {
    writeFileAtomic(`${key}.pub`, { content: pubLine, uid: user.uid, gid: user.gid, mode: 0o644 });
    result.changes.push(msg.pubRewritten(`${key}.pub`));
  }
  if (existing.encrypted) result.notes.push(msg.loadKeyIntoAgent(key));
  return result;
}

/** The comment of a .pub that holds this key; empty otherwise. */
function pubComment(path: string, blob: Buffer): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return '';
  }
  const [, base64, ...comment] = text.trim().split(/\s+/);
  return base64 === blob.toString('base64') ? comment.join(' ') : '';
}

function pubMatches(path: string, blob: Buffer): boolean {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return false;
  }
  const [, base64] = text.trim().split(/\s+/);
  return base64 === blob.toString('base64');
}
