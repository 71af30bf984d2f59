// The command demerge's connection runs on a node: a distccd for this run only, on the node's
// loopback, whose life is tied to the connection.
//
// Tied explicitly, because nothing else does it: without a pty no SIGHUP reaches the remote
// command when the connection ends, and distccd puts itself in a process group of its own. So
// the script reads the connection's stdin: demerge sends one byte ("h") every HEARTBEAT_SECONDS;
// end of file (demerge closed it, was killed, or sshd ended the session) or silence for
// HEARTBEAT_TIMEOUT_SECONDS (the link died without a FIN) makes it SIGTERM distccd, which takes
// its whole process group (the jobs it runs) along. The heartbeat writes nothing to disk: a node
// whose disk is full must keep its connection (its jobs then fail one by one and say why).
//
// distccd's warnings and errors go to the connection's stderr, so that demerge hears what goes
// wrong on the node (a full disk, a compiler it refuses) and can name it; a quiet distccd sends
// nothing.
//
// Daemon-mode distccd keeps its compiler whitelist (/usr/lib/distcc) on: demerge never passes
// --enable-tcp-insecure, and the `distccd --inetd --enable-tcp-insecure` words distcc appends
// for ssh mode never reach the node (the connector drops them).
//
// The script is the same text for every run of a demerge version, and the run's values travel
// as its positional parameters, so a forced command on the node can allow exactly this request:
//   exec /bin/sh -c '<TUNNEL_SCRIPT>' demerge-distccd DISTCCD JOBS PORT...

export const HEARTBEAT_SECONDS = 10;
const HEARTBEAT_TIMEOUT_SECONDS = 30;
export const HEARTBEAT_BYTE = 'h';

/** $0 of the node-side script: what `ps` on the node shows. */
export const TUNNEL_SCRIPT_NAME = 'demerge-distccd';

/** distccd's exit status when it cannot bind its port (exitcode.h EXIT_BIND_FAILED). */
const EXIT_BIND_FAILED = 102;

/** Polls of 20 ms for distccd to listen: about 5 s, well inside demerge's wait for "ready". */
const READY_POLLS = 250;

/** The node-side POSIX sh script, one line: $1 distccd, $2 its --jobs, then candidate ports. */
export const TUNNEL_SCRIPT = [
  // fd 3 is the connection's stdin, for the heartbeat reader (a background job's own stdin
  // would be /dev/null).
  'distccd=$1; jobs=$2; shift 2; exec 3<&0;',
  'd=$(mktemp -d "${TMPDIR:-/tmp}/demerge.XXXXXXXX") || exit 1;',
  'p=; w=;',
  'stop() { [ -z "$w" ] || kill "$w" 2>/dev/null; if [ -n "$p" ]; then kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; fi; rm -rf "$d"; };',
  // A signal to the script (an admin, sshd) still takes distccd along.
  'trap "stop; exit 1" HUP INT TERM;',
  'for port do',
  '"$distccd" --daemon --no-detach --listen 127.0.0.1 --port "$port" --allow 127.0.0.1 --jobs "$jobs"',
  '--pid-file "$d/pid" --log-stderr --log-level warning </dev/null >/dev/null 3<&- & p=$!;',
  // The pid file appears once the port is bound (dparent.c); a failed bind ends distccd. The
  // wait is bounded: a distccd that neither listens nor exits is stopped, never left behind.
  `n=0; while [ ! -s "$d/pid" ] && kill -0 "$p" 2>/dev/null && [ $n -lt ${READY_POLLS} ]; do sleep 0.02; n=$((n+1)); done;`,
  '[ -s "$d/pid" ] && break;',
  // Only a taken port is worth another try; anything else (no distccd, a bad option) is final.
  `kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; s=$?; p=; [ "$s" = ${EXIT_BIND_FAILED} ] || break;`,
  'done;',
  'if [ -z "$p" ]; then stop; exit 1; fi;',
  // If demerge is already gone, "ready" meets a closed pipe: the script must live on to the
  // end of file below rather than die of SIGPIPE and leave distccd running.
  'trap "" PIPE;',
  'echo "ready $port";',
  // One heartbeat byte per read; end of file (nothing read) or a silent link (timeout) ends it.
  // The read runs in the background so that `wait` lets a signal's trap run at once; grep's
  // status says whether the byte came.
  `if command -v timeout >/dev/null 2>&1; then t="timeout ${HEARTBEAT_TIMEOUT_SECONDS}"; else t=; fi;`,
  `while :; do $t dd bs=1 count=1 <&3 2>/dev/null | grep -q ${HEARTBEAT_BYTE} & w=$!; wait "$w" || break; done;`,
  'w=; stop',
].join(' ');

export interface RemoteCommandInput {
  /** distccd on the node: the node's `command`, else found through the login PATH. */
  distccd: string;
  ports: readonly number[];
  /** distccd --jobs: the node's slots, so the daemon runs what distcc sends and no more. */
  jobs: number;
}

/** The line the node prints once distccd listens; demerge reads it from the connection. */
export function parseReadyLine(line: string): number | undefined {
  const match = /^ready ([0-9]{1,5})$/.exec(line.trim());
  if (!match) return undefined;
  const port = Number(match[1]);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** What ssh sends as the remote command: the login shell hands the script to /bin/sh. */
export function renderRemoteCommand(input: RemoteCommandInput): string {
  if (!/^[A-Za-z0-9/._+-]+$/.test(input.distccd)) throw new Error(`unsafe distccd path: ${input.distccd}`);
  if (input.ports.length === 0 || !input.ports.every((port) => Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new Error(`bad port list: ${input.ports.join(' ')}`);
  }
  if (!Number.isInteger(input.jobs) || input.jobs < 1) throw new Error(`bad job count: ${input.jobs}`);
  // Single quotes pass the script literally in sh, bash, zsh and csh alike; it has none itself.
  return [`exec /bin/sh -c '${TUNNEL_SCRIPT}'`, TUNNEL_SCRIPT_NAME, input.distccd, String(input.jobs), ...input.ports.map(String)].join(' ');
}
