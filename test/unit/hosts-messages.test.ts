import { describe, expect, it } from 'vitest';
import { ConfigError, DemergeError, HostSpecError, NothingToWatchError, printable, quote } from '../../src/errors.js';
import { errorExit } from '../../src/cli/exit-status.js';

describe('quote', () => {
  it.each([
    ['plain', '"plain"'],
    ['a "b"', '"a \\"b\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['\u001b[31mred', '"\\u001b[31mred"'],
    ['line\nbreak\r', '"line\\nbreak\\r"'],
    ['del\u007f', '"del\\u007f"'],
    ['bu\u0456lder', '"bu\\u0456lder"'],
    ['rtl\u202eexe', '"rtl\\u202eexe"'],
    ['lone\ud800', '"lone\\ud800"'],
    ['emoji \u{1f600}', '"emoji \\ud83d\\ude00"'],
    ['x'.repeat(61), `"${'x'.repeat(60)}"... (61 chars)`],
  ])('%j', (value, quoted) => {
    expect(quote(value)).toBe(quoted);
    expect(quote(value)).toMatch(/^[\x20-\x7e]+$/);
  });

  it('printable escapes without quoting', () => {
    expect(printable('a\tb\u0430')).toBe('a\\tb\\u0430');
  });
});

describe('error classes', () => {
  it.each([
    [new ConfigError('/etc/demerge.conf', 3, 'slots must be a whole number', 'give 1..10000'), '/etc/demerge.conf:3: slots must be a whole number'],
    [new ConfigError('/etc/demerge.conf', undefined, 'does not exist', 'create it'), '/etc/demerge.conf: does not exist'],
    [new ConfigError('/tmp/a\nb.conf', 1, 'x', 'y'), '"/tmp/a\\nb.conf":1: x'],
    [new HostSpecError('-x', 'host "-x" starts with "-"', 'use the name'), 'host "-x" starts with "-"'],
  ])('%s', (error, message) => {
    expect(error.message).toBe(message);
    expect(error).toBeInstanceOf(DemergeError);
    expect(errorExit(error)).toEqual({ exitCode: 2 });
  });

  it('keeps the fix and the names', () => {
    const error = new ConfigError('/f', 2, 'p', 'the fix');
    expect([error.name, error.file, error.line, error.problem, error.fix]).toEqual(['ConfigError', '/f', 2, 'p', 'the fix']);
    const spec = new HostSpecError('a b', 'host "a b" contains a space', 'f');
    expect([spec.name, spec.spec]).toEqual(['HostSpecError', 'a b']);
    expect(errorExit(new NothingToWatchError('m', 'f'))).toEqual({ exitCode: 1 });
    expect(errorExit(new Error('bug'))).toEqual({ exitCode: 70 });
  });
});
