import { runSetup } from '../../../setup/run-setup.js';
import { processSetupDeps, type SetupDeps } from '../../../setup/setup-deps.js';
import type { Context } from '../../../system/context.js';
import type { TrustCommandArgs } from '../../setup-args.js';

// `demerge trust [HOST...] [--fingerprint=SHA256:...]... [--replace]`: the steps are
// src/setup/run-setup.ts's. Exit 0: every host is trusted; 1: some host is not, and
// known_hosts is unchanged; 2: bad usage or configuration.

export function trust(ctx: Context, args: TrustCommandArgs, deps: SetupDeps = processSetupDeps(ctx)): Promise<number> {
  return runSetup(ctx, { options: args.setup, ...(args.config === undefined ? {} : { configFile: args.config }) }, deps);
}
