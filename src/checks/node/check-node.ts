import * as msg from '../../messages.js';
import type { FrontCompiler } from '../local/front-compiler.js';
import { hasFailure } from '../summary.js';
import { fail, ok, type Check, type NodeFacts } from '../types.js';
import { probeNode, type ProbeInput } from './probe-node.js';
import type { TrialRunner } from './trial-compile.js';

// One node's checks: the probe, then in --dry-check the trial compile, on the probe's own
// connection, for a node whose probe passed.

export interface TrialContext {
  /** The shared runner; undefined when the front end cannot run distcc (its checks say why). */
  runner(): Promise<TrialRunner | undefined>;
  /** Why the runner could not be set up, once runner() has settled. */
  setupError(): Error | undefined;
  compiler: Promise<FrontCompiler | undefined>;
  slug: string;
  timeoutMs: number;
}

export interface NodeOutcome {
  checks: Check[];
  facts: NodeFacts;
}

export async function checkNode(probeInput: Omit<ProbeInput, 'keepOpen'>, trial: TrialContext | undefined): Promise<NodeOutcome> {
  const { node, name } = probeInput;
  const probe = await probeNode({ ...probeInput, keepOpen: trial !== undefined });
  const checks = [...probe.checks];
  let facts = probe.facts;
  const add = (check: Check): void => {
    checks.push(check);
    probeInput.emit(check);
  };
  try {
    const session = probe.session;
    if (trial === undefined || session === undefined || hasFailure(probe.checks) || probeInput.signal?.aborted === true) return { checks, facts };
    const runner = await trial.runner();
    const front = await trial.compiler;
    if (runner !== undefined && front !== undefined) {
      const result = await runner.compile({
        node,
        name,
        slug: trial.slug,
        compiler: front.name,
        forcedCommand: probe.forcedCommand,
        client: session.client,
        timeoutMs: trial.timeoutMs,
      });
      add(result.check);
      if (result.shared !== undefined) add(ok('node.shared', name, msg.nodeSharedSlots(result.shared.slots, result.shared.others)));
      if (result.ms !== undefined) facts = { ...facts, trialMs: result.ms };
    } else {
      const error = trial.setupError();
      if (error !== undefined) add(fail('node.trial-compile', name, msg.trialSetupFailed(error.message)));
    }
    return { checks, facts };
  } finally {
    probe.session?.close();
  }
}
