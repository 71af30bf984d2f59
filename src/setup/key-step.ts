import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { setupBuildKey } from './build-key.js';
import { explainFsErrors } from './fs-errors.js';
import type { StepReport } from './report.js';
import type { SetupState } from './setup-state.js';

/** The build key as the recipe wants it; `force` replaces a usable one too. */
export function buildKey(state: SetupState, force: boolean): Promise<StepReport> {
  const { deps } = state;
  const config = state.config!;
  const sshKeygen = deps.which('ssh-keygen');
  if (sshKeygen === undefined) throw new DemergeError(...msg.sshKeygenMissing());
  return explainFsErrors(config.key, () =>
    setupBuildKey({
      key: config.key,
      user: state.user!,
      force,
      sshKeygen,
      comment: `demerge@${deps.hostname()}`,
    }),
  );
}

/** `demerge setup key [--force]`. */
export async function makeBuildKey(state: SetupState): Promise<void> {
  state.reports.push(await buildKey(state, state.request.options.force));
}
