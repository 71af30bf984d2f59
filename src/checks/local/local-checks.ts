import { readFileSync } from 'node:fs';
import type { Config } from '../../config/types.js';
import * as msg from '../../messages.js';
import type { KnownHostLine } from '../../ssh/known-hosts.js';
import { runProgram } from '../../system/spawn.js';
import { which } from '../../system/which.js';
import { fail, ok, warn, type Check } from '../types.js';
import { buildUserCheck } from './build-user.js';
import { readAs, statFile, type Identity } from './file-facts.js';
import { queryFrontCompiler, type FrontCompiler, type Run } from './front-compiler.js';
import { keyChecks } from './key-checks.js';
import { knownHostsChecks } from './known-hosts-checks.js';
import { masqueradeDirs, type FlagOutlook, type PortageQuery } from '../../portage/index.js';
import { findMasqueradeDir, masquerades } from './masquerade.js';
import { systemNames } from './names.js';
import { findOptOuts } from './package-env.js';
import { portageFlagChecks, portageQueryCheck } from './portage-flags.js';
import type { PortageReport } from '../types.js';

// The front end's checks. The file checks are synchronous and run first, before any probe is
// started: reading as the build user switches this process's effective ids for a moment.

export interface LocalEnv {
  uid: number;
  gid: number;
  env: Record<string, string | undefined>;
}

export interface FileOutcome {
  checks: Check[];
  buildUser?: Identity;
  privateKey?: Buffer;
  /** A key with a passphrase: its public blob, for agentKeyCheck. */
  agentKey?: Buffer;
  knownHosts: KnownHostLine[];
}

/** A file's stat, its bytes as demerge reads them, and as the build user reads them. */
function readFacts(path: string, buildUser: Identity | undefined) {
  const stat = statFile(path);
  const regular = stat.ok && stat.facts.isFile;
  return {
    path,
    stat,
    data: regular ? readAs(path, undefined) : undefined,
    asBuildUser: regular && buildUser !== undefined ? readAs(path, buildUser) : undefined,
  };
}

export function localFileChecks(local: LocalEnv, config: Pick<Config, 'key' | 'knownHosts' | 'buildUser'>): FileOutcome {
  const names = systemNames();
  const user = buildUserCheck(local.uid, local.gid, config);
  const buildUser = user.identity;
  const key = keyChecks({
    ...readFacts(config.key, buildUser),
    buildUser,
    readPub: () => readFileSync(`${config.key}.pub`, 'utf8'),
    names,
  });
  const hosts = knownHostsChecks({
    ...readFacts(config.knownHosts, buildUser),
    buildUser,
  });
  return {
    checks: [user.check, ...key.checks, ...hosts.checks],
    ...(buildUser === undefined ? {} : { buildUser }),
    ...(key.privateKey === undefined ? {} : { privateKey: key.privateKey }),
    ...(key.agentKey === undefined ? {} : { agentKey: key.agentKey }),
    knownHosts: hosts.entries,
  };
}

export interface ToolOutcome {
  checks: Check[];
  compiler?: FrontCompiler;
  ssh?: string;
}

const FALLBACK_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export async function localToolChecks(local: LocalEnv, compilerQuery: Promise<FrontCompilerOutcome>): Promise<ToolOutcome> {
  const path = local.env.PATH || FALLBACK_PATH;
  const checks: Check[] = [];
  const ssh = which('ssh', path);
  checks.push(ssh === undefined ? fail('ssh.installed', null, msg.sshMissing()) : ok('ssh.installed', null, msg.toolFound('ssh', ssh)));
  const distcc = which('distcc', path);
  checks.push(distcc === undefined ? fail('distcc.installed', null, msg.distccMissing()) : ok('distcc.installed', null, msg.toolFound('distcc', distcc)));
  const front = await compilerQuery;
  if (!front.ok) checks.push(fail('compiler.local', null, msg.frontCompilerMissing(front.reason)));
  else checks.push(ok('compiler.local', null, msg.frontCompilerOk(front.compiler.name, front.compiler.version, front.compiler.machine)));
  return {
    checks,
    ...(front.ok ? { compiler: front.compiler } : {}),
    ...(ssh === undefined ? {} : { ssh }),
  };
}

export interface PortageOutcome {
  checks: Check[];
  report: PortageReport;
}

/** The checks that need Portage's answer: portage.query, the masquerade directory, package.env, portage.flags. */
export function portageChecks(query: PortageQuery, outlook: FlagOutlook, compiler: FrontCompiler | undefined): PortageOutcome {
  const checks: Check[] = [portageQueryCheck(query)];
  const chost = query.facts.chost;
  if (compiler !== undefined && chost !== undefined && compiler.chost !== chost) {
    checks.push(warn('compiler.chost', null, msg.chostDiffers(chost, compiler.chost)));
  }
  const dir = findMasqueradeDir(masqueradeDirs(query.facts));
  if (dir === undefined) checks.push(fail('distcc.masquerade', null, msg.masqueradeDirMissing()));
  else if (compiler !== undefined && !masquerades(dir, compiler.name))
    checks.push(fail('distcc.masquerade', null, msg.masqueradeLinkMissing(dir, compiler.name)));
  else checks.push(ok('distcc.masquerade', null, msg.masqueradeOk(dir)));
  checks.push(...packageEnvChecks(query.facts.configRoot));
  const flags = portageFlagChecks(query, outlook);
  checks.push(...flags.checks);
  return { checks, report: flags.report };
}

export type FrontCompilerOutcome = Awaited<ReturnType<typeof queryFrontCompiler>>;

/**
 * The compiler the build asks distcc for. gcc -dumpmachine answers at once; Portage's CHOST,
 * when it differs, names the compiler instead (a cross or multilib front end). Without
 * `portage` (before a build, where nothing waits for Portage) gcc's answer is taken, and
 * portageChecks() says so if Portage's CHOST differs.
 */
export function startFrontCompilerQuery(local: LocalEnv, portage: Promise<PortageQuery> | undefined): Promise<FrontCompilerOutcome> {
  const run = runner(local.env.PATH || FALLBACK_PATH);
  const guessed = queryFrontCompiler(run);
  if (portage === undefined) return guessed;
  return Promise.all([guessed, portage]).then(([first, query]) => {
    const chost = query.facts.chost;
    if (chost === undefined || (first.ok && first.compiler.chost === chost)) return first;
    return queryFrontCompiler(run, chost);
  });
}

function packageEnvChecks(configRoot: string): Check[] {
  const optOuts = findOptOuts(configRoot);
  if (optOuts.length === 0) return [ok('portage.package-env', null, msg.noPackageEnvOptOuts())];
  return optOuts.map(({ setting, atoms }) =>
    warn('portage.package-env', null, msg.packageEnvOptOut(setting.file, setting.line, `${setting.variable}="${setting.value}"`, atoms)),
  );
}

function runner(path: string): Run {
  return async (program, args) => {
    const result = await runProgram(program, args, { env: { PATH: path, LC_ALL: 'C' }, timeoutMs: 10_000 });
    return result.exitCode === 0 ? result.stdout : undefined;
  };
}
