import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { setupBuildKey } from './build-key.js';
import { explainFsErrors } from './fs-errors.js';
import type { Prompter } from './prompter.js';
import type { StepReport } from './report.js';
import type { SetupState } from './setup-state.js';

/** The build key as the recipe wants it; `force` replaces a usable one too; `passphrase` encrypts a new one. */
export function buildKey(state: SetupState, force: boolean, passphrase?: () => Promise<string>): Promise<StepReport> {
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
      passphrase,
    }),
  );
}

/**
 * The new key's passphrase, typed twice at the terminal without echo. It is never taken from the
 * command line or the environment, which other users can read (ps, /proc/PID/environ).
 */
export async function askPassphrase(prompter: Prompter, key: string): Promise<string> {
  if (!prompter.interactive) throw new DemergeError(...msg.passphraseNeedsTerminal());
  const first = await prompter.secret(msg.passphraseQuestion(key));
  if (first === undefined) throw new DemergeError(...msg.passphraseAborted());
  if (first === '') throw new DemergeError(...msg.passphraseEmpty());
  const second = await prompter.secret(msg.passphraseAgain());
  if (second === undefined) throw new DemergeError(...msg.passphraseAborted());
  if (second !== first) throw new DemergeError(...msg.passphraseMismatch());
  return first;
}

/** `demerge setup key [--force] [--passphrase]`. */
export async function makeBuildKey(state: SetupState): Promise<void> {
  const { options } = state.request;
  const passphrase = options.passphrase === true ? () => askPassphrase(state.deps.prompter, state.config!.key) : undefined;
  state.reports.push(await buildKey(state, options.force, passphrase));
}
