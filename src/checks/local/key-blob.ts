import { createHash } from 'node:crypto';

// Facts from an SSH public key blob (RFC 4253 6.6: string type, then the key's fields).

function fields(blob: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at + 4 <= blob.length) {
    const length = blob.readUInt32BE(at);
    if (at + 4 + length > blob.length) break;
    out.push(blob.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return out;
}

/** The modulus size of an ssh-rsa blob (string type, mpint e, mpint n), as ssh-keygen -l shows it. */
export function rsaBits(blob: Buffer): number | undefined {
  const [type, , modulus] = fields(blob);
  if (type?.toString() !== 'ssh-rsa' || modulus === undefined) return undefined;
  let start = 0;
  while (start < modulus.length && modulus[start] === 0) start++;
  if (start === modulus.length) return 0;
  return (modulus.length - start - 1) * 8 + (32 - Math.clz32(modulus[start] as number));
}

/** `SHA256:...` as ssh and ssh-keygen -l print a key's fingerprint. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside a blob, e.g. ssh-ed25519. */
export function blobType(blob: Buffer): string | undefined {
  return fields(blob)[0]?.toString();
}
