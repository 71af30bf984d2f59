import type { Args } from '../cli/args.js';
import type { Context } from '../system/context.js';
import type { SignalRelay } from '../cli/signal-relay.js';
import type { Config, NodeConfig } from '../config/index.js';
import type { EmergeOutcome } from '../emerge/launch.js';
import type { PortageOutcome } from '../checks/local/local-checks.js';
import type { PortageStart } from '../checks/start-portage.js';
import type { NativePlan, PortageFacts } from '../portage/index.js';
import type { EmergeCommand } from '../run-env/flag-mounts.js';
import type { RunDir } from '../run-env/run-dir.js';

// One `demerge <args>` run is a list of small steps over this state. Each step reads what
// earlier steps left and adds its own part; cleanups run in reverse order on every exit path.

export interface Transport {
  /** The single-word DISTCC_SSH program of the run. */
  distccSsh: string;
  /** True when the transport cannot work inside Portage's network sandbox. */
  needsNetwork: boolean;
}

export interface RunState {
  readonly ctx: Context;
  readonly args: Args;
  readonly relay: SignalRelay;
  config?: Config;
  /** Absolute path of the emerge program. */
  emerge?: string;
  /** Portage's answer and its flags, asked for while the nodes are probed. */
  portage?: PortageStart;
  portageFacts?: PortageFacts;
  /** The checks that need Portage's answer, which the build takes after the transport. */
  portageChecks?: Promise<PortageOutcome>;
  /** What the run does with -march=native and -mtune=native. */
  nativePlan?: NativePlan;
  /** emerge with the user's arguments, or the same behind the run's bind mounts. */
  emergeCommand?: EmergeCommand;
  /** Nodes that passed the checks, in configured order. */
  live?: NodeConfig[];
  /** The build user's ids when running as root (Portage's userpriv). */
  buildUser?: { uid: number; gid: number };
  runDir?: RunDir;
  transport?: Transport;
  distccDir?: string;
  /** DISTCC_LOG of the run, which the dashboard reads. */
  distccLog?: string;
  env?: Record<string, string>;
  /** The run's node-events file (tunnel transport), which the dashboard tails. */
  nodeEvents?: string;
  /**
   * Stops or resumes sending a connected node jobs, for a cause the dashboard saw (its disk
   * full); only the tunnel transport can.
   */
  holdNode?: (host: string, held: boolean, reason: string) => void;
  /** True while the dashboard owns the terminal: plain lines would garble it. */
  screenTaken?: boolean;
  outcome?: EmergeOutcome;
  readonly cleanups: Array<() => void | Promise<void>>;
}

/** A step returns 'stop' when the run is settled (outcome set) and later steps must not run. */
export type Step = (state: RunState) => Promise<void | 'stop'> | void | 'stop';

export function say(state: Pick<RunState, 'ctx'>, line: string): void {
  state.ctx.stderr.write(`${line}\n`);
}
