import type { LocalCauses, PackageSummary, RunSummary } from '../dashboard/summary.js';
import type { EmergeOutcome } from '../emerge/launch.js';
import { RECORD_VERSION, renderRecord, type LocalCauseCounts, type RunRecord } from '../history/record.js';
import { appendRecord, historyPath } from '../history/store.js';
import * as msg from '../messages.js';
import * as say from '../messages/report.js';
import { say as line, type Ready } from './run-state.js';

// Every run that built with distcc leaves one record in the history (history/store.ts), which
// `demerge report` reads. As root only (or with $DEMERGE_HISTORY): the file is root's, and a
// non-root emerge builds nothing. A record that cannot be written is one warning, never the
// run's outcome.

function causeCounts(causes: LocalCauses): LocalCauseCounts {
  const counts: LocalCauseCounts = {};
  if (causes.byChoice > 0) counts.by_choice = causes.byChoice;
  if (causes.afterFallback > 0) counts.after_fallback = causes.afterFallback;
  for (const cause of causes.localOnly) counts[cause.cause] = cause.count;
  return counts;
}

function packageRecord(p: PackageSummary): RunRecord['packages'][number] {
  return { atom: p.atom, remote_jobs: p.remoteJobs, local_jobs: p.localJobs, local_causes: causeCounts(p.localCauses), seconds: p.seconds ?? null };
}

/** The run's record: its summary, its emerge arguments and how emerge ended. */
export function runRecord(id: string, args: readonly string[], summary: RunSummary, outcome: EmergeOutcome): RunRecord {
  const record: RunRecord = {
    v: RECORD_VERSION,
    id,
    started: new Date(summary.startedAt).toISOString(),
    ended: new Date(summary.startedAt + summary.wallSeconds * 1000).toISOString(),
    exit: outcome.exitCode ?? (outcome.notStarted === undefined ? null : outcome.notStarted === 'not-executable' ? 126 : 127),
    args: [...args],
    attribution: summary.attribution,
    nodes: summary.nodes.map((n) => ({ host: n.name, jobs: n.jobs, failed: n.failed, fallbacks: n.fallbacks })),
    packages: summary.packages.map(packageRecord),
  };
  if (outcome.signal !== undefined) record.signal = outcome.signal;
  const loose = summary.unattributed;
  if (loose !== undefined) record.unattributed = { remote_jobs: loose.remoteJobs, local_jobs: loose.localJobs, local_causes: causeCounts(loose.localCauses) };
  return record;
}

export async function recordRun(state: Ready, summary: RunSummary, outcome: EmergeOutcome): Promise<void> {
  const { ctx } = state;
  if (ctx.uid !== 0 && (ctx.env.DEMERGE_HISTORY ?? '') === '') return;
  const path = historyPath(state.portageFacts.eprefix, ctx.env);
  const written = await appendRecord(path, renderRecord(runRecord(state.runDir.id, state.options.emergeArgs, summary, outcome)), { uid: ctx.uid });
  if (!written.ok) line(state, msg.warningLine(say.notRecorded(path, written.reason), say.notRecordedFix()));
}
