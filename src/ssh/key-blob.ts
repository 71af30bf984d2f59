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
