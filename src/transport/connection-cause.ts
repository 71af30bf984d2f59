import * as msg from '../messages.js';

// What a person should read when a node's connection fails or drops, or when the node's distccd
// reports a problem. The evidence is the last line ssh wrote (the masters log at INFO, where
// "Timeout, server not responding" is said) or how its process ended, and the warnings distccd
// writes to the connection's stderr. The first rule that matches
// names the cause; anything unforeseen is passed on as it was said, so it is never hidden.

type Rule = readonly [RegExp, () => string];

const CONNECTION_RULES: readonly Rule[] = [
  [/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key .* (changed|mismatch)/i, msg.causeHostKeyChanged],
  [/Connection refused/i, msg.causeConnectionRefused],
  [/No route to host|Network is unreachable/i, msg.causeNoRoute],
  [/timed out|Timeout, server .* not responding|no answer within/i, msg.causeNotAnswering],
  [/Permission denied \(publickey|account is locked|not allowed because/i, msg.causeLoginRefused],
  [/closed by remote host|Connection reset|Broken pipe|closed by [0-9a-f.:]+ port/i, msg.causeClosedByNode],
];

/** The cause of a failed or dropped connection, from ssh's last line ("ssh ended by SIGKILL" too). */
export function connectionCause(detail: string): string {
  const killed = /^ssh ended by (SIG[A-Z0-9]+)$/.exec(detail);
  if (killed) return msg.causeMasterKilled(killed[1] as string);
  for (const [pattern, cause] of CONNECTION_RULES) if (pattern.test(detail)) return cause();
  return msg.causeOther(detail);
}

// A connection that closes before sending a request (demerge's own probe of the tunnel, a port
// scan) makes distccd say so in three lines; the third names the first token, "DIST". An early
// end at a later token is a real job cut short and is reported by the line naming that token.
// A taken port while the script looks for a free one is routine (its stderr and the "ready" line
// travel apart, so such a line can arrive after "ready").
const NOT_NEWS: readonly RegExp[] = [/unexpected eof on fd/, /waiting for token "DIST"/, /magic fairy dust/, /bind of .* failed|Address already in use/];

/** A line distccd wrote on the node, or undefined for what is not worth a person's attention. */
export function nodeMessageCause(line: string): string | undefined {
  if (NOT_NEWS.some((pattern) => pattern.test(line))) return undefined;
  if (/No space left on device|Disk quota exceeded/i.test(line)) return msg.causeDiskFull();
  // distccd's own prefix, "distccd[PID] (function) ": the rest is the news.
  const text = line.replace(/^distccd\[[0-9]+\]\s*(\([^)]*\)\s*)?/, '').trim();
  if (!/ERROR|WARNING|error|failed/.test(line) || text === '') return undefined;
  return msg.causeOther(text);
}
