import * as msg from '../../messages.js';
import { runTaskList, type Task } from '../../system/task-list.js';
import type { CheckRun } from '../run-checks.js';
import type { Check, NodeReport, Report } from '../types.js';

// On a terminal: a task list, the front end and one subtask per node, all running at
// once, each showing its latest check until it settles. The list only watches: the checks run
// the same whether anyone looks or not.

export interface CheckFeed {
  /** Passed to startChecks as onCheck. */
  push(check: Check): void;
  watch(subject: string | null, listener: (check: Check) => void): void;
}

export function checkFeed(): CheckFeed {
  const listeners = new Map<string | null, Array<(check: Check) => void>>();
  return {
    push: (check) => listeners.get(check.node)?.forEach((listener) => listener(check)),
    watch: (subject, listener) => listeners.set(subject, [...(listeners.get(subject) ?? []), listener]),
  };
}

export async function showTaskList(run: CheckRun, feed: CheckFeed, stdout: NodeJS.WriteStream, stderr: NodeJS.WriteStream): Promise<Report> {
  const live = (subject: string | null) => (task: { output: string | undefined }) => {
    feed.watch(subject, (check) => {
      task.output = `${check.id}: ${check.message}`;
    });
  };
  const tasks: Task[] = [
    {
      title: msg.taskFrontEnd(),
      task: async (_ctx, task) => {
        live(null)(task);
        const checks = await run.local;
        task.title = msg.taskFrontEndDone(checks.length, count(checks, 'warn'), count(checks, 'fail'));
        const failed = checks.find((check) => check.verdict === 'fail');
        if (failed !== undefined) throw new Error(`${failed.id}: ${failed.message}`);
      },
    },
    {
      title: msg.taskNodes(run.nodes.length),
      task: (_ctx, task) =>
        task.newListr(
          run.nodes.map((node) => ({
            title: node.name,
            task: async (_subCtx, subtask) => {
              live(node.name)(subtask);
              const report = await node.report;
              subtask.title = nodeTitle(report);
              const failed = report.checks.find((check) => check.verdict === 'fail');
              if (failed !== undefined) throw new Error(`${failed.id}: ${failed.message}`);
              if (!report.usable) throw new Error(msg.frontEndFailed());
            },
          })),
          { concurrent: true, exitOnError: false },
        ),
    },
  ];
  await runTaskList(tasks, stdout, stderr, { concurrent: true, truncateOutput: true });
  return run.report;
}

function nodeTitle(report: NodeReport): string {
  const warnings = count(report.checks, 'warn');
  if (!report.usable) return report.name;
  return msg.taskNodeDone(report.name, report.node.slots, report.facts.rttMs, report.facts.compiler, warnings);
}

function count(checks: readonly Check[], verdict: Check['verdict']): number {
  return checks.filter((check) => check.verdict === verdict).length;
}
