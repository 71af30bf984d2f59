import { COMMAND_FILE } from './forced-command.js';
import type { PublicKey } from './public-key.js';

// The build key's line in a node's authorized_keys. The key is found by its blob (the base64
// field), never by the whole line, so a changed comment or option does not add a second copy,
// and other keys are never touched.

export interface KeyRestrictions {
  restrict: boolean;
  from?: string;
  /**
   * Transport "tunnel": the port of the node service's TCP entrance, the one destination a
   * restricted key may open (`port-forwarding,permitopen="127.0.0.1:PORT"`). Not a unix socket:
   * OpenSSH checks a socket's path against the same permitopen list, which takes host:port only,
   * so any permitopen refuses every socket, and AllowTcpForwarding `no` or `remote` refuse them
   * as well (session.c, measured on 9.2). Remote listening is pinned to a name that never
   * resolves (permitlisten, RFC 6761).
   */
  entrancePort?: number | undefined;
}

/** A host:port that never resolves: remote TCP listeners allowed on nothing. */
export const NO_TCP_FORWARD = 'none.invalid:1';

/** The options field, or undefined when none was asked for (then existing options are kept). */
export function authorizedKeyOptions(restrictions: KeyRestrictions): string | undefined {
  const options: string[] = [];
  if (restrictions.restrict) options.push('restrict');
  if (restrictions.restrict && restrictions.entrancePort !== undefined) {
    options.push('port-forwarding', `permitopen="127.0.0.1:${restrictions.entrancePort}"`, `permitlisten="${NO_TCP_FORWARD}"`);
  }
  if (restrictions.from !== undefined) options.push(`from="${restrictions.from}"`);
  if (restrictions.restrict) options.push(`command="${COMMAND_FILE}"`);
  return options.length === 0 ? undefined : options.join(',');
}

/** `options type blob`: the part that decides what the key may do (the comment does not). */
export function authorizedKeyPrefix(key: PublicKey, options: string | undefined): string {
  return [options, key.type, key.blob].filter((part) => part !== undefined).join(' ');
}

export function authorizedKeyLine(key: PublicKey, options: string | undefined): string {
  const prefix = authorizedKeyPrefix(key, options);
  return key.comment === '' ? prefix : `${prefix} ${key.comment}`;
}

/**
 * The awk program the node script runs over authorized_keys (POSIX awk: gawk, mawk, busybox).
 * Environment: KEY_BLOB, KEY_LINE (the wanted line), KEY_PREFIX (its options, type and blob),
 * SET_OPTIONS (1: the line must carry exactly these options; 0: keep the existing line).
 * Prints the new file on stdout and "found rewritten dropped" on stderr.
 */
export const AUTHORIZED_KEYS_AWK = `
function key_field(   i) { for (i = 1; i <= NF; i++) if ($i == blob) return i; return 0 }
BEGIN { blob = ENVIRON["KEY_BLOB"]; want = ENVIRON["KEY_LINE"]; prefix = ENVIRON["KEY_PREFIX"]; set = ENVIRON["SET_OPTIONS"] + 0 }
{
	k = key_field()
	if ($0 ~ /^[ \\t]*#/ || k == 0) { print; next }
	if (found) { dropped++; next }
	found = 1
	if (!set) { print; next }
	have = $1
	for (i = 2; i <= k; i++) have = have " " $i
	if (have == prefix) print
	else { print want; rewritten = 1 }
}
END {
	if (!found) print want
	printf "%d %d %d\\n", found, rewritten, dropped > "/dev/stderr"
}
`;
