import { readProcStat, statFields } from '../../system/proc-stat.js';

// Portage names its status file after emerge's pid; the run's emerge is demerge's child, or
// its grandchild under the dashboard's pseudo terminal helper. Other emerges on the machine
// are not this run's.

/** ppid from the text of /proc/<pid>/stat (the command name may hold spaces and parentheses). */
export function parentFromStat(stat: string): number | undefined {
  const fields = statFields(stat);
  const ppid = Number(fields[1]);
  return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
}

export function isDescendantOf(
  pid: number,
  ancestor: number,
  readStat: (pid: number) => string | undefined = readProcStat,
  maxDepth = 4,
): boolean {
  let current = pid;
  for (let depth = 0; depth < maxDepth; depth++) {
    const stat = readStat(current);
    const parent = stat === undefined ? undefined : parentFromStat(stat);
    if (parent === undefined) return false;
    if (parent === ancestor) return true;
    current = parent;
  }
  return false;
}

