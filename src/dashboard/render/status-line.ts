import * as say from '../../messages/dashboard-view.js';
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
  const unavailable = rows
    .filter((r) => r.condition === 'unreachable' || r.condition === 'distcc-backoff')
    .map((r) => (r.condition === 'distcc-backoff' ? say.nodeInDistccBackoff(r.name, r.distccBackoffSeconds ?? 0) : say.nodeUnreachable(r.name)));
  const parts = [say.nodesUpText(t.nodesUp, t.nodes), say.jobsRunning(rows), say.compiledStatus(t.remote, t.local)];
  if (t.localOnly > 0) parts.push(say.localOnlyStatus(causeCounts(t.localOnlyByCause, CAUSES_ROOM)));
  if (t.fallbacks > 0) parts.push(say.fallbackCount(t.fallbacks));
  if (unavailable.length > 0) parts.push(unavailable.join(', '));
  return say.statusLine(parts);
}
