import { extendFeatures } from './features.js';

// The calling environment is Portage's top layer, so these values win over make.conf and
// package.env for this run only; nothing is written under /etc/portage.

export type Env = Record<string, string | undefined>;

export interface RunVariables {
  distccHosts: string;
  distccSsh: string;
  makeopts: string;
  distccDir: string;
  /** Until a transport works inside Portage's network sandbox, the run lifts it. */
  liftNetworkSandbox: boolean;
  /** Where distcc logs every job's host and outcome (the dashboard reads it). */
  distccLog?: string | undefined;
  /** Flag variables of the calling environment with -march=native made explicit. */
  flags?: Readonly<Record<string, string | undefined>>;
}

export function buildRunEnvironment(base: Env, vars: RunVariables): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined) env[name] = value;
  }
  // emake drops MAKEOPTS when MAKEFLAGS is set (Gentoo bug 692576).
  delete env.MAKEFLAGS;
  env.DISTCC_HOSTS = vars.distccHosts;
  env.DISTCC_SSH = vars.distccSsh;
  env.DISTCC_DIR = vars.distccDir;
  if (vars.distccLog !== undefined) env.DISTCC_LOG = vars.distccLog;
  env.MAKEOPTS = vars.makeopts;
  for (const [name, value] of Object.entries(vars.flags ?? {})) if (value !== undefined) env[name] = value;
  env.FEATURES = extendFeatures(base.FEATURES, vars.liftNetworkSandbox ? ['distcc', '-network-sandbox'] : ['distcc']);
  return env;
}
