// The run's record of what other runs hold on each node (transport "tunnel": the node's shared
// service reports it on change, at most twice a second), one small JSON object in the run
// directory, replaced as a whole: `{ "<host>": { "jobs": N, "waiting": N, "runs": N } }`. The
// transport writes it; the dashboard reads it each tick, attached or not.

export const SHARED_SLOTS_FILE = 'shared-slots.json';

export interface OtherRuns {
  /** Jobs of other runs compiling on the node now. */
  jobs: number;
  /** Jobs of other runs waiting there for a slot. */
  waiting: number;
  /** Other runs registered on the node, from any front end. */
  runs: number;
}

const MAX_BYTES = 256 * 1024;
const MAX_HOSTS = 1024;

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 1e6 ? value : undefined;
}

/** The file's hosts; anything malformed reads as nothing (a half-written file never is: rename). */
export function parseSharedSlots(text: string): Map<string, OtherRuns> {
  const result = new Map<string, OtherRuns>();
  if (text.length > MAX_BYTES) return result;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return result;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return result;
  for (const [host, value] of Object.entries(data as Record<string, unknown>).slice(0, MAX_HOSTS)) {
    if (typeof value !== 'object' || value === null) continue;
    const { jobs, waiting, runs } = value as Record<string, unknown>;
    const parsed = { jobs: count(jobs), waiting: count(waiting), runs: count(runs) };
    if (parsed.jobs === undefined || parsed.waiting === undefined || parsed.runs === undefined) continue;
    result.set(host, { jobs: parsed.jobs, waiting: parsed.waiting, runs: parsed.runs });
  }
  return result;
}
