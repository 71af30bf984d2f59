import { join } from 'node:path';
import type { PortageAnswer } from './portageq.js';

// What demerge needs to know of Portage, from Portage's own answer (portageq) or, when that
// cannot be had, from today's defaults: the calling environment, then Portage's defaults.

export const FLAG_VARIABLES = ['CFLAGS', 'CXXFLAGS', 'FCFLAGS', 'FFLAGS'] as const;
export type FlagVariable = (typeof FLAG_VARIABLES)[number];

export interface PortageFacts {
  /** 'portageq' when Portage answered; 'defaults' otherwise. */
  origin: 'portageq' | 'defaults';
  eprefix: string;
  broot: string;
  /** PORTAGE_CONFIGROOT, '/' or ${EPREFIX}/ by default. */
  configRoot: string;
  portageTmpdir: string;
  /** Set in make.conf or the environment; emerge.log goes to ${BROOT}/var/log otherwise. */
  emergeLogDir?: string;
  chost?: string;
  features: string;
  emergeDefaultOpts: string;
  /** Set in make.conf or the environment; Portage's own default otherwise. */
  distccDir?: string;
  /** Portage's global flags (no package.env): make.conf and the environment. */
  flags: Record<FlagVariable, string>;
}

type Env = Record<string, string | undefined>;

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

export function portageFacts(answer: PortageAnswer, env: Env): PortageFacts {
  const from = answer.ok ? (name: string) => answer.values.get(name) : (name: string) => env[name];
  const eprefix = stripSlash(from('EPREFIX') ?? '');
  const facts: PortageFacts = {
    origin: answer.ok ? 'portageq' : 'defaults',
    eprefix,
    broot: stripSlash(nonEmpty(from('BROOT')) ?? eprefix),
    configRoot: nonEmpty(from('PORTAGE_CONFIGROOT')) ?? `${eprefix}/`,
    portageTmpdir: nonEmpty(from('PORTAGE_TMPDIR')) ?? '/var/tmp',
    features: from('FEATURES') ?? '',
    emergeDefaultOpts: from('EMERGE_DEFAULT_OPTS') ?? '',
    flags: { CFLAGS: from('CFLAGS') ?? '', CXXFLAGS: from('CXXFLAGS') ?? '', FCFLAGS: from('FCFLAGS') ?? '', FFLAGS: from('FFLAGS') ?? '' },
  };
  const logDir = nonEmpty(from('EMERGE_LOG_DIR'));
  if (logDir !== undefined) facts.emergeLogDir = logDir;
  const chost = nonEmpty(from('CHOST'));
  if (chost !== undefined) facts.chost = chost;
  const distccDir = nonEmpty(from('DISTCC_DIR'));
  if (distccDir !== undefined) facts.distccDir = distccDir;
  return facts;
}

function stripSlash(path: string): string {
  return path.replace(/\/+$/, '');
}

/** Where emerge writes emerge.log: EMERGE_LOG_DIR, else ${BROOT}/var/log (lib/_emerge/actions.py). */
export function emergeLogPath(facts: PortageFacts): string {
  return join(facts.emergeLogDir ?? join(facts.broot || '/', 'var', 'log'), 'emerge.log');
}

/**
 * The distcc masquerade directories Portage tries, in order: ${EPREFIX}/usr/<libdir>/distcc/bin,
 * then without bin/, for libdir in lib64 (LIBDIR_amd64), lib, libexec (doebuild.py).
 */
export function masqueradeDirs(facts: Pick<PortageFacts, 'eprefix'>): string[] {
  return ['lib64', 'lib', 'libexec'].flatMap((libdir) => {
    const dir = join(facts.eprefix || '/', 'usr', libdir, 'distcc');
    return [join(dir, 'bin'), dir];
  });
}
