import { runReport } from '../../../report/run-report.js';
import type { Context } from '../../../system/context.js';
import type { ReportArgs } from '../../report-args.js';

// `demerge report [--last=N] [--package=ATOM] [--json]`: the recorded runs (src/report/). Exit 0,
// with or without runs to show; 2 for bad options (thrown).
export function report(ctx: Context, args: ReportArgs): Promise<number> {
  return runReport(ctx, args);
}
