import type { Context } from '../system/context.js';
import { findBuildUser, loadSetupConfig } from './load-config.js';
import { makeBuildKey } from './key-step.js';
import { adminSsh, findNodeTargets, nodeSetupOptions, printNodeScripts, setUpNodes } from './node-steps.js';
import type { SetupStep } from './options.js';
import { printReports } from './print-reports.js';
import { checkKeyAndHostKeys, confirmHostKeys, runDryCheck, writeKnownHostsAndSetUpNodes } from './recipe.js';
import type { SetupDeps } from './setup-deps.js';
import type { SetupRequest, SetupState, Step } from './setup-state.js';
import { findTrustTargets, readKnownHosts, trustHosts, writeTrustedKeys } from './trust-steps.js';

// `demerge setup key`, `demerge setup node HOST...`, `demerge trust HOST...` and `demerge setup`
// (all of them for the configured nodes, then the dry check), each a list of small steps.
// Exit 0 when every step is fine, 1 when some node or step failed (trust: nothing written),
// 2 for bad usage or configuration (thrown as a DemergeError; nothing changed).

const KEY_STEPS: readonly Step[] = [loadSetupConfig, findBuildUser, makeBuildKey, printReports];

const NODE_STEPS: readonly Step[] = [
  loadSetupConfig,
  findBuildUser,
  findNodeTargets('setup node'),
  nodeSetupOptions,
  printNodeScripts,
  adminSsh,
  setUpNodes,
  printReports,
];

const TRUST_STEPS: readonly Step[] = [loadSetupConfig, findBuildUser, findTrustTargets('trust'), readKnownHosts, trustHosts, printReports, writeTrustedKeys];

const RECIPE_STEPS: readonly Step[] = [
  loadSetupConfig,
  findBuildUser,
  findTrustTargets('setup'),
  findNodeTargets('setup'),
  readKnownHosts,
  checkKeyAndHostKeys,
  confirmHostKeys,
  printReports,
  nodeSetupOptions,
  adminSsh,
  writeKnownHostsAndSetUpNodes,
  runDryCheck,
];

const SETUP_STEPS: Readonly<Record<SetupStep, readonly Step[]>> = {
  all: RECIPE_STEPS,
  key: KEY_STEPS,
  node: NODE_STEPS,
  trust: TRUST_STEPS,
};

export async function runSetup(
  ctx: Context,
  request: SetupRequest,
  deps: SetupDeps,
  steps: readonly Step[] = SETUP_STEPS[request.options.step],
): Promise<number> {
  const state: SetupState = { ctx, deps, request, reports: [], failed: false, cleanups: [] };
  try {
    for (const step of steps) {
      if ((await step(state)) === 'stop') break;
    }
    return state.exitCode ?? (state.failed ? 1 : 0);
  } finally {
    for (const cleanup of state.cleanups.reverse()) await cleanup();
  }
}
