import { execa } from 'execa';

// Portage runs as a plain child in demerge's process group, so it stays in the terminal's
// foreground group: --ask reads the terminal, Ctrl-C reaches it directly, colours stay on.
// execa's own killing is switched off: only the signals a person or a service sends reach emerge.

export type EmergeOutcome = { exitCode: number; signal?: undefined } | { exitCode?: undefined; signal: NodeJS.Signals };

export interface EmergeProcess {
  pid: number | undefined;
  /** Sends a signal to emerge alone; false if it has already exited. */
  signal(signal: NodeJS.Signals): boolean;
  outcome: Promise<EmergeOutcome>;
}

export function startEmerge(program: string, args: readonly string[], env: Record<string, string>): EmergeProcess {
  const child = execa(program, args, {
    env,
    extendEnv: false,
    stdio: 'inherit',
    reject: false,
    cleanup: false,
    forceKillAfterDelay: false,
    windowsHide: false,
  });
  const outcome = child.then((result): EmergeOutcome => {
    if (result.signal !== undefined) return { signal: result.signal };
    if (result.exitCode !== undefined) return { exitCode: result.exitCode };
    // execa reports a failure to start (ENOENT, EACCES) with neither: the shell's 127/126.
    return { exitCode: result.code === 'EACCES' ? 126 : 127 };
  });
  return {
    pid: child.pid,
    signal: (signal) => (child.exitCode === null && child.signalCode === null ? child.kill(signal) : false),
    outcome,
  };
}
