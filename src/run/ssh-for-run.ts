import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { checkSshPaths } from '../run-env/ssh-wrapper.js';
import { which } from '../system/which.js';
import type { Loaded } from './run-state.js';

/** The absolute ssh both transports run, after checking that the key and known_hosts paths
 *  can reach ssh's option parser unchanged. */
export function sshForRun(state: Pick<Loaded, 'ctx' | 'config'>): string {
  const ssh = which('ssh', state.ctx.env.PATH);
  if (ssh === undefined) throw new DemergeError(...msg.sshMissing());
  checkSshPaths(state.config);
  return ssh;
}
