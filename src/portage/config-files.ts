import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// Portage's configuration files as Portage finds them: a path is a file, or a directory of
// files read in name order, skipping hidden files and backups (util.grabfile /
// _recursive_file_list). make.conf is ${PORTAGE_CONFIGROOT}/etc/make.conf, then
// etc/portage/make.conf (config.py); package.env names files under etc/portage/env/.

export function configFiles(path: string): string[] {
  let info;
  try {
    info = statSync(path);
  } catch {
    return [];
  }
  if (info.isFile()) return [path];
  if (!info.isDirectory()) return [];
  let names: string[];
  try {
    names = readdirSync(path);
  } catch {
    return [];
  }
  return names
    .filter((name) => !name.startsWith('.') && !name.endsWith('~'))
    .sort()
    .flatMap((name) => configFiles(join(path, name)));
}

// A make.conf is a few kilobytes; a huge one is read only this far (and says so nowhere:
// Portage would choke on it long before demerge does).
const MAX_CONFIG_FILE = 4 * 1024 * 1024;

export function readText(file: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.length > MAX_CONFIG_FILE ? text.slice(0, MAX_CONFIG_FILE) : text;
  } catch {
    return '';
  }
}

/** The make.conf files Portage reads, in order. */
function makeConfFiles(configRoot: string): string[] {
  return [join(configRoot, 'etc', 'make.conf'), join(configRoot, 'etc', 'portage', 'make.conf')].flatMap(configFiles);
}

export interface PackageEnvUse {
  atom: string;
  /** Names relative to etc/portage/env, e.g. no-lto.conf. */
  files: string[];
  /** The package.env file and line. */
  source: { file: string; line: number };
}

/** package.env lines (`atom file...`): which env files each atom uses. */
export function packageEnvUses(text: string, file: string = 'package.env'): PackageEnvUse[] {
  const uses: PackageEnvUse[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const words = raw
      .replace(/#.*/, '')
      .trim()
      .split(/\s+/)
      .filter((word) => word !== '');
    const [atom, ...files] = words;
    if (atom !== undefined && files.length > 0) uses.push({ atom, files, source: { file, line: index + 1 } });
  }
  return uses;
}

export interface PortageConfigFiles {
  /** ${PORTAGE_CONFIGROOT}/etc/portage */
  dir: string;
  makeConf: string[];
  uses: PackageEnvUse[];
  /** Every file under env/, with its name relative to env/. */
  envFiles: Array<{ path: string; name: string }>;
}

export function portageConfigFiles(configRoot: string): PortageConfigFiles {
  const dir = join(configRoot, 'etc', 'portage');
  const uses = configFiles(join(dir, 'package.env')).flatMap((file) => packageEnvUses(readText(file), relative(dir, file)));
  const envDir = join(dir, 'env');
  return {
    dir,
    makeConf: makeConfFiles(configRoot),
    uses,
    envFiles: configFiles(envDir).map((path) => ({ path, name: relative(envDir, path) })),
  };
}
