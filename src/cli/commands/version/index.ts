import { readFileSync } from 'node:fs';
import type { Context } from '../../../system/context.js';

/** demerge's version, from its package.json. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** `demerge --version`. */
export function showVersion(ctx: Pick<Context, 'stdout'>): void {
  ctx.stdout.write(`demerge ${version()}\n`);
}
