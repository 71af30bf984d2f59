import { localCauseOfFlag } from '../distcc/scan-args.js';
import { which } from '../system/which.js';
import { FLAG_VARIABLES, type PortageFacts } from './facts.js';
import { findFlagSites, type FlagSite } from './flag-sites.js';
import { resolveNativeFlags, type NativeResolution, type Run } from './native-flags.js';
import { isNativeWord, planNativeRewrite, planNothing, type NativePlan } from './native-plan.js';

// Portage's flags as distcc will meet them: every word of CFLAGS, CXXFLAGS, FCFLAGS and FFLAGS
// (make.conf, package.env, hooks, the environment) that makes distcc compile locally, where
// it is set, and what this run does about -march=native and -mtune=native.

export interface FlagOutlook {
  /** Every place a flag is set that keeps distcc's jobs local (before any rewrite). */
  sites: FlagSite[];
  /** Set when a native word was found and resolve_native is on. */
  resolution?: NativeResolution;
  plan: NativePlan;
}

export interface OutlookOptions {
  resolveNative: boolean;
  env: Record<string, string | undefined>;
  /** Bind mounts need root; a non-root emerge builds nothing anyway. */
  uid: number;
  /** emerge's arguments and EMERGE_DEFAULT_OPTS: --config-root moves Portage's configuration. */
  emergeArgs: readonly string[];
  path: string;
  run?: Run;
}

const forcesLocal = (word: string, next: string | undefined): boolean => localCauseOfFlag(word, next) !== undefined;

// emerge takes unique prefixes of long options (argparse): --config-r... is --config-root.
const MOVES_CONFIG = /^--(config-r|prefix)/;

export async function flagOutlook(facts: PortageFacts, options: OutlookOptions): Promise<FlagOutlook> {
  const scan = findFlagSites(facts.configRoot, options.env, forcesLocal);
  const sites = [...scan.sites, ...unlocated(facts, scan.sites)];
  const native = sites.filter((site) => isNativeWord(site.word));
  if (native.length === 0) return { sites, plan: planNothing([], 'unresolved') };
  if (!options.resolveNative) return { sites, plan: planNothing(native, 'resolve-native-off') };
  const words = [...options.emergeArgs, ...facts.emergeDefaultOpts.split(/\s+/)];
  if (words.some((word) => MOVES_CONFIG.test(word))) return { sites, plan: planNothing(native, 'config-root-option') };
  const resolution = await resolveNativeFlags(compilerFor(facts, options.path), options.run);
  if (!resolution.ok) return { sites, resolution, plan: planNothing(native, 'unresolved') };
  const plan = planNativeRewrite(native, resolution.flags, options.env);
  if (plan.files.length > 0 && options.uid !== 0) return { sites, resolution, plan: planNothing(native, 'not-root') };
  return { sites, resolution, plan };
}

// Gentoo's tc-getCC: ${CHOST}-gcc, the compiler the build asks distcc for.
function compilerFor(facts: PortageFacts, path: string): string {
  const chosen = facts.chost === undefined ? undefined : `${facts.chost}-gcc`;
  return chosen !== undefined && which(chosen, path) !== undefined ? chosen : 'gcc';
}

// Words in Portage's answer that no file under the config root and no environment variable
// explains: they come from the profile (make.defaults) or from a file demerge does not read.
function unlocated(facts: PortageFacts, found: readonly FlagSite[]): FlagSite[] {
  if (facts.origin !== 'portageq') return [];
  const sites: FlagSite[] = [];
  for (const variable of FLAG_VARIABLES) {
    const words = facts.flags[variable].split(/\s+/).filter((w) => w !== '');
    words.forEach((word, k) => {
      if (!forcesLocal(word, words[k + 1])) return;
      if (found.some((site) => site.word === word && site.atoms.length === 0 && site.kind !== 'hook')) return;
      sites.push({ kind: 'profile', file: "Portage's profile", line: 0, variable, word, atoms: [] });
    });
  }
  return sites;
}
