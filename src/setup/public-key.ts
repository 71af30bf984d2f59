import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { parsePrivateKey } from '../ssh/connect.js';

// The build key's public half, taken from the private key itself (the file the build uses), so
// a stale or missing .pub cannot push the wrong key to the nodes.

export interface PublicKey {
  type: string;
  /** base64 of the wire-format blob: the field that identifies the key in authorized_keys. */
  blob: string;
  comment: string;
}

export function buildPublicKey(io: { readBinary(path: string): Buffer | undefined }, keyPath: string): PublicKey {
  let data: Buffer | undefined;
  try {
    data = io.readBinary(keyPath);
  } catch (error) {
    throw new DemergeError(...msg.keyUnreadable(keyPath, (error as NodeJS.ErrnoException).code ?? String(error)));
  }
  if (data === undefined) throw new DemergeError(...msg.setupKeyFirst(keyPath));
  const parsed = parsePrivateKey(data);
  if (!parsed.ok) throw new DemergeError(...msg.keyUnusable(keyPath, parsed.reason));
  if (parsed.key.type === 'ssh-dss') throw new DemergeError(...msg.keyIsDsa(keyPath));
  // authorized_keys comments end at the line; keep them printable and short.
  const comment = parsed.key.comment.replace(/[^\x21-\x7e]+/g, '_').slice(0, 100);
  return { type: parsed.key.type, blob: parsed.key.getPublicSSH().toString('base64'), comment };
}
