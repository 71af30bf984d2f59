import { loadConfig } from '../config/index.js';
import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { checkSshPaths } from '../run-env/ssh-wrapper.js';
import type { SetupState } from './setup-state.js';

export function loadSetupConfig(state: SetupState): void {
  const { ctx, request } = state;
  const config = loadConfig({
    flags: request.configFile === undefined ? {} : { config: request.configFile },
    env: ctx.env,
    readFile: ctx.readFile,
    cpuCount: ctx.cpuCount,
  });
  // The same paths reach the build's ssh wrapper: refuse now what the build would refuse.
  checkSshPaths(config);
  state.config = config;
}

export function findBuildUser(state: SetupState): void {
  const { buildUser } = state.config!;
  const account = state.deps.findAccount(buildUser);
  if (account === undefined) throw new DemergeError(...msg.buildUserMissing(buildUser));
  state.user = { name: account.name, uid: account.uid, gid: account.gid };
}
