import { chmodSync, chownSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Flagged, Logged } from './run-state.js';

const DISTCC_LOG_NAME = 'distcc.log';

// distcc writes every job's host, outcome and fallback reason to DISTCC_LOG; the dashboard
// and the end-of-run summary count from it. The file is made here, owned by the build user
// with mode 0660, because distcc runs as that user (userpriv) and the run directory is not
// writable to it; Portage adds the log's directory to the sandbox's write list (ebuild.sh).
// A DISTCC_LOG the user set is theirs: it is kept, and read from its current end.
export function prepareDistccLog(state: Flagged): Logged {
  const chosen = state.ctx.env.DISTCC_LOG;
  if (chosen !== undefined && chosen !== '') return { ...state, distccLog: isAbsolute(chosen) ? chosen : undefined };
  const path = join(state.runDir.path, DISTCC_LOG_NAME);
  writeFileSync(path, '', { mode: 0o660, flag: 'wx' });
  if (state.buildUser !== undefined) chownSync(path, state.buildUser.uid, state.buildUser.gid);
  chmodSync(path, 0o660);
  return { ...state, distccLog: path };
}
