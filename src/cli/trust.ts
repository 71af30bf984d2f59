import * as msg from '../messages.js';
import { explainFsErrors } from '../setup/fs-errors.js';
import type { StepReport } from '../setup/report.js';
import { trustTargets } from '../setup/targets.js';
import { trustAll, writeKnownHosts } from '../setup/trust-hosts.js';
import type { Args } from './args.js';
import type { Context } from '../system/context.js';
import { processSetupDeps, setupEnvironment, writeLine, type SetupDeps } from './setup-context.js';
import type { SetupArgs } from './setup-args.js';

// `demerge trust [HOST...] [--fingerprint=SHA256:...]... [--replace]`. Exit 0: every host is
// trusted; 1: some host is not, and known_hosts is unchanged; 2: bad usage or configuration.

export function printReports(ctx: Context, reports: readonly StepReport[]): void {
  for (const entry of reports) {
    if (entry.changes.length > 0 || entry.error === undefined) writeLine(ctx.stdout, msg.stepReportLine(entry.subject, entry.changes));
    for (const note of entry.notes) writeLine(ctx.stdout, msg.stepNoteLine(entry.subject, note));
    if (entry.error !== undefined) writeLine(ctx.stderr, msg.stepErrorLine(entry.subject, entry.error));
  }
}

export async function trust(ctx: Context, args: Args, deps: SetupDeps = processSetupDeps(ctx)): Promise<number> {
  const options = args.setup as SetupArgs;
  const { config, user } = setupEnvironment(ctx, args, deps);
  const targets = trustTargets(options.hosts, config);
  const original = ctx.readFile(config.knownHosts);
  let outcome;
  try {
    outcome = await trustAll(
      targets,
      original ?? '',
      { pins: options.fingerprints, replace: options.replace, timeoutMs: config.connectTimeout * 1000 },
      { fetch: deps.fetchHostKey, prompter: deps.prompter, print: (line) => writeLine(ctx.stdout, line) },
    );
  } finally {
    deps.prompter.close();
  }
  printReports(ctx, outcome.reports);
  if (!outcome.ok) {
    writeLine(ctx.stderr, msg.trustNothingWritten(config.knownHosts));
    return 1;
  }
  const { text } = outcome;
  const changes = await explainFsErrors(config.knownHosts, () => writeKnownHosts(config.knownHosts, text, original, user, deps.self));
  if (changes.length > 0) writeLine(ctx.stdout, msg.stepReportLine(config.knownHosts, changes));
  return 0;
}
