import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { keyInfo } from '../ssh/key-blob.js';
import { readKeyFile } from '../ssh/key-file.js';

// The build key's public half, taken from the private key itself (the file the build uses), so
// a stale or missing .pub cannot push the wrong key to the nodes. A key with a passphrase keeps
// it in the clear (OpenSSH's format); only an old PEM key needs its .pub.

export interface PublicKey {
  type: string;
  /** base64 of the wire-format blob: the field that identifies the key in authorized_keys. */
  blob: string;
  comment: string;
}

export function buildPublicKey(io: { readBinary(path: string): Buffer | undefined; readFile?(path: string): string | undefined }, keyPath: string): PublicKey {
  let data: Buffer | undefined;
  try {
    data = io.readBinary(keyPath);
  } catch (error) {
    throw new DemergeError(...msg.keyUnreadable(keyPath, (error as NodeJS.ErrnoException).code ?? String(error)));
  }
  if (data === undefined) throw new DemergeError(...msg.setupKeyFirst(keyPath));
  const pub = (): string | undefined => io.readFile?.(`${keyPath}.pub`);
  const file = readKeyFile(data, pub);
  if (file.kind === 'unusable') throw new DemergeError(...msg.keyUnusable(keyPath, file.reason));
  let type: string;
  let blob: Buffer;
  let comment: string;
  if (file.kind === 'plain') {
    type = file.key.type;
    blob = file.key.getPublicSSH();
    comment = file.key.comment;
  } else {
    const info = file.publicKey === undefined ? undefined : keyInfo(file.publicKey);
    if (file.publicKey === undefined || info === undefined) throw new DemergeError(...msg.keyEncryptedNoPublic(keyPath));
    type = info.type;
    blob = file.publicKey;
    // The comment is inside the encrypted part; the .pub has it too.
    let line: string | undefined;
    try {
      line = pub();
    } catch {
      line = undefined;
    }
    const [, base64, ...rest] = (line ?? '').trim().split(/\s+/);
    comment = base64 === blob.toString('base64') ? rest.join(' ') : '';
  }
  if (type === 'ssh-dss') throw new DemergeError(...msg.keyIsDsa(keyPath));
  // authorized_keys comments end at the line; keep them printable and short.
  return { type, blob: blob.toString('base64'), comment: comment.replace(/[^\x21-\x7e]+/g, '_').slice(0, 100) };
}
