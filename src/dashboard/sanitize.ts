// Every string the dashboard shows comes from somewhere it does not control: file names in
// distcc state files, process arguments on build nodes, package names in emerge.log. A
// terminal obeys escape sequences wherever they appear, so a file called `\x1b]0;pwned\x07`
// would retitle the window and `\x1b[2J` would wipe it. This module is the one gate.
//
// A hand-written scanner rather than regexes: it is linear by construction, stops as soon
// as the output is full, and can follow the ECMA-48 grammar (where a sequence ends) exactly.

const ESC = 0x1b;
const BEL = 0x07;
const CSI_C1 = 0x9b;
const OSC_C1 = 0x9d;
const ST_C1 = 0x9c;
// DCS, SOS, PM, APC: string controls that run until ST, like OSC.
const STRING_C1 = new Set([0x90, 0x98, 0x9e, 0x9f]);
const ELLIPSIS = '\u2026';

// Bidi embeddings/overrides/isolates reorder what the user reads ("Trojan Source"); the
// marks are invisible. None of them has a place in a file or host name.
function isBidiControl(code: number): boolean {
  return (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069) || code === 0x200e || code === 0x200f || code === 0x061c;
}

// Whitespace controls become a space so "a\tb" stays two words; other controls vanish.
function isWhitespaceControl(code: number): boolean {
  return code === 0x09 || code === 0x0a || code === 0x0b || code === 0x0c || code === 0x0d || code === 0x2028 || code === 0x2029;
}

// Index just past a CSI sequence whose parameters start at `i`, per ECMA-48: parameter
// bytes 0x30-0x3F, intermediates 0x20-0x2F, one final byte 0x40-0x7E. A byte outside the
// grammar aborts the sequence there, as terminals do, and is then scanned as ordinary text.
function skipCsi(s: string, i: number): number {
  let j = i;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c >= 0x30 && c <= 0x3f) j++;
    else break;
  }
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c >= 0x20 && c <= 0x2f) j++;
    else break;
  }
  if (j < s.length) {
    const c = s.charCodeAt(j);
    if (c >= 0x40 && c <= 0x7e) return j + 1;
  }
  return j;
}

// Index just past a string control (OSC, DCS, ...) whose body starts at `i`: it ends at BEL,
// ST (ESC \ or C1 0x9C), or where another ESC begins. Unterminated, it swallows the rest,
// which is what a terminal would hide too.
function skipStringControl(s: string, i: number): number {
  let j = i;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === BEL || c === ST_C1) return j + 1;
    // ESC \ is ST; any other ESC aborts the string and starts a sequence of its own.
    if (c === ESC) return j + 1 < s.length && s.charCodeAt(j + 1) === 0x5c ? j + 2 : j;
    j++;
  }
  return j;
}

// Index just past an escape sequence starting with ESC at `i`.
function skipEscape(s: string, i: number): number {
  const next = i + 1;
  if (next >= s.length) return next;
  const c = s.charCodeAt(next);
  if (c === 0x5b) return skipCsi(s, next + 1); // ESC [
  if (c === 0x5d || c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f) return skipStringControl(s, next + 1); // ] P X ^ _
  // nF sequences (ESC ( B and friends): intermediates then one final byte.
  let j = next;
  while (j < s.length) {
    const d = s.charCodeAt(j);
    if (d >= 0x20 && d <= 0x2f) j++;
    else break;
  }
  if (j < s.length) {
    const d = s.charCodeAt(j);
    if (d >= 0x30 && d <= 0x7e) return j + 1;
  }
  // Lone ESC (followed by a control or non-ASCII): drop the ESC, keep scanning after it.
  return j === next ? next : j;
}

/**
 * Makes untrusted text safe to print: removes C0 and C1 controls, DEL, ANSI (CSI, OSC, DCS,
 * nF) escape sequences, bidi controls and lone surrogates; turns tabs and newlines into
 * spaces; keeps other printable Unicode. The result has at most `maxLength` UTF-16 units
 * (ending in "…" when cut) and never splits a surrogate pair.
 */
export function sanitizeTerminalText(s: string, maxLength: number): string {
  const limit = Math.max(0, Math.floor(maxLength));
  if (limit === 0) return '';
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === ESC) {
      i = skipEscape(s, i);
      continue;
    }
    if (c === CSI_C1) {
      i = skipCsi(s, i + 1);
      continue;
    }
    if (c === OSC_C1 || STRING_C1.has(c)) {
      i = skipStringControl(s, i + 1);
      continue;
    }
    let piece: string;
    let width = 1;
    if (isWhitespaceControl(c)) piece = ' ';
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || isBidiControl(c)) piece = '';
    else if (c >= 0xd800 && c <= 0xdbff) {
      const low = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (low >= 0xdc00 && low <= 0xdfff) {
        piece = s.slice(i, i + 2);
        width = 2;
      } else piece = '';
    } else if (c >= 0xdc00 && c <= 0xdfff) piece = '';
    else piece = s[i] as string;
    if (out.length + piece.length > limit) return cut(out, limit);
    out += piece;
    i += width;
  }
  return out;
}

// Room for the ellipsis is made by dropping whole code points.
function cut(out: string, limit: number): string {
  let kept = out.slice(0, limit - 1);
  const last = kept.charCodeAt(kept.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) kept = kept.slice(0, -1);
  return kept + ELLIPSIS;
}
