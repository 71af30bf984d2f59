import type { NodeConfig, Transport } from '../../config/types.js';
import * as msg from '../../messages.js';

// Why a trial compile failed, read from what distcc and ssh printed (DISTCC_VERBOSE log and
// stderr). The first pattern that matches names the cause; the last distcc error line is the
// fallback, so an unforeseen failure still says something true.

export interface TrialFailureInput {
  node: NodeConfig;
  compiler: string;
  output: string;
  /** The probe found a forced command on the key. */
  forcedCommand: boolean;
  /** How the trial reached the node's distccd: the build's transport. */
  transport: Transport;
}

type Rule = readonly [RegExp, (input: TrialFailureInput, match: RegExpExecArray) => readonly [string, string]];

const RULES: readonly Rule[] = [
  [/Host key verification failed/, ({ node }) => msg.trialHostKey(node.host)],
  [/UNPROTECTED PRIVATE KEY FILE|bad permissions/i, () => msg.trialKeyPermissions()],
  [/Load key "?([^":]+)"?: (Permission denied|No such file)/, (_input, match) => msg.trialKeyUnreadable(match[1] ?? 'the key')],
  [/Permission denied \(publickey/, ({ node }) => msg.trialLoginRefused(node.user)],
  [/This account is currently not available/, ({ node }) => msg.nodeShellNologin(node.user)],
  [/forwarding .* refused|administratively prohibited|open failed/i, () => msg.trialForwardingRefused()],
  [
    /not in .*whitelist|compiler name .* cannot be an absolute path/,
    ({ compiler, transport }) => (transport === 'tunnel' ? msg.trialTunnelWhitelist(compiler) : msg.trialWhitelist(compiler)),
  ],
  // distccd --inetd refuses a compiler outside its whitelist by hanging up without an answer;
  // the whitelist is only on when a forced command runs distccd without --enable-tcp-insecure.
  [/server provided no answer|unexpected eof/, ({ compiler, forcedCommand }) => (forcedCommand ? msg.trialWhitelist(compiler) : msg.trialNoAnswer(compiler))],
  [
    /(distccd|\S*distccd\S*): (command )?not found|No such file or directory.*distccd/,
    ({ node }) => msg.nodeDistccdMissing(node.command ?? 'distccd', node.user),
  ],
  [
    /compile .* on .* failed with exit code 110|Compiler executable not found|: not found/,
    ({ compiler, node }) => msg.trialCompilerMissing(compiler, node.user),
  ],
  [/Connection refused|Connection timed out|No route to host|Could not resolve hostname/, (_input, match) => msg.trialConnect(match[0])],
];

export function classifyTrialFailure(input: TrialFailureInput): readonly [string, string] {
  for (const [pattern, problem] of RULES) {
    const match = pattern.exec(input.output);
    if (match) return problem(input, match);
  }
  return msg.trialFailed(input.compiler, lastErrorLine(input.output));
}

/** The last line distcc or ssh marked as an error, without distcc's `distcc[PID] ` prefix. */
export function lastErrorLine(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const errors = lines.filter((line) => /ERROR|error|failed|denied/i.test(line));
  const chosen = errors.at(-1) ?? lines.at(-1) ?? 'no output';
  return chosen.replace(/^distcc\[\d+\]\s*/, '');
}
