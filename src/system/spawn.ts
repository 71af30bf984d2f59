import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { execa, type Options } from 'execa';

// The one place demerge starts processes. Three kinds:
//  - runProgram: a short-lived program whose output is awaited (portageq, gcc -###,
//    ssh-keygen, the admin's ssh). The same answer shape for all, never an exception: a
//    program that cannot start, times out or fails is an outcome to report.
//  - startProgram: emerge itself, through execa with its own killing and cleanup switched off,
//    so that only the signals a person or a service sends reach it.
//  - startProcess: the run's long-lived helpers (ssh masters, the trial's distcc, channel
//    probes). Not execa: their lifetime is demerge's own business (recorded as pid and start
//    time, ended by process group, their streams read as they come), and execa's promise,
//    buffering and cleanup would all have to be switched off again. node's spawn, as it is.

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

/** emerge, or the pty helper that runs it: execa without its own killing or cleanup. */
export function startProgram<O extends Options>(program: string, args: readonly string[], options: O) {
  return execa(program, args, { ...options, reject: false, cleanup: false, forceKillAfterDelay: false, windowsHide: false } as const);
}

export function startProcess(program: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  return spawn(program, [...args], options);
}

/**
 * Locks an open file of ours (flock(2), exclusive) with util-linux's flock(1): the lock belongs
 * to the open file, which the child shares as its fd 3, so it stays ours after flock exits and
 * ends when we close the file or die. Node has no flock of its own. False when it could not be
 * had within `seconds` or flock is missing.
 */
export function flockFile(flock: string, fd: number, seconds: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(flock, ['--exclusive', '--timeout', String(seconds), '3'], { stdio: ['ignore', 'ignore', 'ignore', fd], env: {} });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}
