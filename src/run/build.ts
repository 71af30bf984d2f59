import type { Args } from '../cli/args.js';
import type { Context } from '../system/context.js';
import { SignalRelay } from '../cli/signal-relay.js';
import type { EmergeOutcome } from '../emerge/launch.js';
import { prepareDistccLog } from './dashboard-log.js';
import { launchEmerge } from './launch.js';
import { loadRunConfig } from './load-config.js';
import { localFallback } from './local-fallback.js';
import { nativeFlags } from './native-flags.js';
import { portageSettings } from './portage-settings.js';
import { prepareRunDir } from './prepare-run-dir.js';
import { runEnvironment } from './run-environment.js';
import type { RunState, Step } from './run-state.js';
import { transport } from './transport.js';
import { verifyNodes } from './verify-nodes.js';

// `demerge <emerge args>`: check the nodes, build the run's distcc environment, run emerge,
// clean up. Each step is small and reads the state the earlier ones left.
export const BUILD_STEPS: readonly Step[] = [
  loadRunConfig,
  verifyNodes,
  localFallback,
  prepareRunDir,
  transport,
  portageSettings,
  nativeFlags,
  prepareDistccLog,
  runEnvironment,
  launchEmerge,
];

export async function build(ctx: Context, args: Args, steps: readonly Step[] = BUILD_STEPS): Promise<EmergeOutcome> {
  const state: RunState = { ctx, args, relay: new SignalRelay(ctx), cleanups: [] };
  try {
    for (const step of steps) {
      if ((await step(state)) === 'stop') break;
      // A signal between steps ends the run before anything more is started.
      if (state.relay.received !== undefined && state.outcome === undefined) {
        state.outcome = { signal: state.relay.received };
        break;
      }
    }
    return state.outcome ?? { exitCode: 70 };
  } finally {
    for (const cleanup of state.cleanups.reverse()) await cleanup();
    state.relay.dispose();
  }
}
