import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processStartTime } from '../system/proc-stat.js';

// Processes a run starts that must not outlive it (the tunnel's ssh masters). A run that ends
// normally stops them itself; one killed with SIGKILL cannot, so each is written down in the run
// directory and the next run, finding the directory stale, ends them before removing it.
//
// The record lives in the run directory itself, which only root (or the invoking user) can
// write: the build user must not be able to name a process for root to signal. Each line is
// "PID STARTTIME"; a process is signalled only if both still match, so a reused pid is safe.

const RECORD = 'processes';

export function recordRunProcess(runDir: string, pid: number | undefined): void {
  if (pid === undefined) return;
  const start = processStartTime(pid);
  if (start === undefined) return;
  appendFileSync(join(runDir, RECORD), `${pid} ${start}\n`, { mode: 0o600 });
}

/** Ends the recorded processes of a dead run that still run; returns their pids. */
export function endRunProcesses(runDir: string, signal: NodeJS.Signals = 'SIGTERM'): number[] {
  let text: string;
  try {
    text = readFileSync(join(runDir, RECORD), 'utf8');
  } catch {
    return [];
  }
  const ended: number[] = [];
  for (const line of text.split('\n').slice(0, 1024)) {
    const match = /^([0-9]{1,10}) ([0-9]{1,20})$/.exec(line);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid <= 1 || processStartTime(pid) !== match[2]) continue;
    try {
      process.kill(pid, signal);
      ended.push(pid);
    } catch {
      // Gone in the meantime.
    }
  }
  return ended;
}
