import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';

// Portage's doebuild.py: with FEATURES=distcc it prepends the first existing masquerade
// directory to PATH (the candidates, under EPREFIX, come from portage/facts.ts). With none of
// them it warns and silently removes distcc from FEATURES: the whole build is then local.

export function findMasqueradeDir(candidates: readonly string[], isDir: (path: string) => boolean = isDirectory): string | undefined {
  return candidates.find((dir) => isDir(dir));
}

/** The compiler names in the masquerade dir: what make finds first in PATH under FEATURES=distcc. */
export function masquerades(dir: string, name: string): boolean {
  try {
    accessSync(join(dir, name), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
