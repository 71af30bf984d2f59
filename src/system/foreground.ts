import { readFileSync } from 'node:fs';

// A key typed at the terminal (Ctrl-C, Ctrl-\) signals the whole foreground process group, which
// includes emerge. Forwarding it as well would interrupt Portage's cleanup with a second
// KeyboardInterrupt, so demerge forwards those only when it is not the terminal's foreground.

/** Fields of /proc/<pid>/stat after the command name: state ppid pgrp session tty_nr tpgid. */
export function isTerminalForeground(stat: string): boolean {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const pgrp = Number(fields[2]);
  const ttyNr = Number(fields[4]);
  const tpgid = Number(fields[5]);
  return ttyNr !== 0 && tpgid > 0 && tpgid === pgrp;
}

export function inTerminalForeground(): boolean {
  try {
    return isTerminalForeground(readFileSync('/proc/self/stat', 'utf8'));
  } catch {
    return false;
  }
}

export const TERMINAL_SIGNALS: ReadonlySet<NodeJS.Signals> = new Set(['SIGINT', 'SIGQUIT']);
