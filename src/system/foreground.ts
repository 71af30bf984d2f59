import { readProcStat, statFields } from './proc-stat.js';

// A key typed at the terminal (Ctrl-C, Ctrl-\) signals the whole foreground process group, which
// includes emerge. Forwarding it as well would interrupt Portage's cleanup with a second
// KeyboardInterrupt, so demerge forwards those only when it is not the terminal's foreground.

/** Fields of /proc/<pid>/stat after the command name: state ppid pgrp session tty_nr tpgid. */
export function isTerminalForeground(stat: string): boolean {
  const fields = statFields(stat);
  const pgrp = Number(fields[2]);
  const ttyNr = Number(fields[4]);
  const tpgid = Number(fields[5]);
  return ttyNr !== 0 && tpgid > 0 && tpgid === pgrp;
}

export function inTerminalForeground(): boolean {
  const stat = readProcStat('self');
  return stat !== undefined && isTerminalForeground(stat);
}

export const TERMINAL_SIGNALS: ReadonlySet<NodeJS.Signals> = new Set(['SIGINT', 'SIGQUIT']);
