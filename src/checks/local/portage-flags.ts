import { localCauseLabel, localCauseOfFlag } from '../../distcc/scan-args.js';
import * as say from '../../messages/portage.js';
import { emergeLogPath, expansion, isNativeWord, siteLabel, type FlagOutlook, type FlagSite, type PortageQuery } from '../../portage/index.js';
import { fail, ok, warn, type Check, type PortageFlagReport, type PortageReport } from '../types.js';

// The `portage.query` and `portage.flags` checks: whether Portage answered, and every flag of
// Portage's that keeps distcc's jobs local, with what the run does about it.

export function portageQueryCheck(query: PortageQuery): Check {
  return query.answer.ok
    ? ok('portage.query', null, say.portageqOk(query.answer.program, Math.round(query.answer.ms)))
    : warn('portage.query', null, say.portageqFailed(query.answer.reason));
}

function verdictOf(outlook: FlagOutlook, site: FlagSite): { action: PortageFlagReport['action']; check: Check } {
  const where = siteLabel(site);
  if (isNativeWord(site.word)) {
    const flags = outlook.resolution?.ok === true ? outlook.resolution.flags : undefined;
    if (flags !== undefined && outlook.plan.resolved.includes(site)) {
      return { action: 'resolved', check: ok('portage.flags', null, say.nativeResolved(site.word, where, site.atoms, expansion(flags, site.word))) };
    }
    const unhandled = outlook.plan.unhandled.find((entry) => entry.site === site);
    const why = unhandled?.why ?? 'unresolved';
    const detail = outlook.resolution?.ok === false ? outlook.resolution.reason : undefined;
    const problem = say.nativeStays(site.word, where, site.atoms, why, why === 'unresolved' ? detail : undefined);
    // Off on purpose, every job with the flag is local: the run does not do what demerge is for.
    return { action: 'stays-local', check: why === 'resolve-native-off' ? fail('portage.flags', null, problem) : warn('portage.flags', null, problem) };
  }
  const cause = localCauseOfFlag(site.word, site.next);
  const label = cause === undefined ? site.word : localCauseLabel(cause);
  return { action: 'stays-local', check: warn('portage.flags', null, say.flagKeepsLocal(site.word, where, site.atoms, label)) };
}

export function portageFlagChecks(query: PortageQuery, outlook: FlagOutlook): { checks: Check[]; report: PortageReport } {
  const checks: Check[] = [];
  const flags: PortageFlagReport[] = [];
  for (const site of outlook.sites) {
    const { action, check } = verdictOf(outlook, site);
    checks.push(check);
    const entry: PortageFlagReport = { word: site.word, variable: site.variable, file: site.file, line: site.line, atoms: site.atoms, action };
    const flagsOk = outlook.resolution?.ok === true ? outlook.resolution.flags : undefined;
    if (action === 'resolved' && flagsOk !== undefined) entry.expansion = expansion(flagsOk, site.word);
    flags.push(entry);
  }
  if (outlook.sites.length === 0) checks.push(ok('portage.flags', null, query.facts.origin === 'portageq' ? say.flagsClean() : say.flagsNotChecked()));
  const facts = query.facts;
  const report: PortageReport = {
    origin: facts.origin,
    eprefix: facts.eprefix,
    configRoot: facts.configRoot,
    emergeLog: emergeLogPath(facts),
    flags,
  };
  if (query.answer.ok) report.portageq = query.answer.program;
  if (facts.chost !== undefined) report.chost = facts.chost;
  return { checks, report };
}
