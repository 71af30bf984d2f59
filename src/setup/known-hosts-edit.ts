import { hostMatches, keysForHost, knownHostsName, parseKnownHosts } from '../ssh/known-hosts.js';

// What `demerge trust` does to the build's known_hosts, as pure functions of its text: find
// whether a presented key is already trusted, and add it, replacing the host's other entries
// only when the person said so. Lines of other hosts are kept byte for byte.

export type TrustState =
  | { kind: 'trusted' }
  | { kind: 'new' }
  /** The host has entries with other keys (at these 1-based lines). */
  | { kind: 'changed'; lines: number[] }
  | { kind: 'revoked' }
  /** An entry for the host that cannot be edited without touching other hosts. */
  | { kind: 'conflict'; line: number };

export function trustState(text: string, host: string, port: number, blob: Buffer): TrustState {
  const entries = parseKnownHosts(text);
  const keys = keysForHost(entries, host, port);
  if (keys.revoked.some((key) => key.equals(blob))) return { kind: 'revoked' };
  if (keys.trusted.some(({ key }) => key.equals(blob))) return { kind: 'trusted' };
  if (keys.trusted.length === 0) return { kind: 'new' };
  const name = knownHostsName(host, port);
  for (const { line } of keys.trusted) {
    const entry = entries.find((candidate) => candidate.line === line);
    if (entry?.patterns.some((pattern) => isWildcard(pattern) && hostMatches([pattern], name))) return { kind: 'conflict', line };
  }
  return { kind: 'changed', lines: [...new Set(keys.trusted.map(({ line }) => line))] };
}

/** Key types already trusted for the host: fetching the same type compares like with like. */
export function trustedKeyTypes(text: string, host: string, port: number): string[] {
  return [...new Set(keysForHost(parseKnownHosts(text), host, port).trusted.map(({ keyType }) => keyType))];
}

function isWildcard(pattern: string): boolean {
  return !pattern.startsWith('|') && /[*?]/.test(pattern);
}

export function knownHostsLine(host: string, port: number, keyType: string, blob: Buffer): string {
  return `${knownHostsName(host, port)} ${keyType} ${blob.toString('base64')}`;
}

/**
 * The text with the host's key added. With `replace`, the host's entries with other keys go:
 * a line naming only this host is dropped, a line naming others loses just this host's name.
 */
export function withTrustedKey(text: string, host: string, port: number, keyType: string, blob: Buffer, replace: boolean): string {
  const name = knownHostsName(host, port);
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const dropped = new Set<number>();
  if (replace) {
    const state = trustState(text, host, port, blob);
    const changed = new Set(state.kind === 'changed' ? state.lines : []);
    for (const entry of parseKnownHosts(text)) {
      if (!changed.has(entry.line)) continue;
      const remaining = entry.patterns.filter((pattern) => !hostMatches([pattern], name));
      const index = entry.line - 1;
      if (remaining.some((pattern) => !pattern.startsWith('!'))) {
        lines[index] = (lines[index] as string).replace(/^(\s*)\S+/, `$1${remaining.join(',')}`);
      } else {
        dropped.add(index);
      }
    }
  }
  const kept = lines.filter((_, index) => !dropped.has(index));
  kept.push(knownHostsLine(host, port, keyType, blob));
  return `${kept.join('\n')}\n`;
}
