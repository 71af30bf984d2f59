import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeTerminalText } from '../../src/dashboard/sanitize.js';

const runs = { seed: 42, numRuns: 2000 };
// Anything a terminal would act on, or a reader would be fooled by.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('sanitizeTerminalText', () => {
  it.each([
    ['plain text', 'plain text', 'plain text'],
    ['OSC title with BEL', '\x1b]0;pwned\x07after', 'after'],
    ['OSC title with ST', 'a\x1b]0;pwned\x1b\\b', 'ab'],
    ['OSC 8 hyperlink', '\x1b]8;;http://evil\x07link\x1b]8;;\x07', 'link'],
    ['unterminated OSC', 'x\x1b]0;title', 'x'],
    ['clear screen', '\x1b[2Jclear', 'clear'],
    ['colours', '\x1b[1;31mred\x1b[0m', 'red'],
    ['private CSI', '\x1b[?1049hscreen', 'screen'],
    ['C1 CSI', '\x9b31mred', 'red'],
    ['C1 OSC', '\x9d0;t\x9cok', 'ok'],
    ['DCS', '\x1bPq#0\x1b\\ok', 'ok'],
    ['C1 DCS', '\x90junk\x9cok', 'ok'],
    ['APC', '\x1b_apc\x07ok', 'ok'],
    ['reset', '\x1bcok', 'ok'],
    ['charset designation', '\x1b(Bok', 'ok'],
    ['lone ESC at end', 'ok\x1b', 'ok'],
    ['ESC ESC', '\x1b\x1b[2Jok', 'ok'],
    ['CSI broken by a control', '\x1b[12\x07ok', 'ok'],
    ['bidi override', 'a\u202eevil\u202cb', 'aevilb'],
    ['bidi isolates', '\u2066x\u2067y\u2068z\u2069', 'xyz'],
    ['bidi marks', 'a\u200eb\u200fc\u061cd', 'abcd'],
    ['tab and newline', 'tab\there\nnext\r', 'tab here next '],
    ['NUL, BEL, backspace', 'n\x00u\x07l\x08l', 'null'],
    ['DEL', 'de\x7fl', 'del'],
    ['NEL and other C1', 'c\x851\x8d', 'c1'],
    ['CJK and emoji kept', '日本語 🎉 é', '日本語 🎉 é'],
    ['lone high surrogate', '\ud800x', 'x'],
    ['lone low surrogate', 'x\udc00', 'x'],
  ])('%s', (_name, input, expected) => {
    expect(sanitizeTerminalText(input, 200)).toBe(expected);
  });

  it.each([
    ['abcdef', 4, 'abc…'],
    ['abcd', 4, 'abcd'],
    ['🎉🎉🎉', 4, '🎉…'],
    ['🎉🎉', 4, '🎉🎉'],
    ['abc', 0, ''],
    ['abc', 1, '…'],
    ['\x1b[2Jabc', 3, 'abc'],
  ])('caps %j at %i', (input, max, expected) => {
    expect(sanitizeTerminalText(input, max)).toBe(expected);
  });

  it('is fast on huge hostile input', () => {
    const hostile = '\x1b['.repeat(200_000) + '\x1b]'.repeat(200_000) + 'x'.repeat(1_000_000);
    const started = performance.now();
    expect(sanitizeTerminalText(hostile, 100)).toHaveLength(0);
    expect(sanitizeTerminalText('x'.repeat(5_000_000), 10)).toBe('xxxxxxxxx…');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  const hostileChar = fc.oneof(
    fc.constantFrom(
      '\x1b',
      '[',
      ']',
      '\x07',
      '\\',
      '\x9b',
      '\x9c',
      '\x9d',
      '\x90',
      ';',
      '0',
      'm',
      '\u202e',
      '\u2066',
      '\ud800',
      '\udc00',
      '\n',
      '\t',
      '\x7f',
      'P',
      '_',
    ),
    fc.string({ unit: 'binary', maxLength: 1 }),
  );
  const hostileString = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.array(hostileChar, { maxLength: 300 }).map((chars) => chars.join('')),
  );

  it('never leaves a control, escape, bidi control or lone surrogate (fuzz)', () => {
    fc.assert(
      fc.property(hostileString, fc.integer({ min: 0, max: 400 }), (input, max) => {
        const out = sanitizeTerminalText(input, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out).not.toMatch(FORBIDDEN);
        expect(out).not.toMatch(LONE_SURROGATE);
        expect(sanitizeTerminalText(out, max)).toBe(out);
      }),
      runs,
    );
  });

  it('keeps printable ASCII unchanged (fuzz)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[\x20-\x7e]{0,100}$/), (input) => {
        expect(sanitizeTerminalText(input, 100)).toBe(input);
      }),
      runs,
    );
  });
});
