import * as msg from '../messages.js';
import { authorizedKeyOptions, type KeyRestrictions } from './authorized-keys.js';
import type { AdminRun, AdminRunner, AdminSshOptions } from './admin-ssh.js';
import { commandShapes, renderForcedCommand } from './forced-command.js';
import { renderNodeScript, REPORT_MARK } from './node-script.js';
import type { PublicKey } from './public-key.js';
import { report, type StepReport } from './report.js';

// `demerge setup node HOST...`: one generated script per node, run over the admin's own ssh.

export interface NodeTarget {
  host: string;
  /** The name shown to the user: host, with the port when it is not 22. */
  name: string;
  /** Port from demerge.conf, when the node is configured. */
  port?: number;
  /** The build's account on the node (demerge.conf's user, default distcc). */
  user: string;
  /** The node's distccd path from demerge.conf, if any. */
  distccd?: string;
  /** Who logs in to set it up. */
  admin: string;
}

export interface NodeSetupOptions extends KeyRestrictions {
  key: PublicKey;
  unlock: boolean;
  version: string;
}

export function nodeScript(target: NodeTarget, options: NodeSetupOptions): string {
  const shapes = commandShapes({
    ...(target.distccd === undefined ? {} : { distccd: target.distccd }),
    ...(options.entrancePort === undefined ? {} : { entrancePort: options.entrancePort }),
  });
  return renderNodeScript({
    host: target.host,
    user: target.user,
    key: options.key,
    options: authorizedKeyOptions(options),
    unlock: options.unlock,
    ...(options.restrict ? { forcedCommand: renderForcedCommand(shapes, options.version) } : {}),
    version: options.version,
  });
}

/** What the script reported, or why it (or the admin's ssh) failed. */
export function readScriptRun(subject: string, run: AdminRun, target: Pick<NodeTarget, 'host' | 'admin'>): StepReport {
  const result = report(subject);
  let done = false;
  for (const line of run.stdout.split('\n')) {
    if (!line.startsWith(`${REPORT_MARK} `)) continue; // a login banner or an rc file's noise
    const [word = '', ...rest] = line.slice(REPORT_MARK.length + 1).split(' ');
    const text = rest.join(' ');
    if (word === 'changed') result.changes.push(text);
    else if (word === 'warning') result.notes.push(text);
    else if (word === 'error') result.error = text;
    else if (word === 'done') done = true;
  }
  if (run.exitCode === 0 && done) return result;
  if (result.error !== undefined) return result;
  if (run.exitCode === 0) return { ...result, error: msg.nodeScriptCutShort() };
  const lastLine =
    run.stderr
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .pop() ?? 'no message';
  return { ...result, error: msg.nodeScriptFailed(target.admin, target.host, run.exitCode, lastLine) };
}

export async function setupNode(target: NodeTarget, options: NodeSetupOptions, ssh: AdminSshOptions, runScript: AdminRunner): Promise<StepReport> {
  const run = await runScript(
    { host: target.host, user: target.admin, ...(target.port === undefined ? {} : { port: target.port }) },
    nodeScript(target, options),
    ssh,
  );
  return readScriptRun(target.name, run, target);
}
