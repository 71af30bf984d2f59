import { canReplace, replaceWords } from './assignments.js';
import { readText } from './config-files.js';
import { FLAG_VARIABLES, type FlagVariable } from './facts.js';
import type { FlagSite } from './flag-sites.js';
import type { NativeFlags } from './native-flags.js';

// How the run gets explicit flags in place of -march=native / -mtune=native without losing any
// package's own flags. Portage's calling environment beats package.env (config.py: the "env"
// layer is looked up first), so one CFLAGS exported for the run would replace every package's
// own. Instead each file that holds the word is rewritten, word for word, into a copy that
// emerge sees at the original path for this run only (a bind mount in emerge's own mount
// namespace): Portage then layers make.conf and package.env exactly as it always does, and
// every package ends up with its own flags, resolved. Flags in the calling environment are
// already global and are rewritten in the run's environment.

const NATIVE_WORDS: readonly string[] = ['-march=native', '-mtune=native'];

export const isNativeWord = (word: string): boolean => NATIVE_WORDS.includes(word);

export interface FileRewrite {
  /** The original file, which emerge reads at this path. */
  path: string;
  text: string;
  sites: FlagSite[];
}

export type UnhandledWhy = 'bash-hook' | 'unquoted' | 'profile' | 'config-root-option' | 'not-root' | 'unresolved' | 'resolve-native-off';

export interface NativePlan {
  files: FileRewrite[];
  env: Partial<Record<FlagVariable, string>>;
  resolved: FlagSite[];
  unhandled: Array<{ site: FlagSite; why: UnhandledWhy }>;
}

export function expansion(flags: NativeFlags, word: string): string[] {
  return word === '-march=native' ? flags.march : flags.mtune;
}

/** The rewrite for the native words among `sites` (see findFlagSites). */
export function planNativeRewrite(sites: readonly FlagSite[], flags: NativeFlags, env: Record<string, string | undefined>): NativePlan {
  const plan: NativePlan = { files: [], env: {}, resolved: [], unhandled: [] };
  const byFile = new Map<string, FlagSite[]>();
  for (const site of sites) {
    if (!isNativeWord(site.word)) continue;
    if (site.kind === 'hook') plan.unhandled.push({ site, why: 'bash-hook' });
    else if (site.kind === 'profile') plan.unhandled.push({ site, why: 'profile' });
    else if (site.kind === 'environment') plan.resolved.push(site);
    else if (site.lexed === undefined || !canReplace(site.lexed)) plan.unhandled.push({ site, why: 'unquoted' });
    else byFile.set(site.file, [...(byFile.get(site.file) ?? []), site]);
  }
  for (const [path, fileSites] of byFile) {
    const changes = fileSites.map((site) => ({ word: site.lexed!, replacement: expansion(flags, site.word) }));
    plan.files.push({ path, text: replaceWords(readText(path), changes), sites: fileSites });
    plan.resolved.push(...fileSites);
  }
  for (const variable of FLAG_VARIABLES) {
    const value = env[variable];
    if (value === undefined || !value.split(/\s+/).some(isNativeWord)) continue;
    plan.env[variable] = value
      .split(/(\s+)/)
      .map((part) => (isNativeWord(part) ? expansion(flags, part).join(' ') : part))
      .join('');
  }
  return plan;
}

/** Everything stays as it is, for this reason (config root on the command line, not root, ...). */
export function planNothing(sites: readonly FlagSite[], why: UnhandledWhy): NativePlan {
  return { files: [], env: {}, resolved: [], unhandled: sites.filter((site) => isNativeWord(site.word)).map((site) => ({ site, why })) };
}
