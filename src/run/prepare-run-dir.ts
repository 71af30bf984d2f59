import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import type { PortageFacts } from '../portage/index.js';
import { clearBackoff, createDistccDir } from '../run-env/distcc-dir.js';
import { createRunDir } from '../run-env/run-dir.js';
import { findAccount } from '../system/users.js';
import type { Connected, Prepared, Verified } from './run-state.js';

export function prepareRunDir(state: Verified): Prepared {
  const { ctx, config } = state;
  let buildUser: Prepared['buildUser'];
  if (ctx.uid === 0) {
    const account = findAccount(config.buildUser);
    if (account === undefined) throw new DemergeError(...msg.buildUserMissing(config.buildUser));
    buildUser = { uid: account.uid, gid: account.gid };
  }
  const runDir = createRunDir(ctx.uid, { group: buildUser?.gid });
  state.cleanups.push(() => runDir.remove());
  return { ...state, runDir, buildUser };
}

/** DISTCC_DIR: one chosen in the environment or make.conf (Portage's answer holds both) is kept. */
export function chooseDistccDir(state: Connected, facts: PortageFacts): string {
  const chosen = facts.distccDir ?? state.ctx.env.DISTCC_DIR;
  if (chosen === undefined || chosen === '') return createDistccDir(state.runDir.path, state.buildUser);
  clearBackoff(
    chosen,
    state.live.map((node) => node.host),
  );
  return chosen;
}
