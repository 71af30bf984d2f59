import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostKeyAlgorithms, keysForHost, parseKnownHosts } from '../../src/ssh/known-hosts.js';

const KEY_A = Buffer.from('key-a').toString('base64');
const KEY_B = Buffer.from('key-b').toString('base64');

function hashed(name: string): string {
  const salt = randomBytes(20);
  const hash = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}

describe('known_hosts', () => {
  it.each([
    { file: `node1 ssh-ed25519 ${KEY_A}`, host: 'node1', port: 22, keys: 1 },
    { file: `node1 ssh-ed25519 ${KEY_A}`, host: 'node1', port: 2222, keys: 0 },
    { file: `[node1]:2222 ssh-ed25519 ${KEY_A}`, host: 'node1', port: 2222, keys: 1 },
    { file: `[node1]:2222 ssh-ed25519 ${KEY_A}`, host: 'node1', port: 22, keys: 0 },
    { file: `other,node1 ssh-ed25519 ${KEY_A} comment here`, host: 'node1', port: 22, keys: 1 },
    { file: `NODE1 ssh-ed25519 ${KEY_A}`, host: 'node1', port: 22, keys: 1 },
    { file: `node* ssh-ed25519 ${KEY_A}`, host: 'node7', port: 22, keys: 1 },
    { file: `node?,!node3 ssh-ed25519 ${KEY_A}`, host: 'node3', port: 22, keys: 0 },
    { file: `${hashed('node1')} ssh-ed25519 ${KEY_A}`, host: 'node1', port: 22, keys: 1 },
    { file: `${hashed('[node1]:2200')} ssh-ed25519 ${KEY_A}`, host: 'node1', port: 2200, keys: 1 },
    { file: `${hashed('node2')} ssh-ed25519 ${KEY_A}`, host: 'node1', port: 22, keys: 0 },
    { file: `# node1 ssh-ed25519 ${KEY_A}\n\n`, host: 'node1', port: 22, keys: 0 },
    { file: `@cert-authority node1 ssh-ed25519 ${KEY_A}`, host: 'node1', port: 22, keys: 0 },
    { file: `node1 ssh-ed25519 not*base64`, host: 'node1', port: 22, keys: 0 },
    { file: `node1 ssh-ed25519 ${KEY_A}\nnode1 ssh-rsa ${KEY_B}`, host: 'node1', port: 22, keys: 2 },
  ])('$file for $host:$port has $keys keys', ({ file, host, port, keys }) => {
    expect(keysForHost(parseKnownHosts(file), host, port).trusted).toHaveLength(keys);
  });

  it('collects revoked keys for every host', () => {
    const entries = parseKnownHosts(`@revoked * ssh-ed25519 ${KEY_B}\nnode1 ssh-ed25519 ${KEY_A}`);
    const keys = keysForHost(entries, 'node1', 22);
    expect(keys.revoked).toEqual([Buffer.from('key-b')]);
    expect(keys.trusted.map((k) => k.key)).toEqual([Buffer.from('key-a')]);
  });

  it('offers the rsa-sha2 algorithms for an ssh-rsa entry', () => {
    const keys = keysForHost(parseKnownHosts(`n ssh-rsa ${KEY_A}\nn ssh-ed25519 ${KEY_B}`), 'n', 22);
    expect(hostKeyAlgorithms(keys)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
  });

  it('never throws on arbitrary or binary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), fc.string({ maxLength: 50 }), fc.integer({ min: 1, max: 65535 }), (text, host, port) => {
        keysForHost(parseKnownHosts(text), host, port);
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('reads a large file quickly and completely', () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => `host${i} ssh-ed25519 ${KEY_A}`).join('\n');
    expect(keysForHost(parseKnownHosts(lines), 'host49999', 22).trusted).toHaveLength(1);
  });
});
