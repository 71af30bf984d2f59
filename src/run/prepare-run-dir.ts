import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { clearBackoff, createDistccDir } from '../run-env/distcc-dir.js';
import { createRunDir } from '../run-env/run-dir.js';
import { findAccount } from '../system/users.js';
import type { RunState } from './run-state.js';

export function prepareRunDir(state: RunState): void {
  const { ctx } = state;
  const config = state.config!;
  if (ctx.uid === 0) {
    const account = findAccount(config.buildUser);
    if (account === undefined) throw new DemergeError(...msg.buildUserMissing(config.buildUser));
    state.buildUser = { uid: account.uid, gid: account.gid };
  }
  const runDir = createRunDir(ctx.uid, { group: state.buildUser?.gid });
  state.runDir = runDir;
  state.cleanups.push(() => runDir.remove());
}

/** DISTCC_DIR: one chosen in the environment or make.conf (Portage's answer holds both) is kept. */
export function chooseDistccDir(state: RunState): void {
  const chosen = state.portageFacts?.distccDir ?? state.ctx.env.DISTCC_DIR;
  if (chosen === undefined || chosen === '') {
    state.distccDir = createDistccDir(state.runDir!.path, state.buildUser);
  } else {
    state.distccDir = chosen;
    clearBackoff(chosen, state.live!.map((node) => node.host));
  }
}
