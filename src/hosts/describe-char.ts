import { quote } from '../errors.js';

// Names the first character a validator refused, so "a\u001bb" and "bu\u0456lder" say
// which character is wrong instead of just "invalid".
export function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `the control character ${quote(ch)}`;
  if (code > 0x7e) return `the non-ASCII character ${quote(ch)} (possibly a look-alike of an ASCII letter)`;
  if (ch === ' ') return 'a space';
  return quote(ch);
}
