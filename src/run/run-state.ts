import type { PortageOutcome } from '../checks/local/local-checks.js';
import type { PortageStart } from '../checks/start-portage.js';
import type { Config, NodeConfig } from '../config/index.js';
import type { EmergeOutcome } from '../emerge/launch.js';
import type { NativePlan, PortageFacts } from '../portage/index.js';
import type { BindMount, EmergeCommand } from '../run-env/flag-mounts.js';
import type { PackageLogs } from '../run-env/package-logs.js';
import type { RunDir } from '../run-env/run-dir.js';
import type { RunAgent } from '../run-env/ssh-wrapper.js';
import type { AgentKey } from '../ssh/connect.js';
import type { Context } from '../system/context.js';
import type { SignalRelay } from '../system/signal-relay.js';

// One `demerge <args>` run is a list of small steps (build.ts). Each step takes the stage the
// one before it handed on and hands on the next, which adds what the step found out; or it
// ends the run (Ended). Cleanups run in reverse order on every exit path.

/** What the build is asked to do: the command line, less what only the CLI needs. */
export interface BuildOptions {
  /** emerge's arguments, untouched. */
  emergeArgs: readonly string[];
  /** --config=FILE. */
  config?: string;
  /** --strict: fail instead of building locally. */
  strict: boolean;
  /** --make-jobs=N. */
  makeJobs?: number;
  /** --no-dashboard: plain output and status lines even on a terminal. */
  noDashboard: boolean;
  /** --sample-interval, in milliseconds. */
  sampleIntervalMs?: number;
}

/** The run itself, which every stage carries. */
export interface Run {
  readonly ctx: Context;
  readonly options: BuildOptions;
  readonly relay: SignalRelay;
  readonly cleanups: Array<() => void | Promise<void>>;
  /** taken is true while the dashboard owns the terminal: plain lines would garble it. */
  readonly screen: { taken: boolean };
}

/** The configuration, emerge, and Portage's answer on its way. */
export interface Loaded extends Run {
  readonly config: Config;
  /** Absolute path of the emerge program. */
  readonly emerge: string;
  /** Portage's answer and its flags, asked for while the nodes are probed. */
  readonly portage: PortageStart;
}

/** The nodes that passed the checks. */
export interface Verified extends Loaded {
  /** Nodes that passed the checks, in configured order; never empty. */
  readonly live: readonly NodeConfig[];
  /** The checks that need Portage's answer, which the build takes after the transport. */
  readonly portageChecks: Promise<PortageOutcome>;
  /** A build key with a passphrase: the agent that holds it (the checks asked it). */
  readonly agentKey: AgentKey | undefined;
}

/** The run directory. */
export interface Prepared extends Verified {
  readonly runDir: RunDir;
  /** The build user's ids when running as root (Portage's userpriv). */
  readonly buildUser: { uid: number; gid: number } | undefined;
}

/** The agent's bridge for the build user, when the key is agent-held. */
export interface Bridged extends Prepared {
  readonly agent: RunAgent | undefined;
}

export interface Transport {
  /** The single-word DISTCC_SSH program of the run. */
  distccSsh: string;
  /** True when the transport cannot work inside Portage's network sandbox. */
  needsNetwork: boolean;
  /** The run's node-events file (tunnel transport), which the dashboard tails. */
  nodeEvents?: string;
  /**
   * Stops or resumes sending a connected node jobs, for a cause the dashboard saw (its disk
   * full); only the tunnel transport can.
   */
  holdNode?: (host: string, held: boolean, reason: string) => void;
  /** Told DISTCC_DIR once Portage has answered (make.conf may name it), before any job can need it. */
  useDistccDir(distccDir: string): void;
}

/** The run's DISTCC_SSH; live is now the nodes it reaches. */
export interface Connected extends Bridged {
  readonly transport: Transport;
}

/** Portage's answer, and the DISTCC_DIR it decides. */
export interface Answered extends Connected {
  readonly portageFacts: PortageFacts;
  readonly distccDir: string;
}

/** What the run does with -march=native and -mtune=native. */
export interface Flagged extends Answered {
  readonly nativePlan: NativePlan;
  /** The copies of Portage's files that emerge's own mount namespace shows at their paths. */
  readonly binds: readonly BindMount[];
}

/** DISTCC_LOG of the run, which the dashboard reads (absent: a relative one the user set). */
export interface Logged extends Flagged {
  readonly distccLog: string | undefined;
  /** The per-package logs (run-env/package-logs.ts); absent when jobs are told apart by emerge.log. */
  readonly packageLogs: PackageLogs | undefined;
  /** emerge with the user's arguments, or the same behind the run's bind mounts. */
  readonly emergeCommand: EmergeCommand;
}

/** The run's environment for emerge. */
export interface Ready extends Logged {
  readonly env: Record<string, string>;
}

/** The run is settled: emerge ran (or could not start), or a signal ended the run first. */
export class Ended {
  constructor(readonly outcome: EmergeOutcome) {}
}

/** A step: the next stage, or the end of the run. */
export type Step<In, Out> = (stage: In) => Out | Ended | Promise<Out | Ended>;

export function say(run: Pick<Run, 'ctx'>, line: string): void {
  run.ctx.stderr.write(`${line}\n`);
}

/** The run ended by the signal it received, or 'SIGINT' when the abort came without one. */
export function endedBySignal(run: Pick<Run, 'relay'>): Ended {
  return new Ended({ signal: run.relay.received ?? 'SIGINT' });
}
