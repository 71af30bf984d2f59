import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprint, fingerprintLine, keyInfo, rsaBits } from '../../src/ssh/key-blob.js';

// Real keys from the real ssh-keygen, compared with what ssh-keygen -lf prints for them.

const KEYS = resolve(import.meta.dirname, '../fixtures/keys');

const dir = mkdtempSync(join(tmpdir(), 'demerge-keyblob-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fingerprintLine', () => {
  it.each([
    ['ed25519', []],
    ['ecdsa', ['-b', '256']],
    ['ecdsa', ['-b', '384']],
    ['ecdsa', ['-b', '521']],
    ['rsa', ['-b', '2048']],
    ['dsa', []],
  ])('%s %j matches ssh-keygen -lf', async (type, bits) => {
    const file = join(dir, `${type}${bits.join('')}`);
    await execa('ssh-keygen', ['-q', '-t', type, ...bits, '-N', '', '-C', 'node.lan', '-f', file], { stdin: 'ignore' });
    const expected = (await execa('ssh-keygen', ['-lf', `${file}.pub`])).stdout.trim();
    const [, base64] = readFileSync(`${file}.pub`, 'utf8').split(' ');
    const blob = Buffer.from(base64 as string, 'base64');
    expect(fingerprintLine(blob, 'node.lan')).toBe(expected);
    expect(expected).toContain(fingerprint(blob));
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['truncated length', Buffer.from([0, 0, 0, 11, 0x73])],
    ['unknown type', Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('foo')])],
  ])('%s blob has no key info', (_, blob) => {
    expect(keyInfo(blob)).toBeUndefined();
    expect(fingerprintLine(blob, 'x')).toMatch(/^\? SHA256:\S+ x \(UNKNOWN\)$/);
  });
});

describe('key blobs of the fixture keys', () => {
  const blob = (file: string): Buffer => Buffer.from(readFileSync(join(KEYS, file), 'utf8').split(' ')[1] as string, 'base64');

  it.each([
    ['rsa2048.pub', 2048],
    ['rsa3072.pub', 3072],
    ['ed25519.pub', undefined],
  ])('%s has %s RSA bits', (file, bits) => {
    expect(rsaBits(blob(file))).toBe(bits);
  });

  it.each([
    // ssh-keygen -lf of the fixtures
    ['ed25519.pub', 'SHA256:zBEOAB4TJGJZm2ZtNBvVY21CIoOhvLFEhNUui4Jh3Bc'],
    ['rsa3072.pub', 'SHA256:0i+iP2YJS6T9blp2xiru/WZ8xXU2GSF1i91tI2AKKuI'],
    ['dsa.pub', 'SHA256:tNJ1KzPiAvKqg+or/oWDllPe1zbwVkJmSOPZULBeDzU'],
  ])('%s has the fingerprint ssh-keygen prints', (file, print) => {
    expect(fingerprint(blob(file))).toBe(print);
  });
});
