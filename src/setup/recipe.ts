import * as msg from '../messages.js';
import { fingerprint } from '../ssh/key-blob.js';
import { runTaskList, type Task } from '../system/task-list.js';
import { explainFsErrors } from './fs-errors.js';
import { buildKey } from './key-step.js';
import { trustState, withTrustedKey } from './known-hosts-edit.js';
import { report, type StepReport } from './report.js';
import { setupNode } from './setup-node.js';
import { writeLine, type SetupState } from './setup-state.js';
import { checkHostKey, decide, writeKnownHosts, type Checked } from './trust-hosts.js';

// `demerge setup`: the whole recipe for the configured nodes. The key, then the nodes' host keys
// (trusted before the admin logs in, so that login is checked against keys a person
// confirmed), then the nodes, then the dry check. Questions are asked between the task lists,
// never while one renders.

function title(entry: StepReport): string {
  const notes = entry.notes.map((note) => `\n  ${msg.setupTaskNote(note)}`).join('');
  return `${msg.stepReportLine(entry.subject, entry.changes)}${notes}`;
}

/** Fails a subtask: the list shows the error, and the command fails with it. */
function fail(state: SetupState, error: string): never {
  state.failed = true;
  throw new Error(error);
}

/** A task that throws is shown as failed by the list; the command's status must say so as well. */
function guard<T extends unknown[]>(state: SetupState, task: (...taskArgs: T) => unknown) {
  return async (...taskArgs: T): Promise<void> => {
    try {
      await task(...taskArgs);
    } catch (error) {
      state.failed = true;
      throw error;
    }
  };
}

/** The first list: the build key, and every node's host key fetched and compared. */
export async function checkKeyAndHostKeys(state: SetupState): Promise<void> {
  const { ctx, deps } = state;
  const config = state.config!;
  const targets = state.trustTargets!;
  const knownHosts = state.knownHosts!.original ?? '';
  const checked: Checked[] = [];
  state.hostKeys = checked;
  const tasks: Task[] = [
    {
      title: msg.setupTaskKey(config.key),
      task: guard(state, async (_: unknown, task: { title: string }) => {
        task.title = title(await buildKey(state, false));
      }),
    },
    {
      title: msg.setupTaskHostKeys(targets.length),
      task: (_, task) =>
        task.newListr(
          targets.map((target, index) => ({
            title: target.name,
            task: async (_, sub) => {
              const result = await checkHostKey(target, knownHosts, config.connectTimeout * 1000, deps.fetchHostKey);
              checked[index] = result;
              if (!result.ok) fail(state, result.error);
              else sub.title = msg.setupTaskHostKey(result.check.line, result.check.state.kind === 'trusted');
            },
          })),
          { concurrent: true, exitOnError: false },
        ),
    },
  ];
  await runTaskList(tasks, ctx.stdout, ctx.stderr, { concurrent: false });
}

/** Each new host key needs a yes at the terminal, one node after the other; without one, the node is reported. */
export async function confirmHostKeys(state: SetupState): Promise<void> {
  const { ctx, deps } = state;
  const knownHosts = state.knownHosts!;
  try {
    for (const result of state.hostKeys!) {
      if (result === undefined || !result.ok) continue;
      const { check } = result;
      const current = { ...check, state: trustState(knownHosts.text, check.target.host, check.target.port, check.blob) };
      if (current.state.kind === 'trusted') continue;
      writeLine(ctx.stdout, check.line);
      const decision = await decide(current, [], false, deps.prompter);
      const entry = report(check.target.name);
      if (decision.error !== undefined) entry.error = decision.error;
      else if (decision.accept) {
        knownHosts.text = withTrustedKey(knownHosts.text, check.target.host, check.target.port, check.type, check.blob, decision.replace);
        entry.changes.push(decision.replace ? msg.hostKeyReplaced(fingerprint(check.blob)) : msg.hostKeyAdded(fingerprint(check.blob)));
      }
      state.reports.push(entry);
    }
  } finally {
    // Right after the questions, not at the end: the next list and the dry check draw on the terminal.
    deps.prompter.close();
  }
}

/** The second list: known_hosts written, then every node set up at once. */
export async function writeKnownHostsAndSetUpNodes(state: SetupState): Promise<void> {
  const { ctx, deps } = state;
  const config = state.config!;
  const { original, text } = state.knownHosts!;
  const { nodeOptions, adminSsh } = state;
  const tasks: Task[] = [
    {
      title: msg.setupTaskKnownHosts(config.knownHosts),
      // Nothing trusted and no file yet: an empty file would only look like progress.
      skip: () => original === undefined && text === '',
      task: guard(state, async (_: unknown, task: { title: string }) => {
        const changes = await explainFsErrors(config.knownHosts, () => writeKnownHosts(config.knownHosts, text, original, state.user!, deps.self));
        task.title = msg.stepReportLine(config.knownHosts, changes);
      }),
    },
    {
      title: msg.setupTaskNodes(state.nodeTargets!.length),
      task: (_, task) =>
        task.newListr(
          state.nodeTargets!.map((target) => ({
            title: target.name,
            task: async (_, sub) => {
              const result = await setupNode(target, nodeOptions!, adminSsh!, deps.runAdminScript);
              // A failure keeps the changes made before it in view.
              if (result.error === undefined || result.changes.length > 0) sub.title = title(result);
              if (result.error !== undefined) fail(state, result.error);
            },
          })),
          { concurrent: true, exitOnError: false },
        ),
    },
  ];
  await runTaskList(tasks, ctx.stdout, ctx.stderr, { concurrent: false });
}

/** The dry check of what was set up; its status stands unless a step above failed. */
export async function runDryCheck(state: SetupState): Promise<void> {
  const dry = await state.request.dryCheck!();
  state.exitCode = state.failed ? Math.max(1, dry) : dry;
}
