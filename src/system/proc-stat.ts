import { readFileSync } from 'node:fs';

// /proc/<pid>/stat: "pid (comm) state ppid pgrp session tty_nr tpgid ... starttime ...".
// comm may hold spaces and parentheses, so fields are counted from the last ")".

/** The fields after the command name: [0] state, [1] ppid, [2] pgrp, ... [19] starttime. */
export function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

export function readProcStat(pid: number | 'self'): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * When the process started, in clock ticks since boot, or undefined if it is gone. A pid and
 * its start time name one process for good: pids are reused, the pair is not.
 */
export function processStartTime(pid: number): string | undefined {
  const stat = readProcStat(pid);
  const start = stat === undefined ? undefined : statFields(stat)[19];
  return start !== undefined && /^[0-9]+$/.test(start) ? start : undefined;
}
