import { createHash } from 'node:crypto';

// An SSH public key in wire format (RFC 4253 6.6: string type, then the key's fields): what a
// server presents as its host key and what the base64 field of a .pub, authorized_keys or
// known_hosts line holds. The dry check's key checks and setup's trust read it the same way.

export interface KeyInfo {
  /** The key's algorithm name, e.g. ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa. */
  type: string;
  /** Key size as ssh-keygen -l prints it. */
  bits: number;
  /** ssh-keygen's name in parentheses: ED25519, ECDSA, RSA, DSA. */
  label: string;
}

const LABELS: Record<string, string> = {
  'ssh-ed25519': 'ED25519',
  'sk-ssh-ed25519@openssh.com': 'ED25519-SK',
  'ssh-rsa': 'RSA',
  'ssh-dss': 'DSA',
  'ecdsa-sha2-nistp256': 'ECDSA',
  'ecdsa-sha2-nistp384': 'ECDSA',
  'ecdsa-sha2-nistp521': 'ECDSA',
  'sk-ecdsa-sha2-nistp256@openssh.com': 'ECDSA-SK',
};

const ECDSA_BITS: Record<string, number> = { nistp256: 256, nistp384: 384, nistp521: 521 };

/** The length-prefixed fields of a blob; undefined when it is malformed. */
function fields(blob: Buffer, count: number): Buffer[] | undefined {
  const out: Buffer[] = [];
  let at = 0;
  while (out.length < count) {
    if (at + 4 > blob.length) return undefined;
    const length = blob.readUInt32BE(at);
    if (at + 4 + length > blob.length) return undefined;
    out.push(blob.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return out;
}

/** Bits of an mpint: its length without leading zero bytes and bits. */
function mpintBits(value: Buffer): number {
  let i = 0;
  while (i < value.length && value[i] === 0) i++;
  if (i === value.length) return 0;
  return (value.length - i - 1) * 8 + (32 - Math.clz32(value[i] as number));
}

/** The modulus size of an ssh-rsa blob (string type, mpint e, mpint n), as ssh-keygen -l shows it. */
export function rsaBits(blob: Buffer): number | undefined {
  const [type, , modulus] = fields(blob, 3) ?? [];
  if (type?.toString('latin1') !== 'ssh-rsa' || modulus === undefined) return undefined;
  return mpintBits(modulus);
}

export function keyInfo(blob: Buffer): KeyInfo | undefined {
  const [typeField] = fields(blob, 1) ?? [];
  if (typeField === undefined) return undefined;
  const type = typeField.toString('latin1');
  const label = LABELS[type];
  if (label === undefined) return undefined;
  let bits: number | undefined;
  if (type.includes('ed25519')) bits = 256;
  else if (type === 'ssh-rsa') bits = rsaBits(blob);
  else if (type === 'ssh-dss') bits = mpintBits(fields(blob, 2)?.[1] ?? Buffer.alloc(0));
  else bits = ECDSA_BITS[fields(blob, 2)?.[1]?.toString('latin1') ?? ''];
  if (bits === undefined || bits === 0) return undefined;
  return { type, bits, label };
}

/** OpenSSH's SHA256 fingerprint, `SHA256:...` as ssh and ssh-keygen -l print it: unpadded base64 of the blob's SHA-256. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** One line as `ssh-keygen -lf` prints it: `256 SHA256:... comment (ED25519)`. */
export function fingerprintLine(blob: Buffer, comment: string): string {
  const info = keyInfo(blob);
  return `${info?.bits ?? '?'} ${fingerprint(blob)} ${comment} (${info?.label ?? 'UNKNOWN'})`;
}

const OPENSSH_ARMOR = /-----BEGIN OPENSSH PRIVATE KEY-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END OPENSSH PRIVATE KEY-----/;
const OPENSSH_MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');

/** What an OpenSSH private key file (PROTOCOL.key) tells without its passphrase. */
export interface OpensshKeyHeader {
  /** "none" for a key without passphrase. */
  cipher: string;
  /** The first key's public blob, which the format stores in the clear. */
  publicKey: Buffer;
}

/** The clear part of an OpenSSH-format private key; undefined for another format or a malformed file. */
export function opensshKeyHeader(data: Buffer): OpensshKeyHeader | undefined {
  const armor = OPENSSH_ARMOR.exec(data.toString('latin1'));
  if (armor === null) return undefined;
  const raw = Buffer.from((armor[1] ?? '').replace(/\s+/g, ''), 'base64');
  if (raw.length < OPENSSH_MAGIC.length || !raw.subarray(0, OPENSSH_MAGIC.length).equals(OPENSSH_MAGIC)) return undefined;
  const body = raw.subarray(OPENSSH_MAGIC.length);
  // string ciphername, string kdfname, string kdfoptions, uint32 N, string publickey1...
  const head = fields(body, 3);
  if (head === undefined) return undefined;
  const [cipher, kdf, options] = head as [Buffer, Buffer, Buffer];
  const at = 12 + cipher.length + kdf.length + options.length;
  if (at + 4 > body.length || body.readUInt32BE(at) < 1) return undefined;
  const [publicKey] = fields(body.subarray(at + 4), 1) ?? [];
  if (publicKey === undefined || keyInfo(publicKey) === undefined) return undefined;
  return { cipher: cipher.toString('latin1'), publicKey: Buffer.from(publicKey) };
}

/** The blob of a public key line (`type base64 [comment]`, a .pub file); undefined unless it is one. */
export function publicLineBlob(text: string): Buffer | undefined {
  const [type, base64] = text.trim().split(/\s+/);
  if (type === undefined || base64 === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
  const blob = Buffer.from(base64, 'base64');
  const [typeField] = fields(blob, 1) ?? [];
  if (typeField?.toString('latin1') !== type || keyInfo(blob) === undefined) return undefined;
  return blob;
}
