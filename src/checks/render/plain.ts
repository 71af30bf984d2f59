import * as msg from '../../messages.js';
import type { Check, Report, Summary } from '../types.js';

// Plain lines for logs and pipes: `ok|warn|FAIL  <node or local>  <check>: <message>`, and under
// every warning or failure `      fix: <exact fix>`. Render functions return strings; printing
// is the caller's.

const VERDICT = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;

export function renderCheck(check: Check, subjectWidth = 0): string {
  const subject = (check.node ?? 'local').padEnd(subjectWidth);
  const line = msg.checkLine(VERDICT[check.verdict], subject, check.id, check.message);
  return check.fix === undefined || check.verdict === 'ok' ? line : `${line}\n${msg.fixLine(check.fix)}`;
}

export function renderChecks(checks: readonly Check[], subjectWidth = 0): string {
  return checks.map((check) => `${renderCheck(check, subjectWidth)}\n`).join('');
}

export function subjectWidth(report: Pick<Report, 'nodes'>): number {
  return Math.max('local'.length, ...report.nodes.map((node) => node.name.length));
}

export function renderSummary(summary: Summary): string {
  const lines =
    summary.usableNodes === 0
      ? [msg.summaryNothingUsable(summary.totalNodes)]
      : [
          msg.summaryUsable(summary.usableNodes, summary.totalNodes, summary.remoteSlots, summary.localSlots),
          msg.summaryRun(summary.distccHosts, summary.makeopts),
        ];
  lines.push(`${msg.summaryVerdict(summary.exitCode)} (exit ${summary.exitCode})`);
  return `${lines.join('\n')}\n`;
}

export function renderReport(report: Report): string {
  const width = subjectWidth(report);
  return `${renderChecks(report.local, width)}${report.nodes.map((node) => renderChecks(node.checks, width)).join('')}\n${renderSummary(report.summary)}`;
}
