import type { Config } from '../config/index.js';
import type { Context } from '../system/context.js';
import type { AdminSshOptions } from './admin-ssh.js';
import type { BuildUser } from './build-user-dirs.js';
import type { SetupArgs } from './options.js';
import type { StepReport } from './report.js';
import type { SetupDeps } from './setup-deps.js';
import type { NodeSetupOptions, NodeTarget } from './setup-node.js';
import type { Checked, TrustTarget } from './trust-hosts.js';

// One `demerge setup ...` or `demerge trust ...` is a list of small steps over this state, as a
// build is (src/run/run-state.ts): each step reads what earlier steps left and adds its own
// part; cleanups run in reverse order on every exit path. Everything the steps do outside
// demerge goes through `ctx` and `deps`, so tests hand in their own.

/** What the command line asked for, and what only the CLI can lend. */
export interface SetupRequest {
  options: SetupArgs;
  /** --config=FILE */
  configFile?: string;
  /** demerge's version, for the node script and its forced command (setup node, setup). */
  version?: () => string;
  /** The dry check that ends `demerge setup`, a command of its own. */
  dryCheck?: () => Promise<number>;
}

export interface SetupState {
  readonly ctx: Context;
  readonly deps: SetupDeps;
  readonly request: SetupRequest;
  config?: Config;
  /** The build user, who must be able to read the key and known_hosts. */
  user?: BuildUser;
  /** Hosts whose host keys are to be trusted. */
  trustTargets?: TrustTarget[];
  /** Nodes to set up. */
  nodeTargets?: NodeTarget[];
  /** The build's known_hosts as read before any question (undefined: no file), and the text to write. */
  knownHosts?: { original: string | undefined; text: string };
  /** The nodes' host keys as fetched, in trustTargets order. */
  hostKeys?: Checked[];
  nodeOptions?: NodeSetupOptions;
  adminSsh?: AdminSshOptions;
  /** What the steps did, waiting to be printed. */
  reports: StepReport[];
  /** Some subject or step failed: the exit status is 1 at least. */
  failed: boolean;
  /** The exit status, when a step settles it (the dry check's, at the end of setup). */
  exitCode?: number;
  readonly cleanups: Array<() => void | Promise<void>>;
}

/** A step returns 'stop' when the command is settled and later steps must not run. */
export type Step = (state: SetupState) => Promise<void | 'stop'> | void | 'stop';

export function writeLine(stream: NodeJS.WritableStream, line: string): void {
  stream.write(`${line}\n`);
}
