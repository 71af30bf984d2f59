import { chmodSync, chownSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { findMasqueradeDir } from '../checks/local/masquerade.js';
import * as say from '../messages/run.js';
import { masqueradeDirs } from '../portage/index.js';
import { mountedCommand, mountTools, type EmergeCommand } from '../run-env/flag-mounts.js';
import { preparePackageLogs, type PackageLogs } from '../run-env/package-logs.js';
import { which } from '../system/which.js';
import { say as line, type Flagged, type Logged } from './run-state.js';

const DISTCC_LOG_NAME = 'distcc.log';
const SYSTEM_PATH = '/usr/bin:/bin:/usr/sbin:/sbin';

// distcc writes every job's host, outcome and fallback reason to DISTCC_LOG; the dashboard
// and the end-of-run summary count from it, per node and per package. As root, each package
// gets a log of its own (run-env/package-logs.ts: wrappers over the masquerade directory, in
// emerge's mount namespace), and jobs outside any package go to the run's default log. The
// files are the build user's, because distcc runs as that user (userpriv); Portage adds the
// default log's directory to the sandbox's write list (ebuild.sh).
//
// Otherwise one log serves the run and jobs are given to the package emerge.log shows
// building, exact while one builds at a time (dashboard/packages.ts), said once:
// - a DISTCC_LOG the user set is theirs: it is kept, and read from its current end;
// - not root (no mount namespace), no unshare, mount or bash, or no masquerade directory.
export function prepareDistccLog(state: Flagged): Logged {
  const plain: EmergeCommand = { program: state.emerge, args: [...state.options.emergeArgs] };
  const tools = mountTools();
  const command = (packageLogs?: PackageLogs): EmergeCommand => {
    const binds = packageLogs === undefined ? state.binds : [...state.binds, packageLogs.bind];
    return tools === undefined ? plain : mountedCommand(binds, plain, tools);
  };
  const chosen = state.ctx.env.DISTCC_LOG;
  if (chosen !== undefined && chosen !== '') {
    line(state, say.packagesByEmergeLog(say.userDistccLog(chosen)));
    return { ...state, distccLog: isAbsolute(chosen) ? chosen : undefined, packageLogs: undefined, emergeCommand: command() };
  }
  const outcome = packageLogsFor(state, tools !== undefined);
  if (outcome.ok) return { ...state, distccLog: outcome.logs.defaultLog, packageLogs: outcome.logs, emergeCommand: command(outcome.logs) };
  line(state, say.packagesByEmergeLog(outcome.reason));
  const path = join(state.runDir.path, DISTCC_LOG_NAME);
  writeFileSync(path, '', { mode: 0o660, flag: 'wx' });
  if (state.buildUser !== undefined) chownSync(path, state.buildUser.uid, state.buildUser.gid);
  chmodSync(path, 0o660);
  return { ...state, distccLog: path, packageLogs: undefined, emergeCommand: command() };
}

function packageLogsFor(state: Flagged, canMount: boolean): { ok: true; logs: PackageLogs } | { ok: false; reason: string } {
  if (state.ctx.uid !== 0 || state.buildUser === undefined) return { ok: false, reason: say.notRoot() };
  if (!canMount) return { ok: false, reason: say.noMountTools() };
  const bash = which('bash', SYSTEM_PATH);
  if (bash === undefined) return { ok: false, reason: say.noBash() };
  const masqueradeDir = findMasqueradeDir(masqueradeDirs(state.portageFacts));
  if (masqueradeDir === undefined) return { ok: false, reason: say.noMasqueradeDir() };
  return preparePackageLogs({ runDir: state.runDir.path, buildUser: state.buildUser, masqueradeDir, bash });
}
