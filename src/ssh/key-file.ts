import type { ParsedKey } from 'ssh2';
import { parsePrivateKey } from './connect.js';
import { opensshKeyHeader, publicLineBlob } from './key-blob.js';

// The build key file as demerge meets it: a key without passphrase, which demerge's own logins
// sign with directly, or a key with one, which only an ssh-agent can sign with. For the latter
// the public half identifies the key in the agent: OpenSSH's format keeps it in the clear; an
// older PEM key has it only in the .pub beside it.

export type KeyFile =
  | { kind: 'plain'; key: ParsedKey }
  | {
      kind: 'encrypted';
      /** The public blob, from the key file itself or else its .pub; undefined when neither tells. */
      publicKey: Buffer | undefined;
    }
  | { kind: 'unusable'; reason: string };

export function readKeyFile(data: Buffer, readPub: () => string | undefined): KeyFile {
  const parsed = parsePrivateKey(data);
  if (parsed.ok) return { kind: 'plain', key: parsed.key };
  const header = opensshKeyHeader(data);
  if (!/encrypted/i.test(parsed.reason) && (header === undefined || header.cipher === 'none')) return { kind: 'unusable', reason: parsed.reason };
  if (header !== undefined) return { kind: 'encrypted', publicKey: header.publicKey };
  let pub: string | undefined;
  try {
    pub = readPub();
  } catch {
    pub = undefined;
  }
  return { kind: 'encrypted', publicKey: pub === undefined ? undefined : publicLineBlob(pub) };
}
