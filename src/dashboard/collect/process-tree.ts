import { readProcStat, statFields } from '../../system/proc-stat.js';
import { ancestors } from '../process-tree.js';

// Portage names its status file after emerge's pid; the run's emerge is demerge's child, or
// its grandchild under the dashboard's pseudo terminal helper. Other emerges on the machine
// are not this run's. Read from this machine's /proc, one parent at a time.

/** ppid from the text of /proc/<pid>/stat (the command name may hold spaces and parentheses). */
export function parentFromStat(stat: string): number | undefined {
  const fields = statFields(stat);
  const ppid = Number(fields[1]);
  return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
}

export function isDescendantOf(pid: number, ancestor: number, readStat: (pid: number) => string | undefined = readProcStat, maxDepth = 4): boolean {
  const parentOf = (child: number): number | undefined => {
    const stat = readStat(child);
    return stat === undefined ? undefined : parentFromStat(stat);
  };
  for (const parent of ancestors(pid, parentOf, maxDepth)) if (parent === ancestor) return true;
  return false;
}
