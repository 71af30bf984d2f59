import * as say from '../messages/transport.js';
import { shellQuote } from '../run-env/shell-quote.js';

// DISTCC_SSH of the tunnel transport. distcc stays in ssh mode and runs
//   <connector> [-l USER] HOST distccd --inetd --enable-tcp-insecure
// for each job, as the build user, inside Portage's network sandbox (only `lo` there). The
// connector uses HOST alone, to pick the node, and relays the job's bytes to the run's distccd
// on that node's loopback over the node's one connection: OpenSSH's `-W` through the control
// socket of the connection's master, a unix socket in the run directory, which crosses network
// namespaces. It never opens a connection of its own: ProxyCommand=false makes a missing master
// fail at once, and distcc then compiles the job locally.

export interface ConnectorRoute {
  host: string;
  controlPath: string;
  /** The node's run-scoped distccd port on its loopback. */
  port: number;
}

export interface ConnectorInput {
  runId: string;
  ssh: string;
  routes: readonly ConnectorRoute[];
  /** Hosts held out for now: their jobs fail at once, without a word (demerge said why once). */
  held?: readonly string[];
}

/**
 * The ssh words that relay one job. The connector keeps ssh quiet (distcc already warns about
 * each job it compiles locally); demerge's own probe asks for errors to report them.
 */
export function connectorSshWords(ssh: string, route: ConnectorRoute, logLevel: 'QUIET' | 'ERROR' = 'QUIET'): string[] {
  return [
    ssh,
    '-F',
    '/dev/null',
    '-S',
    route.controlPath,
    '-o',
    'ControlMaster=no',
    '-o',
    'ProxyCommand=false',
    '-o',
    'BatchMode=yes',
    '-o',
    `LogLevel=${logLevel}`,
    '-W',
    `127.0.0.1:${route.port}`,
    route.host,
  ];
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
    lines.push(`  ${shellQuote(route.host)}) set -- ${connectorSshWords(input.ssh, route).map(shellQuote).join(' ')} ;;`);
  }
  lines.push(
    '  *)',
    `    echo "${say.connectorNoConnection('${1-?}')}" >&2`,
    '    exit 255 ;;',
    'esac',
    // distcc waits for this program to exit after each job (remote.c collects the ssh child),
    // and `ssh -W` exits only after SSH's channel close handshake: a round trip after the job is
    // done. The job's bytes flow through ssh on distcc's own pipes, not through this script, so
    // it starts ssh on them and returns. (A background job's stdin would be /dev/null: fd 3.
    // ssh's stderr is not the build's: a straggler must not hold the build log open.)
    'exec 3<&0',
    '"$@" <&3 3<&- 2>/dev/null &',
    'exit 0',
    '',
  );
  return lines.join('\n');
}
