import type { EmergeOutcome } from '../emerge/launch.js';
import { bridgeAgent } from './agent-bridge.js';
import type { Context } from '../system/context.js';
import { SignalRelay } from '../system/signal-relay.js';
import { prepareDistccLog } from './dashboard-log.js';
import { launchEmerge } from './launch.js';
import { loadRunConfig } from './load-config.js';
import { nativeFlags } from './native-flags.js';
import { portageSettings } from './portage-settings.js';
import { prepareRunDir } from './prepare-run-dir.js';
import { runEnvironment } from './run-environment.js';
import { Ended, type BuildOptions, type Run, type Step } from './run-state.js';
import { transport } from './transport.js';
import { verifyNodes } from './verify-nodes.js';

// `demerge <emerge args>`: check the nodes, build the run's distcc environment, run emerge,
// clean up. Each step is small and takes what the earlier ones found out.
export async function build(ctx: Context, options: BuildOptions): Promise<EmergeOutcome> {
  const run: Run = { ctx, options, relay: new SignalRelay(ctx), cleanups: [], screen: { taken: false } };
  try {
    const ended = await new Steps(run, Promise.resolve(run))
      .step(loadRunConfig)
      .step(verifyNodes)
      .step(prepareRunDir)
      .step(bridgeAgent)
      .step(transport)
      .step(portageSettings)
      .step(nativeFlags)
      .step(prepareDistccLog)
      .step(runEnvironment)
      .end(launchEmerge);
    return ended.outcome;
  } finally {
    for (const cleanup of run.cleanups.reverse()) await cleanup();
    run.relay.dispose();
  }
}

/** The steps so far: the stage they handed on, or how the run ended. */
class Steps<T> {
  constructor(
    private readonly run: Run,
    private readonly current: Promise<T | Ended>,
  ) {}

  step<Out>(step: Step<T, Out>): Steps<Out> {
    const next = this.current.then(async (stage) => {
      if (stage instanceof Ended) return stage;
      const result = await step(stage);
      if (result instanceof Ended) return result;
      // A signal between steps ends the run before anything more is started.
      const signal = this.run.relay.received;
      return signal === undefined ? result : new Ended({ signal });
    });
    return new Steps(this.run, next);
  }

  /** The last step, which only ends the run. */
  end(step: (stage: T) => Ended | Promise<Ended>): Promise<Ended> {
    return this.current.then((stage) => (stage instanceof Ended ? stage : step(stage)));
  }
}
