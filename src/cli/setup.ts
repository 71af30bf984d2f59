import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import type { AdminSshOptions } from '../setup/admin-ssh.js';
import { setupBuildKey } from '../setup/build-key.js';
import { buildPublicKey } from '../setup/public-key.js';
import type { StepReport } from '../setup/report.js';
import { nodeScript, setupNode, type NodeSetupOptions, type NodeTarget } from '../setup/setup-node.js';
import { nodeTargets, trustTargets } from '../setup/targets.js';
import { checkHostKey, decide, writeKnownHosts, type Checked } from '../setup/trust-hosts.js';
import { trustState, withTrustedKey } from '../setup/known-hosts-edit.js';
import { fingerprint } from '../setup/key-blob.js';
import { explainFsErrors } from '../setup/fs-errors.js';
import type { Args } from './args.js';
import type { Context } from '../system/context.js';
import { dryCheck } from './dry-check.js';
import { version } from './version.js';
import { processSetupDeps, setupEnvironment, writeLine, type SetupDeps, type SetupEnvironment } from './setup-context.js';
import type { SetupArgs } from './setup-args.js';
import type { Prompter } from '../setup/prompter.js';
import { printReports } from './trust.js';

// `demerge setup key`, `demerge setup node HOST...` and `demerge setup` (the whole recipe for
// the configured nodes). Exit 0 when every step is fine, 1 when some node or step failed,
// 2 for bad usage or configuration (nothing changed).

export async function setup(ctx: Context, args: Args, deps: SetupDeps = processSetupDeps(ctx)): Promise<number> {
  const options = args.setup as SetupArgs;
  const env = setupEnvironment(ctx, args, deps);
  switch (options.step) {
    case 'key': {
      const result = await keyStep(env, options, deps);
      printReports(ctx, [result]);
      return 0;
    }
    case 'node':
      return nodeCommand(ctx, env, options, deps);
    default:
      return wholeSetup(ctx, args, env, options, deps);
  }
}

function keyStep(env: SetupEnvironment, options: SetupArgs, deps: SetupDeps): Promise<StepReport> {
  const sshKeygen = deps.which('ssh-keygen');
  if (sshKeygen === undefined) throw new DemergeError(...msg.sshKeygenMissing());
  return explainFsErrors(env.config.key, () =>
    setupBuildKey({
      key: env.config.key,
      user: env.user,
      force: options.force,
      sshKeygen,
      comment: `demerge@${deps.hostname()}`,
    }),
  );
}

function nodeOptions(ctx: Context, env: SetupEnvironment, options: SetupArgs): NodeSetupOptions {
  return {
    key: buildPublicKey(ctx, env.config.key),
    restrict: options.restrict,
    loopbackForwarding: env.config.transport === 'tunnel',
    ...(options.from === undefined ? {} : { from: options.from }),
    unlock: options.unlock,
    version: version(),
  };
}

function adminSsh(ctx: Context, env: SetupEnvironment, options: SetupArgs, deps: SetupDeps): AdminSshOptions {
  const ssh = deps.which('ssh');
  if (ssh === undefined) throw new DemergeError(...msg.sshMissing());
  return {
    ssh,
    knownHosts: env.config.knownHosts,
    connectTimeout: env.config.connectTimeout,
    env: ctx.env,
    ...(options.adminKey === undefined ? {} : { identity: options.adminKey }),
  };
}

async function nodeCommand(ctx: Context, env: SetupEnvironment, options: SetupArgs, deps: SetupDeps): Promise<number> {
  const targets = nodeTargets(options.hosts, env.config, options.admin);
  const setupOptions = nodeOptions(ctx, env, options);
  if (options.print) {
    for (const target of targets) {
      writeLine(ctx.stdout, msg.printedScriptHeader(target.host, target.admin));
      ctx.stdout.write(nodeScript(target, setupOptions));
    }
    return 0;
  }
  const ssh = adminSsh(ctx, env, options, deps);
  const reports = await Promise.all(targets.map((target) => setupNode(target, setupOptions, ssh)));
  printReports(ctx, reports);
  return reports.every((entry) => entry.error === undefined) ? 0 : 1;
}

function title(entry: StepReport): string {
  const notes = entry.notes.map((note) => `\n  ${msg.setupTaskNote(note)}`).join('');
  return `${msg.stepReportLine(entry.subject, entry.changes)}${notes}`;
}

/**
 * The whole recipe for the configured nodes: key, then the nodes' host keys (trusted before the
 * admin logs in, so that login is checked against keys a person confirmed), then the nodes,
 * then the dry check. Questions are asked between the task lists, never while one renders.
 */
async function wholeSetup(ctx: Context, args: Args, env: SetupEnvironment, options: SetupArgs, deps: SetupDeps): Promise<number> {
  const { config } = env;
  const trustList = trustTargets([], config, 'setup');
  const nodes = nodeTargets([], config, options.admin, 'setup');
  const logger = new ListrLogger({ processOutput: new ProcessOutput(ctx.stdout as NodeJS.WriteStream, ctx.stderr as NodeJS.WriteStream) });
  const stdout = ctx.stdout as NodeJS.WriteStream;
  // listr2's live renderer loops on a terminal that reports no width (a fresh pty), as the dry
  // check found: lines, one per finished task, there and off a terminal.
  const live = stdout.isTTY === true && (stdout.columns ?? 0) >= 20;
  const listOptions = {
    renderer: live ? ('default' as const) : ('simple' as const),
    concurrent: false,
    exitOnError: false,
    registerSignalListeners: false,
    rendererOptions: { collapseSubtasks: false, collapseErrors: false, logger },
    fallbackRendererOptions: { logger },
  };
  let failed = false;
  const fail = (error: string): never => {
    failed = true;
    throw new Error(error);
  };
  // A task that throws is shown as failed by listr; the run's status must say so as well.
  const guard =
    <T extends unknown[]>(task: (...taskArgs: T) => unknown) =>
    async (...taskArgs: T): Promise<void> => {
      try {
        await task(...taskArgs);
      } catch (error) {
        failed = true;
        throw error;
      }
    };

  const original = ctx.readFile(config.knownHosts);
  const checked: Checked[] = [];
  await new Listr(
    [
      {
        title: msg.setupTaskKey(config.key),
        task: guard(async (_: unknown, task: { title: string }) => {
          const result = await keyStep(env, { ...options, force: false }, deps);
          task.title = title(result);
        }),
      },
      {
        title: msg.setupTaskHostKeys(trustList.length),
        task: (_, task) =>
          task.newListr(
            trustList.map((target, index) => ({
              title: target.name,
              task: async (_, sub) => {
                const result = await checkHostKey(target, original ?? '', config.connectTimeout * 1000, deps.fetchHostKey);
                checked[index] = result;
                if (!result.ok) fail(result.error);
                else sub.title = msg.setupTaskHostKey(result.check.line, result.check.state.kind === 'trusted');
              },
            })),
            { concurrent: true, exitOnError: false },
          ),
      },
    ],
    listOptions,
  ).run();

  // Trust: each new key needs a yes at the terminal; without one, the node is reported.
  const confirmed = await confirmHostKeys(ctx, checked, original ?? '', deps.prompter);
  const { text, reports: trustReports } = confirmed;
  if (!confirmed.ok) failed = true;
  printReports(ctx, trustReports);

  const setupOptions = nodeOptions(ctx, env, options);
  const ssh = adminSsh(ctx, env, options, deps);
  await new Listr(
    [
      {
        title: msg.setupTaskKnownHosts(config.knownHosts),
        // Nothing trusted and no file yet: an empty file would only look like progress.
        skip: () => original === undefined && text === '',
        task: guard(async (_: unknown, task: { title: string }) => {
          const changes = await explainFsErrors(config.knownHosts, () => writeKnownHosts(config.knownHosts, text, original, env.user, deps.self));
          task.title = msg.stepReportLine(config.knownHosts, changes);
        }),
      },
      {
        title: msg.setupTaskNodes(nodes.length),
        task: (_, task) =>
          task.newListr(
            nodes.map((target: NodeTarget) => ({
              title: target.name,
              task: async (_, sub) => {
                const result = await setupNode(target, setupOptions, ssh);
                // A failure keeps the changes made before it in view.
                if (result.error === undefined || result.changes.length > 0) sub.title = title(result);
                if (result.error !== undefined) fail(result.error);
              },
            })),
            { concurrent: true, exitOnError: false },
          ),
      },
    ],
    listOptions,
  ).run();

  const { setup: _setup, ...rest } = args;
  const dry = await dryCheck(ctx, { ...rest, mode: 'dry-check' });
  return failed ? Math.max(1, dry) : dry;
}

/** The whole setup's trust step: the questions, one node after the other, at the terminal. */
async function confirmHostKeys(ctx: Context, checked: readonly Checked[], original: string, prompter: Prompter): Promise<{ text: string; reports: StepReport[]; ok: boolean }> {
  let text = original;
  const reports: StepReport[] = [];
  try {
    for (const result of checked) {
      if (result === undefined || !result.ok) continue;
      const { check } = result;
      const current = { ...check, state: trustState(text, check.target.host, check.target.port, check.blob) };
      if (current.state.kind === 'trusted') continue;
      writeLine(ctx.stdout, check.line);
      const decision = await decide(current, [], false, prompter);
      const entry: StepReport = { subject: check.target.name, changes: [], notes: [] };
      if (decision.error !== undefined) entry.error = decision.error;
      else if (decision.accept) {
        text = withTrustedKey(text, check.target.host, check.target.port, check.type, check.blob, decision.replace);
        entry.changes.push(decision.replace ? msg.hostKeyReplaced(fingerprint(check.blob)) : msg.hostKeyAdded(fingerprint(check.blob)));
      }
      reports.push(entry);
    }
  } finally {
    prompter.close();
  }
  return { text, reports, ok: reports.every((entry) => entry.error === undefined) };
}
