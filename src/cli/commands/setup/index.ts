import { runSetup } from '../../../setup/run-setup.js';
import { processSetupDeps, type SetupDeps } from '../../../setup/setup-deps.js';
import type { Context } from '../../../system/context.js';
import type { DryCheckArgs } from '../../args.js';
import { dryCheck } from '../dry-check/index.js';
import type { SetupCommandArgs } from '../../setup-args.js';
import { version } from '../version/index.js';

// `demerge setup key`, `demerge setup node HOST...` and `demerge setup`: the steps are
// src/setup/run-setup.ts's; this hands them the command line, demerge's version and the dry
// check that ends the whole setup.

export function setup(ctx: Context, args: SetupCommandArgs, deps: SetupDeps = processSetupDeps(ctx)): Promise<number> {
  const { config } = args;
  // The dry check of the same demerge.conf, with no emerge arguments.
  const dryArgs: DryCheckArgs = { mode: 'dry-check', emergeArgs: [], json: false, ...(config === undefined ? {} : { config }) };
  return runSetup(ctx, { options: args.setup, ...(config === undefined ? {} : { configFile: config }), version, dryCheck: () => dryCheck(ctx, dryArgs) }, deps);
}
