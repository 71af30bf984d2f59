import type { Readable, Writable } from 'node:stream';
import { startProgram } from '../system/spawn.js';
import { PTY_HELPER_SOURCE } from './pty-helper.js';

// Portage runs as a plain child in demerge's process group, so it stays in the terminal's
// foreground group: --ask reads the terminal, Ctrl-C reaches it directly, colours stay on.
// startProgram switches execa's own killing off: only the signals a person or a service sends reach emerge.

/** How emerge ended: with its own exit status, by a signal, or never started (no such program, or not executable). */
export type EmergeOutcome =
  | { exitCode: number; signal?: undefined; notStarted?: undefined }
  | { exitCode?: undefined; signal: NodeJS.Signals; notStarted?: undefined }
  | { exitCode?: undefined; signal?: undefined; notStarted: 'not-found' | 'not-executable' };

export interface EmergeProcess {
  pid: number | undefined;
  /** Sends a signal to emerge alone; false if it has already exited. */
  signal(signal: NodeJS.Signals): boolean;
  outcome: Promise<EmergeOutcome>;
}

export function startEmerge(program: string, args: readonly string[], env: Record<string, string>): EmergeProcess {
  const child = startProgram(program, args, { env, extendEnv: false, stdio: 'inherit' });
  return {
    pid: child.pid,
    signal: (signal) => (child.exitCode === null && child.signalCode === null ? child.kill(signal) : false),
    outcome: child.then(toOutcome),
  };
}

function toOutcome(result: { signal?: NodeJS.Signals | undefined; exitCode?: number | undefined; code?: string | undefined }): EmergeOutcome {
  if (result.signal !== undefined) return { signal: result.signal };
  if (result.exitCode !== undefined) return { exitCode: result.exitCode };
  // execa reports a failure to start (ENOENT, EACCES) with neither.
  return { notStarted: result.code === 'EACCES' ? 'not-executable' : 'not-found' };
}

/** emerge on a pseudo terminal of demerge's (see pty-helper.ts), for the dashboard. */
export interface PtyEmergeProcess extends EmergeProcess {
  /** What emerge writes to its terminal, byte for byte. */
  output: Readable;
  /** What emerge reads from its terminal (keys, answers to --ask). */
  input: Writable;
  resize(rows: number, columns: number): void;
  /** Ctrl-Z: SIGSTOP to emerge's foreground group; `then` runs once the helper has the request. */
  stop(then: () => void): void;
  /** SIGCONT to it again. */
  continue(): void;
}

export function startEmergeInPty(
  python: string,
  program: string,
  args: readonly string[],
  env: Record<string, string>,
  size: { rows: number; columns: number },
): PtyEmergeProcess {
  const child = startProgram(python, ['-I', '-c', PTY_HELPER_SOURCE, String(size.rows), String(size.columns), program, ...args], {
    env,
    extendEnv: false,
    stdio: ['pipe', 'pipe', 'inherit', 'pipe'],
    // Its own process group: a key typed at demerge's terminal never signals it directly;
    // only the relay does, once, as for a plain emerge.
    detached: true,
    buffer: false,
  });
  const control = child.stdio[3] as unknown as Writable;
  // The helper may be gone before the last resize or keystroke: nothing to tell then.
  for (const stream of [child.stdin, control]) stream.on('error', () => undefined);
  return {
    pid: child.pid,
    signal: (signal) => (child.exitCode === null && child.signalCode === null ? child.kill(signal) : false),
    outcome: child.then(toOutcome),
    output: child.stdout,
    input: child.stdin,
    resize: (rows, columns) => {
      if (rows > 0 && columns > 0 && control.writable) control.write(`${rows} ${columns}\n`);
    },
    stop: (then) => {
      if (control.writable) control.write('stop\n', () => then());
      else then();
    },
    continue: () => {
      if (control.writable) control.write('cont\n');
    },
  };
}
