import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { knownHostsLine, trustedKeyTypes, trustState, withTrustedKey } from '../../src/setup/known-hosts-edit.js';

const A = Buffer.from('key-a');
const B = Buffer.from('key-b');
const a64 = A.toString('base64');
const b64 = B.toString('base64');

function hashed(name: string): string {
  const salt = Buffer.from('0123456789abcdef0123');
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('trustState', () => {
  it.each([
    ['empty file', '', 'new'],
    ['other host only', `other.lan ssh-ed25519 ${b64}\n`, 'new'],
    ['same key', `node.lan ssh-ed25519 ${a64}\n`, 'trusted'],
    ['same key, hashed name', `${hashed('node.lan')} ssh-ed25519 ${a64}\n`, 'trusted'],
    ['same key among names', `x.lan,node.lan ssh-ed25519 ${a64}\n`, 'trusted'],
    ['different key', `node.lan ssh-ed25519 ${b64}\n`, 'changed'],
    ['different key, hashed', `${hashed('node.lan')} ssh-ed25519 ${b64}\n`, 'changed'],
    ['key revoked', `@revoked * ssh-ed25519 ${a64}\n`, 'revoked'],
    ['wildcard with another key', `*.lan ssh-ed25519 ${b64}\n`, 'conflict'],
    ['negated', `*.lan,!node.lan ssh-ed25519 ${b64}\n`, 'new'],
    ['port 22 name does not match port 2222', `node.lan ssh-ed25519 ${b64}\n`, 'new', 2222],
    ['bracketed port name', `[node.lan]:2222 ssh-ed25519 ${a64}\n`, 'trusted', 2222],
  ])('%s', (_, text, kind, port = 22) => {
    expect(trustState(text, 'node.lan', port, A).kind).toBe(kind);
  });

  it('lists the lines of a changed host', () => {
    const text = `# comment\nnode.lan ssh-ed25519 ${b64}\nx.lan ssh-ed25519 ${a64}\nnode.lan ssh-rsa ${b64}\n`;
    expect(trustState(text, 'node.lan', 22, A)).toEqual({ kind: 'changed', lines: [2, 4] });
    expect(trustedKeyTypes(text, 'node.lan', 22)).toEqual(['ssh-ed25519', 'ssh-rsa']);
  });
});

describe('withTrustedKey', () => {
  it.each([
    ['adds to an empty file', '', false, `node.lan ssh-ed25519 ${a64}\n`],
    [
      'appends, keeping other lines byte for byte',
      `# mine\nx.lan  ssh-rsa ${b64} c\n`,
      false,
      `# mine\nx.lan  ssh-rsa ${b64} c\nnode.lan ssh-ed25519 ${a64}\n`,
    ],
    ['adds a newline to an unterminated last line', `x.lan ssh-rsa ${b64}`, false, `x.lan ssh-rsa ${b64}\nnode.lan ssh-ed25519 ${a64}\n`],
    ['without replace, the old entry stays', `node.lan ssh-ed25519 ${b64}\n`, false, `node.lan ssh-ed25519 ${b64}\nnode.lan ssh-ed25519 ${a64}\n`],
    [
      'replace drops a line of this host only',
      `a.lan ssh-rsa ${b64}\nnode.lan ssh-ed25519 ${b64}\nz.lan ssh-rsa ${b64}\n`,
      true,
      `a.lan ssh-rsa ${b64}\nz.lan ssh-rsa ${b64}\nnode.lan ssh-ed25519 ${a64}\n`,
    ],
    [
      'replace removes only this name from a shared line',
      `x.lan,node.lan,10.0.0.1 ssh-ed25519 ${b64}\n`,
      true,
      `x.lan,10.0.0.1 ssh-ed25519 ${b64}\nnode.lan ssh-ed25519 ${a64}\n`,
    ],
    ['replace drops a hashed line', `${hashed('node.lan')} ssh-ed25519 ${b64}\n`, true, `node.lan ssh-ed25519 ${a64}\n`],
  ])('%s', (_, text, replace, expected) => {
    expect(withTrustedKey(text, 'node.lan', 22, 'ssh-ed25519', A, replace)).toBe(expected);
  });

  it('writes [host]:port for other ports', () => {
    expect(knownHostsLine('node.lan', 2222, 'ssh-ed25519', A)).toBe(`[node.lan]:2222 ssh-ed25519 ${a64}`);
  });
});
