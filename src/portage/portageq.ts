import { dirname, join } from 'node:path';
import * as say from '../messages/portage.js';
import { runProgram } from '../system/spawn.js';
import { which } from '../system/which.js';

// demerge asks Portage for its configuration instead of guessing it: `portageq envvar -v`
// prints each variable as `NAME=<shlex.quote(value)>` (bin/portageq, envvar), the values
// Portage holds before ebuild.sh runs: make.globals, profile, make.conf and the calling
// environment, with no package selected (package.env is not applied).

/** Everything demerge asks Portage, in one call (one Python start-up, ~0.45 s). */
export const PORTAGE_VARIABLES = [
  'CFLAGS',
  'CXXFLAGS',
  'FCFLAGS',
  'FFLAGS',
  'CHOST',
  'EPREFIX',
  'BROOT',
  'EMERGE_LOG_DIR',
  'PORTAGE_TMPDIR',
  'PORTAGE_CONFIGROOT',
  'FEATURES',
  'EMERGE_DEFAULT_OPTS',
  'DISTCC_DIR',
] as const;

const PORTAGEQ_TIMEOUT_MS = 10_000;
// 100 KB of CFLAGS is hostile but must still be answered with a warning, not a crash.
const MAX_OUTPUT = 4 * 1024 * 1024;

export type PortageAnswer = { ok: true; program: string; values: Map<string, string>; ms: number } | { ok: false; program?: string; reason: string };

/**
 * Which portageq: `portageq =` or $DEMERGE_PORTAGEQ (already in `configured`), else the one
 * beside the emerge demerge runs (DEMERGE_EMERGE=/x/bin/emerge means /x/bin/portageq), else
 * portageq in PATH.
 */
export function findPortageq(configured: string | undefined, emerge: string | undefined, path: string | undefined): string | undefined {
  if (configured !== undefined) return which(configured, path);
  if (emerge !== undefined) {
    const beside = which(join(dirname(emerge), 'portageq'), undefined);
    if (beside !== undefined) return beside;
  }
  return which('portageq', path);
}

/** Runs `portageq envvar -v VAR...` with the user's environment; never throws. */
export async function askPortage(
  program: string | undefined,
  env: Record<string, string | undefined>,
  timeoutMs: number = PORTAGEQ_TIMEOUT_MS,
  now: () => number = Date.now,
): Promise<PortageAnswer> {
  if (program === undefined) return { ok: false, reason: say.portageqMissing() };
  const started = now();
  const result = await runProgram(program, ['envvar', '-v', ...PORTAGE_VARIABLES], { env, timeoutMs, maxBuffer: MAX_OUTPUT });
  const ms = now() - started;
  if (result.timedOut) return { ok: false, program, reason: say.portageqSlow(Math.round(timeoutMs / 1000)) };
  if (result.startError !== undefined) return { ok: false, program, reason: say.portageqCannotRun(result.startError) };
  // Exit 1 only says that some variable is unset (printed as empty): the rest is good.
  if (result.exitCode !== 0 && result.exitCode !== 1) {
    const said = firstLine(result.stderr);
    const reason = result.exitCode === undefined ? say.portageqKilled(result.signal, said) : say.portageqExited(result.exitCode, said);
    return { ok: false, program, reason };
  }
  const values = parseEnvvarOutput(result.stdout);
  if (values === undefined || !PORTAGE_VARIABLES.every((name) => values.has(name))) {
    return { ok: false, program, reason: say.portageqUnreadable() };
  }
  return { ok: true, program, values, ms };
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '');
  return line === undefined ? '' : `: ${line.trim().slice(0, 160)}`;
}

/**
 * `NAME=value` lines where value is Python's shlex.quote(): bare when it holds only
 * [A-Za-z0-9@%+=:,./_-], else single-quoted with each ' written as '"'"'. A quoted value may
 * span lines. undefined for anything else: a half-read configuration is worse than none.
 */
export function parseEnvvarOutput(text: string): Map<string, string> | undefined {
  const values = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq === -1) return text.slice(i).trim() === '' ? values : undefined;
    const name = text.slice(i, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined;
    let value = '';
    let j = eq + 1;
    while (j < text.length && text[j] !== '\n') {
      const ch = text[j] as string;
      if (ch === "'") {
        const close = text.indexOf("'", j + 1);
        if (close === -1) return undefined;
        value += text.slice(j + 1, close);
        j = close + 1;
      } else if (ch === '"') {
        const close = text.indexOf('"', j + 1);
        if (close === -1) return undefined;
        value += text.slice(j + 1, close);
        j = close + 1;
      } else if (/[A-Za-z0-9@%+=:,./_-]/.test(ch)) {
        value += ch;
        j += 1;
      } else {
        return undefined;
      }
    }
    values.set(name, value);
    i = j + 1;
  }
  return values;
}
