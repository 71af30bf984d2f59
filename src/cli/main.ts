import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { parseArgs } from './args.js';
import { watchBuild } from '../dashboard/watch.js';
import { build } from '../run/build.js';
import type { Context } from '../system/context.js';
import { dryCheck } from './dry-check.js';
import { renderHelp } from './help.js';
import { version } from './version.js';
import { setup } from './setup.js';
import { trust } from './trust.js';

// The one place that turns what happened into an exit status.

export type Exit = { exitCode: number; signal?: undefined } | { exitCode?: undefined; signal: NodeJS.Signals };

export async function main(ctx: Context): Promise<Exit> {
  try {
    const args = parseArgs(ctx.argv);
    switch (args.mode) {
      case 'help':
        ctx.stdout.write(renderHelp(version()));
        return { exitCode: 0 };
      case 'version':
        ctx.stdout.write(`demerge ${version()}\n`);
        return { exitCode: 0 };
      case 'dry-check':
        return { exitCode: await dryCheck(ctx, args) };
      case 'setup':
        return { exitCode: await setup(ctx, args) };
      case 'trust':
        return { exitCode: await trust(ctx, args) };
      case 'dashboard':
        return { exitCode: await watchBuild(ctx, args) };
      case 'build':
        return await build(ctx, args);
    }
  } catch (error) {
    if (error instanceof DemergeError) {
      ctx.stderr.write(`${msg.errorLine(error.message, error.fix)}\n`);
      return { exitCode: error.exitCode };
    }
    ctx.stderr.write(`${msg.unexpectedErrorLine(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    return { exitCode: 70 };
  }
}

