import { nodeName } from '../checks/node-name.js';
import { probeNodes } from '../checks/probe-nodes.js';
import { loadConfig } from '../config/index.js';
import { connectAuth } from '../ssh/auth.js';
import type { Args } from './args.js';
import type { Context } from './context.js';

// `demerge --dry-check`: the checks a build would run, without the build. Exit 0 all good,
// 1 usable with some nodes left out, 2 nothing usable or a configuration error.

export async function dryCheck(ctx: Context, args: Args): Promise<number> {
  const config = loadConfig({
    flags: args.config === undefined ? {} : { config: args.config },
    env: ctx.env,
    readFile: ctx.readFile,
    cpuCount: ctx.cpuCount,
  });
  const auth = connectAuth(ctx, config);
  const probes = await probeNodes(config.nodes, auth);
  for (const probe of probes) {
    const name = nodeName(probe.node);
    ctx.stdout.write(probe.ok ? `ok    ${name}: key login as ${probe.node.user} in ${probe.loginMs} ms\n` : `FAIL  ${name}: ${probe.detail}\n`);
  }
  const live = probes.filter((probe) => probe.ok).length;
  if (live === 0) return 2;
  return live === probes.length ? 0 : 1;
}
