import * as say from '../messages/transport.js';
import { relayWords, type RelayInterpreter } from './job-relay.js';
import { shellQuote } from '../run-env/shell-quote.js';

// DISTCC_SSH of the tunnel transport. distcc stays in ssh mode and runs
//   <connector> [-l USER] HOST distccd --inetd --enable-tcp-insecure
// for each job, as the build user, inside Portage's network sandbox (only `lo` there). The
// connector uses HOST alone, to pick the node, and relays the job's bytes (job-relay.ts) to the
// node connection's forwarded socket, a unix socket in the run directory that the node's ssh
// master listens on: it crosses network namespaces, and the master carries each connection to
// the run's socket on the node. It never opens a connection of its own: with the master gone
// the socket refuses at once, and distcc then compiles the job locally.

export interface ConnectorRoute {
  host: string;
  /** The node connection's forwarded socket on the front end. */
  socket: string;
  /** The run's name on the node, when the socket leads to the service's TCP entrance. */
  entranceRun?: string | undefined;
}

export interface ConnectorInput {
  runId: string;
  relay: { kind: RelayInterpreter; path: string };
  routes: readonly ConnectorRoute[];
  /** Hosts held out for now: their jobs fail at once, without a word (demerge said why once). */
  held?: readonly string[];
}

export function renderConnector(input: ConnectorInput): string {
  const lines = [
    '#!/bin/sh',
    `# DISTCC_SSH for demerge run ${input.runId} (transport "tunnel"); removed when the run ends.`,
    '# distcc appends [-l USER] HOST distccd --inetd ...: only HOST matters here.',
    'while [ $# -gt 0 ]; do',
    '  case $1 in',
    '    -l) shift; [ $# -gt 0 ] && shift ;;',
    '    -*) shift ;;',
    '    *) break ;;',
    '  esac',
    'done',
    'case ${1-} in',
  ];
  for (const host of input.held ?? []) lines.push(`  ${shellQuote(host)}) exit 255 ;;`);
  for (const route of input.routes) {
    lines.push(`  ${shellQuote(route.host)}) set -- ${relayWords(input.relay, route.socket, route.entranceRun).map(shellQuote).join(' ')} ;;`);
  }
  lines.push(
    '  *)',
    `    echo "${say.connectorNoConnection('${1-?}')}" >&2`,
    '    exit 255 ;;',
    'esac',
    // distcc waits for this program to exit after each job (remote.c collects the ssh child),
    // and the relay exits only once the node side closed, after SSH's channel close handshake:
    // a round trip after the job is done. The job's bytes flow through the relay on distcc's own
    // pipes, not through this script, so it starts the relay on them and returns. (A background
    // job's stdin would be /dev/null: fd 3. The relay's stderr is not the build's: a straggler
    // must not hold the build log open.)
    'exec 3<&0',
    '"$@" <&3 3<&- 2>/dev/null &',
    'exit 0',
    '',
  );
  return lines.join('\n');
}
