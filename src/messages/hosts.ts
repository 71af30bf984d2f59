// distcc's host grammar (DISTCC_HOSTS, /etc/distcc/hosts, and the host, user, command and options
// of demerge.conf's nodes): what a validator found wrong in a host spec, and the fix.

import { quote } from '../errors.js';
import type { Problem } from './common.js';

/**
 * What a validator found (src/hosts/problem.ts has the same shape): `reason` completes a
 * sentence that starts with the culprit (`host "x" <reason>`), so that each caller can name the
 * culprit in its own context.
 */
type Finding = { reason: string; fix: string };

/** `<what> "<value>" <reason>`: a finding said about its culprit. */
export const culprit = (what: string, value: string, reason: string): string => `${what} ${quote(value)} ${reason}`;

/** Names the first character a validator refused, so "a\u001bb" and "bu\u0456lder" say which one is wrong. */
const describeChar = (ch: string): string => {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `the control character ${quote(ch)}`;
  if (code > 0x7e) return `the non-ASCII character ${quote(ch)} (possibly a look-alike of an ASCII letter)`;
  if (ch === ' ') return 'a space';
  return quote(ch);
};

const contains = (ch: string): string => `contains ${describeChar(ch)}`;

// Host, user and command names (src/hosts/names.ts).

export const nameLikeOption = (): Finding => ({
  reason: 'starts with "-", which ssh would read as an option',
  fix: 'use the real name; names never start with "-"',
});

export const hostEmpty = (): Finding => ({ reason: 'is empty', fix: "give the node's host name or IPv4 address" });

export const hostTooLong = (length: number, max: number): Finding => ({
  reason: `is ${length} characters long, more than the ${max} a DNS name may have`,
  fix: "use the node's real name, or a short alias from /etc/hosts or ssh config",
});

// A hint per separator that users put into a host name by mistake.
const HOST_CHAR_FIX: Record<string, string> = {
  ':': "a port goes in demerge.conf's port (or ssh config), not in the host; IPv6 literals are not supported, use a host name",
  '[': 'IPv6 literals are not supported (distcc 3.4 cannot put them in an ssh host spec); use a host name',
  ']': 'IPv6 literals are not supported (distcc 3.4 cannot put them in an ssh host spec); use a host name',
  '@': 'give the user separately: USER@HOST in a host spec, user = "..." in demerge.conf',
  '/': "a job limit goes after the host as /N, or in demerge.conf's slots",
  ',': "options go after the host as ,lzo, or in demerge.conf's options",
};

export const hostBadChar = (ch: string): Finding => ({
  reason: contains(ch),
  fix: HOST_CHAR_FIX[ch] ?? 'host names may contain only ASCII letters, digits, ".", "-" and "_"',
});

const USER_FIX = 'give the account name as in the node\'s /etc/passwd: a-z, 0-9, "_", "." and "-", starting with a letter or "_"';

export const userEmpty = (): Finding => ({ reason: 'is empty', fix: USER_FIX });

export const userTooLong = (length: number, max: number): Finding => ({ reason: `is ${length} characters long, more than ${max}`, fix: USER_FIX });

export const userUpperCase = (ch: string): Finding => ({ reason: `contains the upper-case letter ${quote(ch)}`, fix: USER_FIX });

export const userBadChar = (ch: string): Finding => ({ reason: contains(ch), fix: USER_FIX });

export const userBadStart = (): Finding => ({ reason: 'must start with a lower-case letter or "_"', fix: USER_FIX });

export const commandEmpty = (): Finding => ({ reason: 'is empty', fix: 'drop the ":" or give the absolute path of distccd on the node' });

export const commandLooksLikePort = (): Finding => ({
  reason: 'looks like a port, but after ":" an ssh host spec names the remote distccd command',
  fix: 'put the ssh port in demerge.conf\'s port (or ssh config) and drop the ":PORT"',
});

export const commandNotAbsolute = (): Finding => ({
  reason: 'is not an absolute path',
  fix: 'give the full path of distccd on the node, e.g. /usr/bin/distccd',
});

export const commandTooLong = (length: number, max: number): Finding => ({ reason: `is ${length} characters long, more than ${max}`, fix: 'give a real path' });

export const commandBadChar = (ch: string): Finding => ({
  reason: contains(ch),
  fix: 'the path may contain only ASCII letters, digits, "/", ".", "_", "+" and "-"',
});

// Numbers (src/hosts/numbers.ts): `whole` says whether the text was a whole number at all.

const badNumber = (what: string, text: string, whole: boolean, min: number, max: number, fix: string): Finding => ({
  reason: whole ? `has ${what} ${quote(text)}, outside ${min}..${max}` : `has ${what} ${quote(text)}, which is not a whole number`,
  fix,
});

export const badJobLimit = (text: string, whole: boolean, min: number, max: number): Finding =>
  badNumber('job limit', text, whole, min, max, `give the number of jobs at once, from ${min} to ${max}`);

export const badPort = (text: string, whole: boolean, min: number, max: number): Finding =>
  badNumber('port', text, whole, min, max, `give a TCP port from ${min} to ${max}`);

// Options after a host (src/hosts/options.ts).

export const authNameProblem = (name: string, problem: Finding): Finding => ({
  reason: `has an auth name ${quote(name)} that ${problem.reason}`,
  fix: problem.fix,
});

export const optionDown = (): Finding => ({ reason: 'is not supported by demerge', fix: 'leave the host out instead of marking it down' });

export const optionUnknown = (known: readonly string[]): Finding => ({
  reason: 'is not a distcc host option',
  fix: `use ${known.join(', ')} or auth=NAME`,
});

export const optionTwice = (name: string): Finding => ({ reason: `lists ${quote(name)} twice`, fix: 'give each option once' });

export const cppWithoutLzo = (): Finding => ({
  reason: 'uses cpp (pump mode) without lzo',
  fix: 'add lzo: distcc only does pump mode with compression',
});

// One host spec (src/hosts/parse-host-spec.ts).

/**
 * The message for a finding in the host spec `word`: about its part `part` named `what`
 * (`host "x" <reason>`, within `host spec "..."` unless the part is the whole word), or, without
 * `what`, about the spec itself.
 */
export const hostSpecProblem = (word: string, what: string | undefined, part: string, reason: string): string => {
  const named = what === undefined ? '' : `${what} ${quote(part)} `;
  return what !== undefined && part === word ? `${named}${reason}` : `host spec ${quote(word)}${what === undefined ? ' ' : `: ${named}`}${reason}`;
};

export const unexpectedAfterHost = (rest: string): Finding => ({
  reason: `has ${quote(rest)} where options (",lzo") or the end were expected`,
  fix: 'write [USER]@HOST[/LIMIT][:COMMAND][,OPT] or HOST[:PORT][/LIMIT][,OPT]',
});

export const localhostTakesNumber = (): Finding => ({
  reason: 'has more than a number after "/", but localhost takes only /N',
  fix: 'write localhost or localhost/N',
});

export const tcpLocalhost = (): Finding => ({
  reason: 'would be a distccd on this machine reached over TCP, not "localhost"\'s local compiles',
  fix: 'write localhost or localhost/N to compile here; use 127.0.0.1 for a local distccd',
});

export const limitTwice = (): Finding => ({ reason: 'gives the job limit twice', fix: 'give /LIMIT once' });

export const ipv6Literal = (): Finding => ({
  reason: 'is an IPv6 literal, which demerge does not accept',
  fix: 'name the node with a host name (for example from /etc/hosts) instead',
});

// A host list's global options (src/hosts/parse-host-list.ts).

export const badGlobalOption = (word: string, reason: string): string => culprit('global option', word, reason);

export const unknownGlobalOption = (word: string): Problem => [
  `global option ${quote(word)} is not one distcc knows`,
  'use --randomize, --localslots=N or --localslots_cpp=N',
];

// Host specs built in code (src/hosts/format-host-spec.ts).

export const numberOutside = (what: string, value: number, min: number, max: number): Problem => [
  `${what} ${String(value)} is outside ${min}..${max}`,
  `give ${what} from ${min} to ${max}`,
];

export const tcpHostLocalhost = (): Problem => ['a TCP host named "localhost" would read back as local compiles', 'use { kind: "localhost" } or 127.0.0.1'];
