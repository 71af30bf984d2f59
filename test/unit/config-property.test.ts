import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';

const seed = Number(process.env['FC_SEED'] ?? 42);
const FILE = '/etc/demerge.conf';

// Returns normally or throws a ConfigError whose line is printable; anything else fails.
function parsesOrConfigError(text: string, file = FILE): void {
  try {
    parseConfigText(text, file, 4);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    expect(error.message).toMatch(/^[\x20-\x7e]+$/);
    expect(error.fix).toMatch(/^[\x20-\x7e]+$/);
    if (error.line !== undefined) expect(error.line).toBeGreaterThanOrEqual(1);
  }
}

// Fragments that reach past the TOML parser into the checks and the line locator.
const keys = [
  'key',
  'known_hosts',
  'local_slots',
  'connect_timeout',
  'emerge',
  'load_limit',
  'build_user',
  'transport',
  'node',
  'host',
  'user',
  'port',
  'slots',
  'options',
  'command',
  'nodes',
  '__proto__',
  '"host"',
];
const values = [
  '"a"',
  '"/x"',
  '"-x"',
  '"a b"',
  '0',
  '1',
  '4',
  '22',
  '-1',
  '70000',
  '4.5',
  'inf',
  'nan',
  'true',
  '["lzo"]',
  '["cpp"]',
  '[]',
  '[1]',
  '{ host = "a" }',
  '[{ host = "b" }]',
  '1979-05-27',
  '"""/x\\\n[[node]]"""',
  '"\\u001b"',
  '"\\u0430"',
  '"2222"',
  '"ssh"',
  '"tunnel"',
];
const lineArb = fc.oneof(
  fc.tuple(fc.constantFrom(...keys), fc.constantFrom(...values)).map(([k, v]) => `${k} = ${v}`),
  fc.constantFrom('[[node]]', '[node]', '[[nodes]]', '# comment', '', '[[node]] # x', '  [[ node ]]'),
  fc.string({ unit: 'binary-ascii', maxLength: 20 }),
);
const tomlishArb = fc.array(lineArb, { maxLength: 12 }).map((lines) => lines.join('\n'));

describe('any file content gives a Config or a ConfigError', () => {
  it('arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => parsesOrConfigError(text)),
      { seed, numRuns: 2000 },
    );
  });

  it('arbitrary bytes, decoded as a file reader would', () => {
    const decoder = new TextDecoder('utf-8');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => parsesOrConfigError(decoder.decode(bytes))),
      { seed, numRuns: 1000 },
    );
  });

  it('TOML-shaped text', () => {
    fc.assert(
      fc.property(tomlishArb, (text) => parsesOrConfigError(text)),
      { seed, numRuns: 2000 },
    );
  });

  it('the same for /etc/distcc/hosts', () => {
    const hostsArb = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 120 }),
      fc
        .array(fc.constantFrom('localhost', 'distcc@a', 'b', '/4', ':22', ',lzo', ',cpp', '@', '#', ' ', '\n', '--randomize', '-x', '\u0430'), {
          maxLength: 16,
        })
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(hostsArb, (text) => {
        try {
          loadConfig({ flags: {}, env: {}, cpuCount: 2, readFile: (path) => (path === '/etc/distcc/hosts' ? text : undefined) });
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as ConfigError).message).toMatch(/^[\x20-\x7e]+$/);
        }
      }),
      { seed, numRuns: 1500 },
    );
  });
});
