import type { EmergeOutcome } from '../../../emerge/launch.js';
import { build } from '../../../run/build.js';
import type { Context } from '../../../system/context.js';
import type { BuildArgs } from '../../args.js';

// `demerge <emerge arguments>`: the build (src/run/; its options are the command line's), which
// ends as emerge did.
export function buildCommand(ctx: Context, args: BuildArgs): Promise<EmergeOutcome> {
  return build(ctx, args);
}
