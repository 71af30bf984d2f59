import { join } from 'node:path';
import { warningLine } from '../messages.js';
import * as say from '../messages/portage.js';
import { expansion, siteLabel } from '../portage/index.js';
import { mountTools, writeFlagCopies } from '../run-env/flag-mounts.js';
import { say as line, type Answered, type Flagged } from './run-state.js';

// -march=native and -mtune=native made explicit for this run (see portage/native-plan.ts):
// the files that hold them are shown to emerge as rewritten copies, and the environment's
// flags are rewritten in the run's environment. What cannot be rewritten was said by the
// checks, as a warning, and stays as it is.
export async function nativeFlags(state: Answered): Promise<Flagged> {
  const outlook = await state.portage.outlook;
  const plan = outlook.plan;
  if (outlook.resolution?.ok !== true) return { ...state, nativePlan: plan, binds: [] };
  const flags = outlook.resolution.flags;
  let binds: Flagged['binds'] = [];
  if (plan.files.length > 0) {
    const tools = mountTools();
    if (tools === undefined) {
      const [message, fix] = say.nativeStays('-march=native', 'make.conf', [], 'unresolved', 'unshare or mount is missing');
      line(state, warningLine(message, fix));
      const nativePlan = { ...plan, files: [], resolved: plan.resolved.filter((site) => site.kind === 'environment') };
      return { ...state, nativePlan, binds: [] };
    }
    binds = writeFlagCopies(
      join(state.runDir.path, 'portage-config'),
      plan.files.map((file) => ({ target: file.path, text: file.text })),
    );
  }
  for (const site of plan.resolved) line(state, `demerge: ${say.nativeResolved(site.word, siteLabel(site), site.atoms, expansion(flags, site.word))}`);
  return { ...state, nativePlan: plan, binds };
}
