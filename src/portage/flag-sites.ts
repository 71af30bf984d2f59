import { dirname, isAbsolute, join } from 'node:path';
import { lexAssignments, type ValueWord } from './assignments.js';
import { configFiles, portageConfigFiles, readText, type PortageConfigFiles } from './config-files.js';
import { FLAG_VARIABLES } from './facts.js';

// Where a compiler flag is set in Portage's configuration, to the file and line: make.conf
// (and what it sources), the env files package.env gives packages, the bash hooks Portage
// sources in every phase (etc/portage/bashrc, env/<category>/<package>), and the calling
// environment. Only the flag variables are read, with the variables they are built from
// (CFLAGS="${COMMON_FLAGS}"): other variables hold words such as FEATURES="-xattr" that are
// no compiler flags.

export type FlagSiteKind = 'make.conf' | 'package.env' | 'hook' | 'environment' | 'profile';

export interface FlagSite {
  kind: FlagSiteKind;
  /** Absolute path; 'the environment' for the calling environment. */
  file: string;
  line: number;
  /** The variable assigned there (CFLAGS, COMMON_FLAGS, ...). */
  variable: string;
  word: string;
  /** The word after it (for -x LANG). */
  next?: string;
  /** For package.env files: the atoms that use them. */
  atoms: string[];
  /** For key=value files: where the word is, to rewrite it. */
  lexed?: ValueWord;
}

export type WordTest = (word: string, next: string | undefined) => boolean;

const REFERENCE = /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g;

/** Words of one key=value file in the flag variables and the variables they reference. */
export function flagWords(text: string): ValueWord[] {
  const { words } = lexAssignments(text);
  const wanted = new Set<string>(FLAG_VARIABLES);
  // References first, to a fixed point: COMMON_FLAGS may be built from another variable.
  for (let changed = true; changed;) {
    changed = false;
    for (const word of words) {
      if (!wanted.has(word.variable)) continue;
      for (const match of word.text.matchAll(REFERENCE)) {
        const name = match[1] as string;
        if (!wanted.has(name)) {
          wanted.add(name);
          changed = true;
        }
      }
    }
  }
  return words.filter((word) => wanted.has(word.variable) && !word.text.includes('$'));
}

function sitesOfText(text: string, file: string, kind: FlagSiteKind, atoms: string[], test: WordTest): FlagSite[] {
  const words = flagWords(text);
  const sites: FlagSite[] = [];
  words.forEach((word, index) => {
    const following = words[index + 1];
    const next = following !== undefined && following.variable === word.variable ? following.text : undefined;
    if (!test(word.text, next)) return;
    const site: FlagSite = { kind, file, line: word.line, variable: word.variable, word: word.text, atoms, lexed: word };
    if (next !== undefined) site.next = next;
    sites.push(site);
  });
  return sites;
}

// Bash hooks are programs, not assignments: a word is found where it stands, by line, with
// an assignment's `VAR=` and quotes taken off (CFLAGS="${CFLAGS} -march=native").
function sitesOfHook(text: string, file: string, test: WordTest): FlagSite[] {
  const sites: FlagSite[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (/^\s*#/.test(line)) continue;
    const words = line
      .split(/\s+/)
      .map((w) => w.replace(/^[A-Za-z_][A-Za-z0-9_]*\+?=/, '').replace(/^["'(]+|["');]+$/g, ''))
      .filter((w) => w.startsWith('-'));
    words.forEach((word, k) => {
      if (test(word, words[k + 1])) sites.push({ kind: 'hook', file, line: index + 1, variable: '', word, atoms: [] });
    });
  }
  return sites;
}

/** Files make.conf sources (`source FILE`), relative to the sourcing file's directory. */
function sourcedFiles(file: string, text: string): string[] {
  return lexAssignments(text)
    .sources.map((source) => source.path)
    .filter((path) => path !== '' && !path.includes('$'))
    .map((path) => (isAbsolute(path) ? path : join(dirname(file), path)));
}

export interface FlagSiteScan {
  files: PortageConfigFiles;
  sites: FlagSite[];
}

/** Every place under the config root, and in the environment, where `test` holds for a flag. */
export function findFlagSites(configRoot: string, env: Record<string, string | undefined>, test: WordTest): FlagSiteScan {
  const files = portageConfigFiles(configRoot);
  const sites: FlagSite[] = [];
  const seen = new Set<string>();
  const visitMakeConf = (file: string, depth: number): void => {
    if (seen.has(file) || depth > 8) return;
    seen.add(file);
    const text = readText(file);
    sites.push(...sitesOfText(text, file, 'make.conf', [], test));
    for (const sourced of sourcedFiles(file, text)) for (const inner of configFiles(sourced)) visitMakeConf(inner, depth + 1);
  };
  for (const file of files.makeConf) visitMakeConf(file, 0);
  for (const { path, name } of files.envFiles) {
    const atoms = files.uses.filter((use) => use.files.includes(name)).map((use) => use.atom);
    if (atoms.length > 0) sites.push(...sitesOfText(readText(path), path, 'package.env', atoms, test));
    // env/<category>/<package> and friends are bash, sourced in every phase (ebuild.sh).
    else if (name.includes('/')) sites.push(...sitesOfHook(readText(path), path, test));
  }
  const bashrc = join(files.dir, 'bashrc');
  for (const file of configFiles(bashrc)) sites.push(...sitesOfHook(readText(file), file, test));
  for (const variable of FLAG_VARIABLES) {
    const words = (env[variable] ?? '').split(/\s+/).filter((w) => w !== '');
    words.forEach((word, k) => {
      if (test(word, words[k + 1])) {
        const site: FlagSite = { kind: 'environment', file: 'the environment', line: 0, variable, word, atoms: [] };
        const next = words[k + 1];
        if (next !== undefined) site.next = next;
        sites.push(site);
      }
    });
  }
  return { files, sites };
}

/** "file:line" for a person. */
export function siteLabel(site: Pick<FlagSite, 'file' | 'line' | 'kind' | 'variable'>): string {
  if (site.kind === 'environment') return `${site.variable} in the environment`;
  if (site.kind === 'profile') return `${site.variable} of Portage's profile`;
  return `${site.file}:${site.line}`;
}
