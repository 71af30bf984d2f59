// One run of demerge as the history keeps it: one JSON object on one line (JSON Lines), written
// once when the run ends. `demerge report --json` prints these objects as they are
// (schema/report.schema.json). Field names are snake_case, as in JSON documents for scripts.
//
// Reading is defensive: the file is root's, but a record may be torn (a crash mid-write), cut,
// from a newer demerge, or edited by hand. A record that does not hold every field with its
// type is skipped and counted, never half-used.

export const RECORD_VERSION = 1;

/** Local jobs by cause: `by_choice`, `after_fallback`, and distcc's causes by their labels. */
export type LocalCauseCounts = Record<string, number>;

export interface PackageRecord {
  /** category/name-version. */
  atom: string;
  remote_jobs: number;
  local_jobs: number;
  local_causes: LocalCauseCounts;
  /** emerge.log's start to completion; null when the package did not complete. */
  seconds: number | null;
}

export interface NodeRecord {
  host: string;
  /** Compiles that completed there. */
  jobs: number;
  failed: number;
  fallbacks: number;
}

export interface RunRecord {
  v: typeof RECORD_VERSION;
  /** The run directory's name: `<demerge pid>-<random>`. */
  id: string;
  /** ISO 8601, UTC. */
  started: string;
  ended: string;
  /** emerge's exit status; null when it ended by a signal (then `signal`). */
  exit: number | null;
  signal?: string;
  /** emerge's arguments. */
  args: string[];
  /** How jobs were given to packages: each package's own log, or emerge.log's times. */
  attribution: 'package-logs' | 'emerge-log';
  nodes: NodeRecord[];
  packages: PackageRecord[];
  /** Jobs no single package could be given. */
  unattributed?: { remote_jobs: number; local_jobs: number; local_causes: LocalCauseCounts };
}

/** The share of distributable jobs that ran remotely, in %; undefined with none. */
export function remoteShare(record: { remote_jobs: number; local_causes: LocalCauseCounts }): number | undefined {
  const distributable = record.remote_jobs + (record.local_causes.by_choice ?? 0) + (record.local_causes.after_fallback ?? 0);
  return distributable === 0 ? undefined : (record.remote_jobs / distributable) * 100;
}

/** A record as its line in the history, newline included. */
export function renderRecord(record: RunRecord): string {
  return `${JSON.stringify(record)}\n`;
}

// --- reading --------------------------------------------------------------------------------

// Bounds for what a record may hold: a world update is hundreds of packages, not millions.
const MAX_TEXT = 4096;
const MAX_ITEMS = 100_000;
const MAX_CAUSES = 256;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown, max = MAX_TEXT): value is string {
  return typeof value === 'string' && value.length <= max;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isTime(value: unknown): value is string {
  return isText(value, 64) && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/.test(value) && !Number.isNaN(Date.parse(value));
}

function causes(value: unknown): LocalCauseCounts | undefined {
  if (!isObject(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length > MAX_CAUSES) return undefined;
  const out: LocalCauseCounts = {};
  for (const [key, count] of entries) {
    if (!isText(key, 256) || !isCount(count)) return undefined;
    out[key] = count;
  }
  return out;
}

function packageOf(value: unknown): PackageRecord | undefined {
  if (!isObject(value)) return undefined;
  const { atom, remote_jobs, local_jobs, seconds } = value;
  const local_causes = causes(value.local_causes);
  if (!isText(atom, 512) || atom === '' || !isCount(remote_jobs) || !isCount(local_jobs) || local_causes === undefined) return undefined;
  if (seconds !== null && !(typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0)) return undefined;
  return { atom, remote_jobs, local_jobs, local_causes, seconds };
}

function nodeOf(value: unknown): NodeRecord | undefined {
  if (!isObject(value)) return undefined;
  const { host, jobs, failed, fallbacks } = value;
  if (!isText(host, 512) || host === '' || !isCount(jobs) || !isCount(failed) || !isCount(fallbacks)) return undefined;
  return { host, jobs, failed, fallbacks };
}

function listOf<T>(value: unknown, item: (v: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(value) || value.length > MAX_ITEMS) return undefined;
  const out: T[] = [];
  for (const entry of value) {
    const parsed = item(entry);
    if (parsed === undefined) return undefined;
    out.push(parsed);
  }
  return out;
}

/** One line of the history as a record; undefined when it is not a whole, valid one. */
export function parseRecord(line: string): RunRecord | undefined {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(data) || data.v !== RECORD_VERSION) return undefined;
  const { id, started, ended, exit, signal, attribution } = data;
  if (!isText(id, 256) || id === '' || !isTime(started) || !isTime(ended)) return undefined;
  if (exit !== null && !(isCount(exit) && exit <= 255)) return undefined;
  if (signal !== undefined && !(isText(signal, 32) && /^SIG[A-Z0-9]+$/.test(signal))) return undefined;
  if (attribution !== 'package-logs' && attribution !== 'emerge-log') return undefined;
  const args = listOf(data.args, (v) => (isText(v) ? v : undefined));
  const nodes = listOf(data.nodes, nodeOf);
  const packages = listOf(data.packages, packageOf);
  if (args === undefined || nodes === undefined || packages === undefined) return undefined;
  const record: RunRecord = { v: RECORD_VERSION, id, started, ended, exit, args, attribution, nodes, packages };
  if (signal !== undefined) record.signal = signal;
  if (data.unattributed !== undefined) {
    const loose = data.unattributed;
    const local_causes = isObject(loose) ? causes(loose.local_causes) : undefined;
    if (!isObject(loose) || !isCount(loose.remote_jobs) || !isCount(loose.local_jobs) || local_causes === undefined) return undefined;
    record.unattributed = { remote_jobs: loose.remote_jobs, local_jobs: loose.local_jobs, local_causes };
  }
  return record;
}
