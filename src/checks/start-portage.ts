import type { Config } from '../config/types.js';
import { startFlagOutlook, startPortageQuery, type FlagOutlook, type PortageQuery } from '../portage/index.js';

const FALLBACK_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface PortageStart {
  portage: Promise<PortageQuery>;
  outlook: Promise<FlagOutlook>;
}

/**
 * Asks Portage (portageq, ~0.5 s) and then reads its flags; started before any node is
 * probed, so both run beside the probes. Used by the build and by --dry-check alike.
 */
export function startPortage(
  env: Record<string, string | undefined>,
  uid: number,
  config: Pick<Config, 'portageq' | 'resolveNative'>,
  emerge: string | undefined,
  emergeArgs: readonly string[],
): PortageStart {
  const portage = startPortageQuery(config.portageq, emerge, env);
  const outlook = startFlagOutlook(portage, {
    resolveNative: config.resolveNative,
    env,
    uid,
    emergeArgs,
    path: env.PATH || FALLBACK_PATH,
  });
  return { portage, outlook };
}
