import { renderJson } from '../../../checks/render/json.js';
import { renderChecks, renderReport, renderSummary, subjectWidth } from '../../../checks/render/plain.js';
import { checkFeed, showTaskList } from '../../../checks/render/task-list.js';
import { startChecks } from '../../../checks/run-checks.js';
import { startPortage } from '../../../checks/start-portage.js';
import type { Report } from '../../../checks/types.js';
import { loadConfig } from '../../../config/index.js';
import * as msg from '../../../messages.js';
import type { Context } from '../../../system/context.js';
import { SignalRelay } from '../../../system/signal-relay.js';
import { which } from '../../../system/which.js';
import type { DryCheckArgs } from '../../args.js';
import { interruptedStatus } from '../../exit-status.js';
import { liveTerminal } from '../../../system/terminal.js';

// `demerge --dry-check`: every check a build runs, plus the slow trial compile, and no build.
// Exit 0 all good; 1 usable, with warnings or some nodes left out; 2 nothing usable or a
// configuration error (thrown, and mapped to 2 by main).

export async function dryCheck(ctx: Context, args: DryCheckArgs): Promise<number> {
  const config = loadConfig({
    flags: args.config === undefined ? {} : { config: args.config },
    env: ctx.env,
    readFile: ctx.readFile,
    cpuCount: ctx.cpuCount,
  });
  const started = startPortage(ctx.env, ctx.uid, config, which(config.emerge, ctx.env.PATH), args.emergeArgs);
  const relay = new SignalRelay(ctx);
  const abort = new AbortController();
  void relay.aborted.then(() => abort.abort());
  const stdout = ctx.stdout as NodeJS.WriteStream;
  const taskList = !args.json && liveTerminal(stdout);
  const feed = checkFeed();
  try {
    const run = startChecks({ uid: ctx.uid, gid: ctx.gid, env: ctx.env }, config, {
      trial: true,
      ...started,
      makeJobs: args.makeJobs,
      signal: abort.signal,
      onCheck: feed.push,
    });
    let report: Report;
    if (args.json) {
      report = await run.report;
      ctx.stdout.write(renderJson(report));
    } else if (taskList) {
      report = await showTaskList(run, feed, stdout, ctx.stderr as NodeJS.WriteStream);
      const problems = [...report.local, ...report.nodes.flatMap((node) => node.checks)].filter((check) => check.verdict !== 'ok');
      if (problems.length > 0) ctx.stdout.write(`\n${msg.problemsHeading()}\n${renderChecks(problems, subjectWidth(report))}`);
      ctx.stdout.write(`\n${renderSummary(report.summary)}`);
    } else {
      report = await run.report;
      ctx.stdout.write(renderReport(report));
    }
    if (relay.received !== undefined) return interruptedStatus(relay.received);
    return report.summary.exitCode;
  } finally {
    relay.dispose();
  }
}
