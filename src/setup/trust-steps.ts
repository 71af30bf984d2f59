import * as msg from '../messages.js';
import { explainFsErrors } from './fs-errors.js';
import { writeLine, type SetupState, type Step } from './setup-state.js';
import { trustTargets } from './targets.js';
import { trustAll, writeKnownHosts } from './trust-hosts.js';

// `demerge trust [HOST...] [--fingerprint=SHA256:...]... [--replace]`, and the known_hosts part
// of `demerge setup`.

/** The hosts named on the command line, or every configured node; `command` names the sub-command when there is none. */
export function findTrustTargets(command: string): Step {
  return (state) => {
    state.trustTargets = trustTargets(state.request.options.hosts, state.config!, command);
  };
}

export function readKnownHosts(state: SetupState): void {
  const original = state.ctx.readFile(state.config!.knownHosts);
  state.knownHosts = { original, text: original ?? '' };
}

/** Each host's key shown, and trusted only on a person's yes (an answer or a pinned fingerprint). */
export async function trustHosts(state: SetupState): Promise<void> {
  const { ctx, deps, request } = state;
  const knownHosts = state.knownHosts!;
  // The questions' reader holds the terminal, and the process, until it is let go.
  state.cleanups.push(() => deps.prompter.close());
  const outcome = await trustAll(
    state.trustTargets!,
    knownHosts.text,
    { pins: request.options.fingerprints, replace: request.options.replace, timeoutMs: state.config!.connectTimeout * 1000 },
    { fetch: deps.fetchHostKey, prompter: deps.prompter, print: (line) => writeLine(ctx.stdout, line) },
  );
  knownHosts.text = outcome.text;
  state.reports.push(...outcome.reports);
}

/** All or nothing: known_hosts is written only when every host is trusted. */
export async function writeTrustedKeys(state: SetupState): Promise<'stop' | undefined> {
  const { ctx, deps } = state;
  const path = state.config!.knownHosts;
  if (state.failed) {
    writeLine(ctx.stderr, msg.trustNothingWritten(path));
    return 'stop';
  }
  const { original, text } = state.knownHosts!;
  const changes = await explainFsErrors(path, () => writeKnownHosts(path, text, original, state.user!, deps.self));
  if (changes.length > 0) writeLine(ctx.stdout, msg.stepReportLine(path, changes));
  return undefined;
}
