import type { NodeConfig } from '../config/types.js';
import type { HostOption } from '../hosts/types.js';

// What every check reports: a verdict, one line saying what was found, and for a warning or a
// failure the exact fix. `--json` prints these objects as they are (schema/dry-check.schema.json).

export type Verdict = 'ok' | 'warn' | 'fail';

export interface Check {
  /** Stable name of the check, e.g. `key.permissions` or `node.login`. */
  id: string;
  /** nodeName() of the node, or null for a check of the front end. */
  node: string | null;
  verdict: Verdict;
  message: string;
  fix?: string;
}

/** What a node told us, for the summary and `--json`. */
export interface NodeFacts {
  rttMs?: number;
  loginMs?: number;
  distccd?: string;
  compiler?: string;
  cpus?: number;
  load?: number;
  suggestedSlots?: number;
  forcedCommand?: boolean;
  trialMs?: number;
  /** distcc options worth adding for this node (a suggestion, not a problem). */
  suggestedOptions?: HostOption[];
}

export interface NodeReport {
  node: NodeConfig;
  name: string;
  /** No failed check of its own and none on the front end: the run would use it. */
  usable: boolean;
  checks: Check[];
  facts: NodeFacts;
}

export interface Summary {
  usableNodes: number;
  totalNodes: number;
  remoteSlots: number;
  localSlots: number;
  makeopts: string;
  /** Empty when no node is usable: the run would build locally without distcc. */
  distccHosts: string;
  exitCode: 0 | 1 | 2;
}

/** What Portage said, for `--json`. */
export interface PortageReport {
  origin: 'portageq' | 'defaults';
  portageq?: string;
  eprefix: string;
  configRoot: string;
  emergeLog: string;
  chost?: string;
  flags: PortageFlagReport[];
}

export interface PortageFlagReport {
  word: string;
  variable: string;
  /** A path, or "the environment", or "Portage's profile". */
  file: string;
  line: number;
  /** The packages whose package.env gives them the flag; empty for every package. */
  atoms: string[];
  action: 'resolved' | 'stays-local';
  /** The explicit flags the run uses in its place. */
  expansion?: string[];
}

export interface Report {
  local: Check[];
  nodes: NodeReport[];
  summary: Summary;
  portage?: PortageReport;
}

export const ok = (id: string, node: string | null, message: string): Check => ({ id, node, verdict: 'ok', message });

export const warn = (id: string, node: string | null, [message, fix]: readonly [string, string]): Check => ({
  id,
  node,
  verdict: 'warn',
  message,
  fix,
});

export const fail = (id: string, node: string | null, [message, fix]: readonly [string, string]): Check => ({
  id,
  node,
  verdict: 'fail',
  message,
  fix,
});
