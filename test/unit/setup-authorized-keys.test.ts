import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { AUTHORIZED_KEYS_AWK, authorizedKeyLine, authorizedKeyOptions, authorizedKeyPrefix } from '../../src/setup/authorized-keys.js';
import type { PublicKey } from '../../src/setup/public-key.js';

// The awk program that edits a node's authorized_keys, run by the real awk over fixture files.

const dir = mkdtempSync(join(tmpdir(), 'demerge-ak-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEY: PublicKey = { type: 'ssh-ed25519', blob: 'AAAAC3NzaC1lZDI1NTE5AAAAIBUILDKEY', comment: 'demerge@fe' };
const OTHER = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOTHERKEY alice@laptop';
const RESTRICTED = authorizedKeyOptions({ restrict: true, from: '10.0.0.0/8' });

async function edit(text: string | undefined, options: string | undefined): Promise<{ text: string; counts: string }> {
  const file = join(dir, 'authorized_keys');
  writeFileSync(file, text ?? '');
  const result = await execa('awk', [AUTHORIZED_KEYS_AWK, text === undefined ? '/dev/null' : file], {
    env: {
      KEY_BLOB: KEY.blob,
      KEY_LINE: authorizedKeyLine(KEY, options),
      KEY_PREFIX: authorizedKeyPrefix(KEY, options),
      SET_OPTIONS: options === undefined ? '0' : '1',
    },
    stripFinalNewline: false,
  });
  return { text: result.stdout, counts: result.stderr.trim() };
}

describe('authorized_keys edit', () => {
  const plain = `ssh-ed25519 ${KEY.blob} demerge@fe`;
  const restricted = `${RESTRICTED} ssh-ed25519 ${KEY.blob} demerge@fe`;
  it.each([
    ['missing file: adds the key', undefined, undefined, `${plain}\n`, '0 0 0'],
    ['empty file: adds the key', '', undefined, `${plain}\n`, '0 0 0'],
    ['other keys stay, the key goes last', `${OTHER}\n# note\n`, undefined, `${OTHER}\n# note\n${plain}\n`, '0 0 0'],
    ['present: unchanged', `${OTHER}\n${plain}\n`, undefined, `${OTHER}\n${plain}\n`, '1 0 0'],
    ['present with another comment: unchanged', `ssh-ed25519 ${KEY.blob} old-comment\n`, undefined, `ssh-ed25519 ${KEY.blob} old-comment\n`, '1 0 0'],
    [
      'present with options, none asked: options kept',
      `from="1.2.3.4" ssh-ed25519 ${KEY.blob} x\n`,
      undefined,
      `from="1.2.3.4" ssh-ed25519 ${KEY.blob} x\n`,
      '1 0 0',
    ],
    ['duplicates dropped, first kept in place', `${plain}\n${OTHER}\n${plain} copy\n`, undefined, `${plain}\n${OTHER}\n`, '1 0 1'],
    ['restriction added in place', `${OTHER}\n${plain}\n${OTHER}2\n`, RESTRICTED, `${OTHER}\n${restricted}\n${OTHER}2\n`, '1 1 0'],
    [
      'restricted already: unchanged, comment kept',
      `${RESTRICTED} ssh-ed25519 ${KEY.blob} mine\n`,
      RESTRICTED,
      `${RESTRICTED} ssh-ed25519 ${KEY.blob} mine\n`,
      '1 0 0',
    ],
    ['other options replaced by the asked ones', `no-pty ssh-ed25519 ${KEY.blob}\n`, RESTRICTED, `${restricted}\n`, '1 1 0'],
    ['a commented-out copy is not the key', `# ssh-ed25519 ${KEY.blob}\n`, undefined, `# ssh-ed25519 ${KEY.blob}\n${plain}\n`, '0 0 0'],
    [
      'a key whose blob merely contains ours is another key',
      `ssh-ed25519 ${KEY.blob}XYZ other\n`,
      undefined,
      `ssh-ed25519 ${KEY.blob}XYZ other\n${plain}\n`,
      '0 0 0',
    ],
    ['no final newline gets one', `${OTHER}`, undefined, `${OTHER}\n${plain}\n`, '0 0 0'],
  ])('%s', async (_, text, options, expected, counts) => {
    const result = await edit(text, options);
    expect(result.text).toBe(expected);
    expect(result.counts).toBe(counts);
  });

  it.each([
    [{ restrict: false }, undefined],
    [{ restrict: true }, 'restrict,command="/etc/distcc/demerge-command"'],
    [{ restrict: false, from: '192.168.1.0/24' }, 'from="192.168.1.0/24"'],
    [{ restrict: true, from: '192.168.1.0/24,10.1.1.1' }, 'restrict,from="192.168.1.0/24,10.1.1.1",command="/etc/distcc/demerge-command"'],
    [{ restrict: false, entrancePort: 3633 }, undefined],
    [
      { restrict: true, entrancePort: 3633, from: '10.0.0.0/8' },
      'restrict,port-forwarding,permitopen="127.0.0.1:3633",permitlisten="none.invalid:1",from="10.0.0.0/8",command="/etc/distcc/demerge-command"',
    ],
  ])('options for %j', (restrictions, options) => {
    expect(authorizedKeyOptions(restrictions)).toBe(options);
  });
});
