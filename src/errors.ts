// Every failure a user can fix is a DemergeError: one line naming the culprit and the fix.
// The CLI prints it as `demerge: <message> (<fix>)`; nothing here writes to the terminal.

const SHOWN_CHARS = 60;

/**
 * Quotes a culprit for an error line. Hostile input (escape sequences, newlines, bidi
 * overrides, look-alike letters) must neither break the one-line format nor drive the
 * terminal, so everything outside printable ASCII becomes a visible \uXXXX escape, and
 * long values are cut so a 10 MB token cannot flood the screen.
 */
export function quote(value: string): string {
  const shown = value.length > SHOWN_CHARS ? value.slice(0, SHOWN_CHARS) : value;
  const escaped = `"${printable(shown)}"`;
  return value.length > SHOWN_CHARS ? `${escaped}... (${value.length} chars)` : escaped;
}

/** `text` with the same escapes as quote(), for text from a library that may echo input. */
export function printable(text: string): string {
  return JSON.stringify(text)
    .slice(1, -1)
    .replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// Paths are usually plain; quote them only when they would not read back unambiguously.
function showPath(path: string): string {
  return /^[A-Za-z0-9/._+,@=~-]+$/.test(path) ? path : quote(path);
}

export class DemergeError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = 'DemergeError';
  }
}

/** `demerge --dashboard` found no build to watch: not a usage error, so its own status. */
export class NothingToWatchError extends DemergeError {
  constructor(message: string, fix: string) {
    super(message, fix);
    this.name = 'NothingToWatchError';
  }
}

export class ConfigError extends DemergeError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly problem: string,
    fix: string,
  ) {
    super(line === undefined ? `${showPath(file)}: ${problem}` : `${showPath(file)}:${line}: ${problem}`, fix);
    this.name = 'ConfigError';
  }
}

export class HostSpecError extends DemergeError {
  // `problem` already names the spec (and the offending part of it), quoted with quote().
  constructor(
    readonly spec: string,
    readonly problem: string,
    fix: string,
  ) {
    super(problem, fix);
    this.name = 'HostSpecError';
  }
}
