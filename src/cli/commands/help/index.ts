import type { Context } from '../../../system/context.js';
import { renderHelp } from '../../../messages/help.js';
import { version } from '../version/index.js';

// `demerge --help`: its text is in src/messages/help.ts, kept in step with man/demerge.1.

export function help(ctx: Pick<Context, 'stdout'>): void {
  ctx.stdout.write(renderHelp(version()));
}
