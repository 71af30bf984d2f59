import { join, relative } from 'node:path';
import { configFiles, packageEnvUses, readText } from '../../portage/index.js';

// A package.env opt-out (an env file setting FEATURES=-distcc or its own MAKEOPTS) cannot work
// under demerge: the calling environment is Portage's top layer and beats package.env, so the
// run's FEATURES and MAKEOPTS win. demerge lists them so nobody relies on them unknowingly.

export interface EnvSetting {
  /** Path relative to ${PORTAGE_CONFIGROOT}etc/portage, e.g. env/no-distcc.conf. */
  file: string;
  line: number;
  variable: 'FEATURES' | 'MAKEOPTS';
  value: string;
}

export interface OptOut {
  setting: EnvSetting;
  /** Atoms of package.env that use the file. */
  atoms: string[];
}

const ASSIGNMENT = /^\s*(?:export\s+)?(FEATURES|MAKEOPTS)\s*\+?=\s*(?:"([^"]*)"|'([^']*)'|(\S*))/;

/** FEATURES assignments that remove distcc, and every MAKEOPTS assignment, of one env file. */
export function optOutSettings(file: string, text: string): EnvSetting[] {
  const settings: EnvSetting[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    const match = ASSIGNMENT.exec(line);
    if (!match) continue;
    const variable = match[1] as 'FEATURES' | 'MAKEOPTS';
    const value = match[2] ?? match[3] ?? match[4] ?? '';
    const words = value.split(/\s+/);
    if (variable === 'FEATURES' && !words.includes('-distcc') && !words.includes('-*')) continue;
    settings.push({ file, line: index + 1, variable, value });
  }
  return settings;
}

/** Opt-outs under ${configRoot}etc/portage: env files that package.env names, and those in env/. */
export function findOptOuts(configRoot: string): OptOut[] {
  const portage = join(configRoot, 'etc', 'portage');
  const uses = configFiles(join(portage, 'package.env')).flatMap((file) => packageEnvUses(readText(file)));
  const optOuts: OptOut[] = [];
  for (const file of configFiles(join(portage, 'env'))) {
    const name = relative(join(portage, 'env'), file);
    const atoms = uses.filter((use) => use.files.includes(name)).map((use) => use.atom);
    for (const setting of optOutSettings(relative(portage, file), readText(file))) optOuts.push({ setting, atoms });
  }
  return optOuts;
}
