import { chmodSync, chownSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

// distcc keeps slot locks, backoff marks and per-job state under DISTCC_DIR. A fresh one per run
// means no earlier run's backoff can sideline a node that was just verified, and nothing of the
// run stays behind. Portage keeps a DISTCC_DIR it is given (prepare_build_dirs.py) and adds it
// to the sandbox's write list (phase-functions.sh).

export function createDistccDir(runDir: string, owner: { uid: number; gid: number } | undefined): string {
  const dir = join(runDir, 'distcc');
  for (const path of [dir, join(dir, 'lock'), join(dir, 'state')]) {
    mkdirSync(path, { mode: 0o700 });
    if (owner !== undefined) {
      chownSync(path, owner.uid, owner.gid);
      // Portage's own mode for DISTCC_DIR: setgid, group portage rwx.
      chmodSync(path, 0o2770);
    }
  }
  return dir;
}

/** For a DISTCC_DIR the user chose: forget earlier runs' backoff of the nodes just verified. */
export function clearBackoff(distccDir: string, hosts: readonly string[]): void {
  for (const host of hosts) {
    // lock.c: "%s/%s_ssh_%s_%d" with lockname "backoff" and slot 0.
    rmSync(join(distccDir, 'lock', `backoff_ssh_${host}_0`), { force: true });
  }
}
