import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import type { Context } from '../system/context.js';
import { parseArgs } from './args.js';
import { buildCommand } from './commands/build/index.js';
import { dashboard } from './commands/dashboard/index.js';
import { dryCheck } from './commands/dry-check/index.js';
import { help } from './commands/help/index.js';
import { report } from './commands/report/index.js';
import { setup } from './commands/setup/index.js';
import { trust } from './commands/trust/index.js';
import { showVersion } from './commands/version/index.js';
import { commandExit, emergeExit, errorExit, SUCCESS, type Exit } from './exit-status.js';

// The command line to its command; what the command came to to demerge's exit (exit-status.ts).

export async function main(ctx: Context): Promise<Exit> {
  try {
    const args = parseArgs(ctx.argv);
    switch (args.mode) {
      case 'help':
        help(ctx);
        return SUCCESS;
      case 'version':
        showVersion(ctx);
        return SUCCESS;
      case 'dry-check':
        return commandExit(await dryCheck(ctx, args));
      case 'setup':
        return commandExit(await setup(ctx, args));
      case 'trust':
        return commandExit(await trust(ctx, args));
      case 'report':
        return commandExit(await report(ctx, args));
      case 'dashboard':
        return commandExit(await dashboard(ctx, args));
      case 'build':
        return emergeExit(await buildCommand(ctx, args));
    }
  } catch (error) {
    if (error instanceof DemergeError) ctx.stderr.write(`${msg.errorLine(error.message, error.fix)}\n`);
    else ctx.stderr.write(`${msg.unexpectedErrorLine(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    return errorExit(error);
  }
}
