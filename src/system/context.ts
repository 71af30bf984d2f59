import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isatty } from 'node:tty';

// Everything a run touches outside itself, so tests can hand in their own.

export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface Context {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  uid: number;
  gid: number;
  cpuCount: number;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /**
   * stdin when it is a terminal, for the dashboard; absent in tests. A function, because
   * touching process.stdin makes Node set a piped stdin non-blocking, under emerge too.
   */
  terminalInput?(): NodeJS.ReadStream | undefined;
  signals: SignalSource;
  inTerminalForeground(): boolean;
  /** File contents, or undefined when the file does not exist; other errors throw. */
  readFile(path: string): string | undefined;
  readBinary(path: string): Buffer | undefined;
  now(): number;
}

function readOrUndefined<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function processContext(argv: readonly string[], inTerminalForeground: () => boolean): Context {
  return {
    argv,
    env: process.env,
    uid: process.getuid?.() ?? 0,
    gid: process.getgid?.() ?? 0,
    cpuCount: availableParallelism(),
    stdout: process.stdout,
    stderr: process.stderr,
    terminalInput: () => (isatty(0) ? process.stdin : undefined),
    signals: process,
    inTerminalForeground,
    readFile: (path) => readOrUndefined(() => readFileSync(path, 'utf8')),
    readBinary: (path) => readOrUndefined(() => readFileSync(path)),
    now: Date.now,
  };
}
