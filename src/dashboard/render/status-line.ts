import type { DashboardState } from '../state.js';
import { causeCounts, hostRows, totals } from './rows.js';

// Without a dashboard (--no-dashboard, or stdout not a terminal) a build still says how it
// goes, one plain line every few seconds on stderr: nodes up, jobs per host, where compiles ran.

// Room for the causes of local-only jobs: the line is read in a log or a terminal, and stays
// about one line of an 80-column terminal alongside the rest.
const CAUSES_ROOM = 48;

export function renderStatusLine(state: DashboardState, now: number): string {
  const t = totals(state, now);
  const rows = hostRows(state, now);
  const jobs = rows.map((r) => `${r.name} ${r.busy}`).join(', ');
  const unwell = rows
    .filter((r) => r.condition === 'unreachable' || r.condition === 'backoff')
    .map((r) => `${r.name} ${r.condition === 'backoff' ? `in distcc backoff ${r.backoffSeconds ?? 0}s` : 'unreachable'}`);
  const parts = [`${t.nodesUp}/${t.nodes} nodes up`, `jobs running: ${jobs}`, `compiled ${t.remote} remote, ${t.local} local`];
  if (t.localOnly > 0) parts.push(`local-only: ${causeCounts(t.localByCause, CAUSES_ROOM)}`);
  if (t.fallbacks > 0) parts.push(`${t.fallbacks} fallback${t.fallbacks === 1 ? '' : 's'}`);
  if (unwell.length > 0) parts.push(unwell.join(', '));
  return `demerge: ${parts.join('; ')}`;
}
