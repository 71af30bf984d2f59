import { createHmac, timingSafeEqual } from 'node:crypto';

// A reader for OpenSSH's known_hosts (sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT"). demerge only ever
// reads this file: trusting a key is a person's decision (`demerge trust`), never a side effect.

export type Marker = 'cert-authority' | 'revoked' | undefined;

export interface KnownHostLine {
  line: number;
  marker: Marker;
  patterns: string[];
  keyType: string;
  key: Buffer;
}

export interface HostKeys {
  /** Keys that authenticate this host. */
  trusted: Array<{ keyType: string; key: Buffer; line: number }>;
  /** Keys marked @revoked for this host: a match is refused even if also trusted. */
  revoked: Buffer[];
}

export function parseKnownHosts(text: string): KnownHostLine[] {
  const entries: KnownHostLine[] = [];
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const words = line.split(/[ \t]+/);
    let marker: Marker;
    if (words[0]?.startsWith('@')) {
      const name = words.shift();
      if (name === '@revoked') marker = 'revoked';
      else if (name === '@cert-authority') marker = 'cert-authority';
      else continue; // unknown markers are ignored by ssh as well
    }
    const [hosts, keyType, keyText] = words;
    if (hosts === undefined || keyType === undefined || keyText === undefined) continue;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyText)) continue;
    entries.push({
      line: index + 1,
      marker,
      patterns: hosts.split(','),
      keyType,
      key: Buffer.from(keyText, 'base64'),
    });
  }
  return entries;
}

/** The name ssh looks up: `host` on port 22, `[host]:port` elsewhere. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function keysForHost(entries: KnownHostLine[], host: string, port: number): HostKeys {
  const name = knownHostsName(host, port);
  const result: HostKeys = { trusted: [], revoked: [] };
  for (const entry of entries) {
    // A revoked key is revoked for every host; other entries must name this host.
    if (entry.marker === 'revoked') {
      result.revoked.push(entry.key);
      continue;
    }
    if (entry.marker === 'cert-authority') continue; // demerge's ssh2 client does not do host certificates
    if (hostMatches(entry.patterns, name)) {
      result.trusted.push({ keyType: entry.keyType, key: entry.key, line: entry.line });
    }
  }
  return result;
}

export function hostMatches(patterns: string[], name: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    if (pattern.startsWith('|1|')) {
      if (hashedMatches(pattern, name)) matched = true;
      continue;
    }
    const negated = pattern.startsWith('!');
    const glob = negated ? pattern.slice(1) : pattern;
    if (globMatches(glob.toLowerCase(), name.toLowerCase())) {
      if (negated) return false; // a negated match wins over everything on the line
      matched = true;
    }
  }
  return matched;
}

// Hashed entries (HashKnownHosts yes) are |1|base64(salt)|base64(HMAC-SHA1(salt, name)).
function hashedMatches(pattern: string, name: string): boolean {
  const [, , salt, hash] = pattern.split('|');
  if (salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function globMatches(glob: string, name: string): boolean {
  // ssh's match_pattern: `*` any run, `?` one character; everything else literal.
  let g = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < name.length) {
    if (g < glob.length && (glob[g] === '?' || glob[g] === name[n])) {
      g++;
      n++;
    } else if (g < glob.length && glob[g] === '*') {
      star = g++;
      mark = n;
    } else if (star !== -1) {
      g = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (glob[g] === '*') g++;
  return g === glob.length;
}

/** The host key algorithms to offer so that the server presents a key we can check. */
export function hostKeyAlgorithms(keys: HostKeys): string[] {
  const algorithms = new Set<string>();
  for (const { keyType } of keys.trusted) {
    if (keyType === 'ssh-rsa') ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'].forEach((a) => algorithms.add(a));
    else algorithms.add(keyType);
  }
  return [...algorithms];
}
