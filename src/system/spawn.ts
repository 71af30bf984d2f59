import { execa } from 'execa';

// The one place demerge runs a short-lived program and waits for its output (execa: the
// project's spawner). Every caller gets the same answer shape and never an exception: a
// program that cannot start, times out or fails is an outcome to report, not a crash.

export interface ProgramResult {
  /** The exit status; undefined when it was killed by a signal or did not start. */
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
  /** Killed at the time limit. */
  timedOut: boolean;
  /** The errno code when it could not start at all (ENOENT, EACCES). */
  startError: string | undefined;
}

export interface ProgramOptions {
  /** The whole environment (nothing is inherited). */
  env: Record<string, string | undefined>;
  timeoutMs?: number;
  maxBuffer?: number;
  input?: string;
}

export async function runProgram(program: string, args: readonly string[], options: ProgramOptions): Promise<ProgramResult> {
  const result = await execa(program, args, {
    env: options.env,
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    killSignal: 'SIGKILL',
    forceKillAfterDelay: false,
    cleanup: true,
    ...(options.maxBuffer === undefined ? {} : { maxBuffer: options.maxBuffer }),
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
  });
  const startError = result.exitCode === undefined && result.signal === undefined && !result.timedOut ? (result.code ?? 'failed') : undefined;
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderr: typeof result.stderr === 'string' ? result.stderr : '',
    timedOut: result.timedOut,
    startError,
  };
}
