import { chmodSync, chownSync, existsSync, linkSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { runProgram } from '../system/spawn.js';
import { parsePrivateKey } from '../ssh/connect.js';
import { writeFileAtomic, tempPathFor } from './atomic-file.js';
import { prepareDirFor, type BuildUser } from './build-user-dirs.js';
import { report, type StepReport } from './report.js';

// `demerge setup key`: the front end's build key as the recipe wants it, ed25519 without a
// passphrase, readable by the build user only (portage:portage 0600; root:portage 0640 is
// accepted as well). An existing key is kept (the nodes trust it); a DSA key, which OpenSSH no
// longer accepts, is replaced and kept aside as <key>.dsa-old.

export interface KeyInput {
  key: string;
  user: BuildUser;
  force: boolean;
  /** Absolute path of ssh-keygen. */
  sshKeygen: string;
  /** The public key's comment, e.g. demerge@frontend. */
  comment: string;
}

type Existing = { kind: 'missing' } | { kind: 'usable'; blob: Buffer; type: string; comment: string } | { kind: 'dsa' } | { kind: 'unusable'; reason: string };

function inspect(path: string): Existing {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw new DemergeError(...msg.keyUnreadable(path, (error as NodeJS.ErrnoException).code ?? String(error)));
  }
  const parsed = parsePrivateKey(data);
  if (parsed.ok) {
    if (parsed.key.type === 'ssh-dss') return { kind: 'dsa' };
    return { kind: 'usable', blob: parsed.key.getPublicSSH(), type: parsed.key.type, comment: parsed.key.comment };
  }
  if (data.includes('BEGIN DSA PRIVATE KEY')) return { kind: 'dsa' };
  return { kind: 'unusable', reason: parsed.reason };
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

async function generate(input: KeyInput): Promise<string> {
  const temp = tempPathFor(input.key);
  // ssh-keygen asks before overwriting: the temporary name is fresh, and stdin is closed so
  // that a question would fail instead of hanging.
  if (existsSync(temp) || existsSync(`${temp}.pub`)) throw new Error(`temporary key ${temp} exists`);
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
  for (const dir of prepareDirFor(dirname(key), user, 'the build key')) result.changes.push(msg.createdDir(dir));

  if (existing.kind === 'missing') {
    install(await generate(input), key);
    result.changes.push(msg.keyCreated(key, user.name));
    return result;
  }
  if (existing.kind === 'dsa') {
    const aside = `${key}.dsa-old`;
    if (existsSync(aside)) throw new DemergeError(...msg.dsaAsideExists(key, aside));
    const temp = await generate(input);
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
    return result;
  }
  if (input.force) {
    install(await generate(input), key);
    result.changes.push(msg.keyReplaced(key));
    result.notes.push(msg.pushNewKey());
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
  return result;
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
