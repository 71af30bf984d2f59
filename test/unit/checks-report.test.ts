import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/checks/render/json.js';
import { renderCheck, renderReport } from '../../src/checks/render/plain.js';
import { exitCode, summarize } from '../../src/checks/summary.js';
import type { Check, NodeReport, Report } from '../../src/checks/types.js';
import { validate } from './checks-schema-validator.js';

// The --json document, loosely: the tests spoil it on purpose.
interface Doc {
  checks: Array<Record<string, unknown>>;
  nodes: Array<Record<string, unknown>>;
  summary?: Record<string, unknown>;
}

// What a run's results add up to (usable nodes, DISTCC_HOSTS, MAKEOPTS, exit status) and how
// they are printed: plain lines and the JSON document its schema describes.

const SCHEMA = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../schema/dry-check.schema.json'), 'utf8')) as Record<string, unknown>;

const node = (host: string, slots: number, checks: Check[], localFailed = false): NodeReport => ({
  node: { host, user: 'distcc', port: 22, slots, options: [] },
  name: host,
  usable: !localFailed && !checks.some((c) => c.verdict === 'fail'),
  checks,
  facts: { rttMs: 0.2, cpus: 4 },
});
const okCheck = (id: string, subject: string | null): Check => ({ id, node: subject, verdict: 'ok', message: 'fine' });
const warnCheck = (id: string, subject: string | null): Check => ({ id, node: subject, verdict: 'warn', message: 'hmm', fix: 'do this' });
const failCheck = (id: string, subject: string | null): Check => ({ id, node: subject, verdict: 'fail', message: 'broken', fix: 'do that' });

function report(local: Check[], nodes: NodeReport[]): Report {
  return { local, nodes, summary: summarize({ localSlots: 2, loadLimit: 4 }, local, nodes, undefined) };
}

describe('dry-check results', () => {
  it.each([
    { what: 'all good', local: [okCheck('key.file', null)], nodes: [node('a', 4, [okCheck('node.tcp', 'a')])], code: 0 },
    { what: 'a warning on the front end', local: [warnCheck('portage.package-env', null)], nodes: [node('a', 4, [okCheck('node.tcp', 'a')])], code: 1 },
    { what: 'a warning on a node', local: [], nodes: [node('a', 4, [warnCheck('node.compiler', 'a')])], code: 1 },
    { what: 'one node left out', local: [], nodes: [node('a', 4, []), node('b', 4, [failCheck('node.tcp', 'b')])], code: 1 },
    { what: 'every node left out', local: [], nodes: [node('a', 4, [failCheck('node.tcp', 'a')])], code: 2 },
    { what: 'a failure on the front end', local: [failCheck('key.permissions', null)], nodes: [node('a', 4, [], true)], code: 2 },
    { what: 'no nodes', local: [], nodes: [], code: 2 },
  ])('$what: exit $code', ({ local, nodes, code }) => {
    expect(exitCode(local, nodes)).toBe(code);
  });

  it('sums what a build would use, from the usable nodes in order', () => {
    const nodes = [node('a', 4, []), node('b', 8, [failCheck('node.tcp', 'b')]), node('c', 2, [])];
    expect(summarize({ localSlots: 2, loadLimit: 4 }, [], nodes, undefined)).toEqual({
      usableNodes: 2,
      totalNodes: 3,
      remoteSlots: 6,
      localSlots: 2,
      makeopts: '-j17 -l4',
      distccHosts: 'distcc@a/4 distcc@c/2 localhost/2',
      exitCode: 1,
    });
    expect(summarize({ localSlots: 2, loadLimit: 0 }, [], nodes, 5).makeopts).toBe('-j5');
  });

  it('prints one line per check, and the fix under a warning or failure', () => {
    expect(renderCheck(okCheck('key.file', null), 10)).toBe('ok    local       key.file: fine');
    expect(renderCheck(failCheck('node.tcp', 'node1'), 10)).toBe('FAIL  node1       node.tcp: broken\n      fix: do that');
    expect(renderCheck(warnCheck('node.cpus', 'node1'))).toBe('warn  node1  node.cpus: hmm\n      fix: do this');
  });

  it('prints the summary after the checks', () => {
    const text = renderReport(report([okCheck('key.file', null)], [node('a', 4, [okCheck('node.tcp', 'a')])]));
    expect(text).toContain('usable nodes: 1 of 1, 4 remote slots + 2 local slots');
    expect(text).toContain('DISTCC_HOSTS="distcc@a/4 localhost/2" MAKEOPTS="-j13 -l4"');
    expect(text.trimEnd().split('\n').at(-1)).toBe('all checks passed (exit 0)');
  });

  it.each([
    ['all good', report([okCheck('key.file', null)], [node('a', 4, [okCheck('node.tcp', 'a')])])],
    ['failures', report([failCheck('key.type', null), warnCheck('known-hosts.writable', null)], [node('a', 4, [failCheck('node.login', 'a')], true)])],
    ['no nodes', report([okCheck('build-user', null)], [])],
  ])('writes JSON that validates against the schema: %s', (_what, result) => {
    const document = JSON.parse(renderJson(result)) as unknown;
    expect(validate(SCHEMA, document)).toEqual([]);
  });

  it.each([
    [
      'a failure without a fix',
      (d: Doc) => {
        d.checks[0] = { id: 'key.type', node: null, verdict: 'fail', message: 'x' };
      },
    ],
    [
      'an unknown verdict',
      (d: Doc) => {
        d.checks[0]!.verdict = 'maybe';
      },
    ],
    [
      'an extra property',
      (d: Doc) => {
        d.summary!.extra = 1;
      },
    ],
    [
      'a missing summary',
      (d: Doc) => {
        delete d.summary;
      },
    ],
    [
      'a node without a name',
      (d: Doc) => {
        delete d.nodes[0]!.name;
      },
    ],
  ])('the schema rejects %s', (_what, spoil) => {
    const document = JSON.parse(renderJson(report([okCheck('key.file', null)], [node('a', 4, [])])));
    spoil(document);
    expect(validate(SCHEMA, document)).not.toEqual([]);
  });
});
