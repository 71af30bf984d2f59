import { setMaxListeners } from 'node:events';
import type { Config, NodeConfig } from '../config/types.js';
import * as msg from '../messages.js';
import type { FlagOutlook, PortageQuery } from '../portage/index.js';
import type { SshAuth } from '../ssh/connect.js';
import {
  localFileChecks,
  localToolChecks,
  portageChecks,
  startFrontCompilerQuery,
  type FileOutcome,
  type FrontCompilerOutcome,
  type LocalEnv,
  type PortageOutcome,
  type ToolOutcome,
} from './local/local-checks.js';
import { agentKeyCheck } from './local/agent-check.js';
import { nodeName } from './node-name.js';
import { lzoSuggestion } from './node/lzo-suggestion.js';
import { checkNode } from './node/check-node.js';
import { prepareTrial, startTrialRunner, type TrialRunner, type TrialSetup } from './node/trial-compile.js';
import { hasFailure, hasFrontEndBlocker, summarize } from './summary.js';
import { fail, type Check, type NodeFacts, type NodeReport, type Report } from './types.js';

// Every check of a distcc-over-SSH setup, started at once: the front end's file checks first
// (synchronous, they switch effective ids for a moment), then one probe per node, all in
// parallel, each bounded by the connect timeout. The trial compile is the slow check: always
// in --dry-check, not before a build.

export interface CheckOptions {
  /** Run the trial compile on every node that passed its probe. */
  trial: boolean;
  /** Portage's answer (started before the checks, so it runs beside the probes). */
  portage: Promise<PortageQuery>;
  /** Portage's flags as distcc will see them, after the answer. */
  outlook: Promise<FlagOutlook>;
  /**
   * Before a build: the nodes are judged without waiting for Portage (so portageq's time
   * overlaps the probes and the transport's start); the Portage checks come in `portage`.
   */
  deferPortage?: boolean;
  makeJobs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Each check as it is decided, for a live display. */
  onCheck?: ((check: Check) => void) | undefined;
}

export interface NodeRun {
  node: NodeConfig;
  name: string;
  report: Promise<NodeReport>;
}

export interface CheckRun {
  local: Promise<Check[]>;
  /** The checks that need Portage's answer (in `local` too, unless deferred). */
  portage: Promise<PortageOutcome>;
  nodes: NodeRun[];
  report: Promise<Report>;
  /** How demerge's own logins sign: the key file, the agent (a key with a passphrase), or not at all. */
  auth: Promise<SshAuth | undefined>;
}

// Beyond the login's bound: the compile itself and distcc's own start-up.
const TRIAL_EXTRA_S = 10;

export function startChecks(env: LocalEnv, config: Config, options: CheckOptions): CheckRun {
  const emit = options.onCheck ?? (() => {});
  // Every node's connect and probe listens for the abort.
  if (options.signal !== undefined) setMaxListeners(0, options.signal);
  const localFiles = localFileChecks(env, config);
  localFiles.checks.forEach(emit);
  // A key with a passphrase: the agent's answer is the key's last check.
  const agentOutcome = localFiles.agentKey === undefined ? undefined : agentKeyCheck(config.key, localFiles.agentKey, env.env.SSH_AUTH_SOCK);
  const files: Promise<FileOutcome> = (async () => {
    const outcome = await agentOutcome;
    if (outcome === undefined) return localFiles;
    emit(outcome.check);
    const lastKeyCheck = localFiles.checks.map((check) => check.id.startsWith('key.')).lastIndexOf(true);
    const checks = [...localFiles.checks];
    checks.splice(lastKeyCheck + 1, 0, outcome.check);
    return { ...localFiles, checks };
  })();
  // The compiler query spawns processes, and each spawn blocks the event loop for tens of
  // milliseconds (Node.js forks its whole process): it starts before any node's TCP connect, so
  // that no connect's completion waits behind it and every round trip is measured as it is.
  let startQuery: () => void = () => {};
  const compilerQuery = new Promise<FrontCompilerOutcome>((resolve) => {
    startQuery = () => resolve(startFrontCompilerQuery(env, options.deferPortage === true ? undefined : options.portage));
  });
  const compiler = compilerQuery.then((result) => (result.ok ? result.compiler : undefined));
  const tools: Promise<ToolOutcome> = localToolChecks(env, compilerQuery).then((outcome) => {
    outcome.checks.forEach(emit);
    return outcome;
  });
  const portage: Promise<PortageOutcome> = Promise.all([options.portage, options.outlook, compiler]).then(([query, outlook, front]) => {
    const outcome = portageChecks(query, outlook, front);
    outcome.checks.forEach(emit);
    return outcome;
  });
  const local =
    options.deferPortage === true
      ? Promise.all([files, tools]).then(([file, outcome]) => [...file.checks, ...outcome.checks])
      : Promise.all([files, tools, portage]).then(([file, outcome, answered]) => [...file.checks, ...outcome.checks, ...answered.checks]);
  const knownHosts = localFiles.knownHosts;
  const timeoutMs = config.connectTimeout * 1000;
  const auth: Promise<SshAuth | undefined> =
    localFiles.privateKey !== undefined
      ? Promise.resolve({ privateKey: localFiles.privateKey, knownHosts, timeoutMs })
      : (agentOutcome?.then((outcome) => (outcome.agent === undefined ? undefined : { agent: outcome.agent, knownHosts, timeoutMs })) ??
        Promise.resolve(undefined));

  let trial: { setup: TrialSetup; runner: TrialRunner } | undefined;
  let trialSetupError: Error | undefined;
  let trialPending: Promise<TrialRunner | undefined> | undefined;
  const trialRunner = (): Promise<TrialRunner | undefined> =>
    (trialPending ??= (async () => {
      const outcome = await tools;
      if (outcome.ssh === undefined || hasFrontEndBlocker(await local)) return undefined;
      try {
        const setup = prepareTrial(env.uid, localFiles.buildUser, env.env.PATH || '/usr/bin:/bin', config.transport);
        trial = { setup, runner: startTrialRunner(setup, config.connectTimeout + TRIAL_EXTRA_S, options.signal) };
      } catch (error) {
        trialSetupError = error as Error;
      }
      return trial?.runner;
    })());

  startQuery();
  const seen = new Map<string, string>();
  const nodes: NodeRun[] = config.nodes.map((node, index) => {
    const name = nodeName(node);
    const first = seen.get(node.host);
    if (first === undefined) seen.set(node.host, name);
    const report = (async (): Promise<NodeReport> => {
      const checks: Check[] = [];
      const add = (check: Check): void => {
        checks.push(check);
        emit(check);
      };
      let facts: NodeFacts = {};
      if (first !== undefined) {
        add(fail('node.duplicate-host', name, msg.duplicateHost(node.host, first)));
      } else {
        const outcome = await checkNode(
          { node, name, auth: await auth, keyPath: config.key, knownHostsPath: config.knownHosts, compiler, signal: options.signal, emit },
          options.trial && !hasFailure((await files).checks)
            ? {
                runner: trialRunner,
                setupError: () => trialSetupError,
                compiler,
                slug: `node${index + 1}`,
                timeoutMs: (config.connectTimeout + TRIAL_EXTRA_S) * 1000,
              }
            : undefined,
        );
        checks.push(...outcome.checks);
        facts = outcome.facts;
        const note = hasFailure(checks) ? undefined : lzoSuggestion(node, name, facts.rttMs, config.source);
        if (note !== undefined) {
          add(note.check);
          facts = { ...facts, suggestedOptions: note.options };
        }
      }
      const localChecks = await local;
      return { node, name, usable: !hasFailure(checks) && !hasFrontEndBlocker(localChecks), checks, facts };
    })();
    return { node, name, report };
  });

  const report = (async (): Promise<Report> => {
    try {
      const [localChecks, reports] = await Promise.all([local, Promise.all(nodes.map((run) => run.report))]);
      const report: Report = { local: localChecks, nodes: reports, summary: summarize(config, localChecks, reports, options.makeJobs) };
      if (options.deferPortage !== true) report.portage = (await portage).report;
      return report;
    } finally {
      await trial?.runner.close();
      trial?.setup.remove();
    }
  })();
  return { local, portage, nodes, report, auth };
}
