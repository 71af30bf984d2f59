import type { RunRecord } from '../history/record.js';
import { historyPath, readHistory } from '../history/store.js';
import * as say from '../messages/report.js';
import { startPortageQuery } from '../portage/index.js';
import type { Context } from '../system/context.js';
import { which } from '../system/which.js';
import { atomMatches, type ReportOptions } from './options.js';
import { renderPackage, renderRuns, utf8Locale } from './render.js';

// `demerge report`: the history's runs as a table with bars, or one package across runs, or
// `--json` (schema/report.schema.json: the records as they are). The history lives under
// Portage's EPREFIX, so Portage is asked (portageq) unless $DEMERGE_HISTORY names the file.

async function pathOf(ctx: Context): Promise<string> {
  if ((ctx.env.DEMERGE_HISTORY ?? '') !== '') return historyPath('', ctx.env);
  const emerge = which(ctx.env.DEMERGE_EMERGE ?? 'emerge', ctx.env.PATH);
  const query = await startPortageQuery(ctx.env.DEMERGE_PORTAGEQ, emerge, ctx.env);
  return historyPath(query.facts.eprefix, ctx.env);
}

export async function runReport(ctx: Context, args: ReportOptions): Promise<number> {
  const path = await pathOf(ctx);
  const history = readHistory(path);
  if (history.skipped > 0) ctx.stderr.write(`${say.skippedLines(history.skipped, path)}\n`);
  const atom = args.package;
  let runs: RunRecord[] = history.records;
  if (atom !== undefined) {
    runs = runs.flatMap((run) => {
      const packages = run.packages.filter((p) => atomMatches(atom, p.atom));
      return packages.length === 0 ? [] : [{ ...run, packages }];
    });
  }
  runs = runs.slice(-args.last);
  if (args.json) {
    ctx.stdout.write(`${JSON.stringify({ history: path, skipped: history.skipped, runs }, null, 2)}\n`);
    return 0;
  }
  if (runs.length === 0) {
    ctx.stderr.write(`${atom === undefined ? say.noRuns(path) : say.noRunsOf(atom, path)}\n`);
    return 0;
  }
  const unicode = utf8Locale(ctx.env);
  if (atom === undefined) ctx.stdout.write(renderRuns(runs, unicode));
  else
    ctx.stdout.write(
      renderPackage(
        atom,
        runs.flatMap((run) => run.packages.map((pkg) => ({ run, pkg }))),
        unicode,
      ),
    );
  return 0;
}
