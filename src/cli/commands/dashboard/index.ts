import { watchBuild } from '../../../dashboard/watch.js';
import type { Context } from '../../../system/context.js';
import type { DashboardArgs } from '../../args.js';

// `demerge --dashboard[=PID]`: watch a build already running under demerge, read-only.
export function dashboard(ctx: Context, args: DashboardArgs): Promise<number> {
  return watchBuild(ctx, args);
}
