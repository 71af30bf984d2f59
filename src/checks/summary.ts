import type { Config } from '../config/types.js';
import { computeMakeopts } from '../run-env/makeopts.js';
import { formatDistccHosts } from '../run-env/distcc-hosts.js';
import type { Check, NodeReport, Summary } from './types.js';

// What the run would do with these results, by the same functions the build uses.

export function summarize(
  config: Pick<Config, 'localSlots' | 'loadLimit'>,
  local: readonly Check[],
  nodes: readonly NodeReport[],
  makeJobs: number | undefined,
): Summary {
  const usable = nodes.filter((node) => node.usable).map((node) => node.node);
  const remoteSlots = usable.reduce((sum, node) => sum + node.slots, 0);
  const makeopts =
    usable.length === 0 ? '' : computeMakeopts({ totalSlots: remoteSlots + config.localSlots, loadLimit: config.loadLimit, jobsOverride: makeJobs });
  return {
    usableNodes: usable.length,
    totalNodes: nodes.length,
    remoteSlots,
    localSlots: config.localSlots,
    makeopts,
    distccHosts: usable.length === 0 ? '' : formatDistccHosts(usable, config.localSlots),
    exitCode: exitCode(local, nodes),
  };
}

/** 0 all good; 1 usable, with warnings or some nodes left out; 2 nothing usable. */
export function exitCode(local: readonly Check[], nodes: readonly NodeReport[]): 0 | 1 | 2 {
  if (!nodes.some((node) => node.usable)) return 2;
  const checks = [...local, ...nodes.flatMap((node) => node.checks)];
  return checks.some((check) => check.verdict !== 'ok') ? 1 : 0;
}

export function hasFailure(checks: readonly Check[]): boolean {
  return checks.some((check) => check.verdict === 'fail');
}

/**
 * A failure that leaves every node out. Portage's flags do not: a flag that keeps some jobs
 * local (resolve_native = false with -march=native) still leaves the others to distribute.
 */
export function isFrontEndBlocker(check: Check): boolean {
  return check.verdict === 'fail' && !check.id.startsWith('portage.');
}

export function hasFrontEndBlocker(checks: readonly Check[]): boolean {
  return checks.some(isFrontEndBlocker);
}
