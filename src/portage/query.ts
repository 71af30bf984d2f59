import * as say from '../messages/portage.js';
import { askPortage, findPortageq, type PortageAnswer } from './portageq.js';
import { portageFacts, type PortageFacts } from './facts.js';
import { flagOutlook, type FlagOutlook, type OutlookOptions } from './flag-outlook.js';
import { planNothing } from './native-plan.js';

export interface PortageQuery {
  answer: PortageAnswer;
  facts: PortageFacts;
}

/**
 * Starts asking Portage; the answer comes while the nodes are probed, so it adds no wall time.
 * Never rejects: a missing, failing or slow portageq gives today's defaults and a reason.
 */
export function startPortageQuery(
  configured: string | undefined,
  emerge: string | undefined,
  env: Record<string, string | undefined>,
  timeoutMs?: number,
): Promise<PortageQuery> {
  const program = findPortageq(configured, emerge, env.PATH);
  const asked =
    program === undefined && configured !== undefined
      ? Promise.resolve<PortageAnswer>({ ok: false, reason: say.portageqNamedMissing(configured) })
      : askPortage(program, env, timeoutMs);
  return asked.then((answer) => ({ answer, facts: portageFacts(answer, env) }));
}

/** The flag outlook once Portage has answered; never rejects (a failure is an empty outlook). */
export function startFlagOutlook(query: Promise<PortageQuery>, options: OutlookOptions): Promise<FlagOutlook> {
  // A configuration demerge cannot read (a directory it may not list) is Portage's to report.
  return query.then((answered) => flagOutlook(answered.facts, options)).catch(() => ({ sites: [], plan: planNothing([], 'unresolved') }));
}
