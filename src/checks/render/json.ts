import type { Report } from '../types.js';

// `demerge --dry-check --json`: one document for scripts and monitoring, described by
// schema/dry-check.schema.json. `version` is the document format's, raised on any
// incompatible change.

const DRY_CHECK_FORMAT_VERSION = 1;

export function renderJson(report: Report): string {
  const document = {
    version: DRY_CHECK_FORMAT_VERSION,
    nodes: report.nodes.map((node) => ({
      name: node.name,
      host: node.node.host,
      port: node.node.port,
      user: node.node.user,
      slots: node.node.slots,
      usable: node.usable,
      ...node.facts,
    })),
    checks: [...report.local, ...report.nodes.flatMap((node) => node.checks)].map((check) => ({
      id: check.id,
      node: check.node,
      verdict: check.verdict,
      message: check.message,
      ...(check.fix === undefined || check.verdict === 'ok' ? {} : { fix: check.fix }),
    })),
    summary: report.summary,
    ...(report.portage === undefined ? {} : { portage: report.portage }),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
