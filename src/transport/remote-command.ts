import { createHash } from 'node:crypto';
import { NODE_PROGRAM, NODE_PROGRAM_NAME } from './node-program.js';

// The command demerge's connections run on a node: the node program (node-program.ts) as a
// run's session with the node's shared service.
//
// The run's life on the node is tied to its connection explicitly, because nothing else does it:
// without a pty no SIGHUP reaches the remote command when the connection ends. So the session
// reads the connection's stdin: demerge sends one byte ("h") every HEARTBEAT_SECONDS; end of
// file (demerge closed it, was killed, or sshd ended the session) or silence for 30 s (the link
// died without a FIN) ends the session, and with it the run's lease on the node's service. The
// heartbeat writes nothing to disk: a node whose disk is full keeps its connection.
//
// The program's text is the same for every run of a demerge version. It comes on the session's
// stdin, ahead of the heartbeat bytes: the command itself is a short bootstrap that reads exactly
// that many bytes and runs them only if their SHA-256 is the one it names. So `ps` on the node
// (and the dashboard's sampler, which reads it every second) sees a short line, and a forced
// command on the node can still allow exactly this program (setup/forced-command.ts):
//   exec python3 -I -S -c '<BOOTSTRAP>' demerge-node run DISTCCD SLOTS RUN
// `-I -S`: no PYTHON* variables, no user or site packages: nothing of the node's environment
// changes the program.

export const HEARTBEAT_SECONDS = 10;
export const HEARTBEAT_BYTE = 'h';

/** argv[1] of the node program: what `ps` on the node shows. */
export { NODE_PROGRAM_NAME };

/** What the session's stdin starts with: the program, byte for byte. */
export const NODE_PROGRAM_BYTES: Buffer = Buffer.from(NODE_PROGRAM, 'utf8');

const PROGRAM_SHA256 = createHash('sha256').update(NODE_PROGRAM_BYTES).digest('hex');

/** The -c argument: reads the program from stdin (exactly its length), checks it, runs it. */
export const NODE_BOOTSTRAP =
  'import os,sys,hashlib;' +
  'r=lambda n,p=b"":p if len(p)>=n else r(n,p+(os.read(0,n-len(p)) or sys.exit(1)));' +
  `p=r(${NODE_PROGRAM_BYTES.length});` +
  `hashlib.sha256(p).hexdigest()=="${PROGRAM_SHA256}" or sys.exit(2);` +
  'exec(p)';

/** The words of a run's request before its values, fixed: the forced command matches them. */
export const RUN_REQUEST_PREFIX = `exec python3 -I -S -c '${NODE_BOOTSTRAP}' ${NODE_PROGRAM_NAME} run `;

/** What the node's service holds now, one JSON line (the program on stdin, as for a run). */
export const STATUS_REQUEST = `exec python3 -I -S -c '${NODE_BOOTSTRAP}' ${NODE_PROGRAM_NAME} status`;

export interface RemoteCommandInput {
  /** distccd on the node: the node's `command`, else found through the login PATH. */
  distccd: string;
  /** The node's slots: the service's limit when this run is the one that starts it. */
  slots: number;
  /** Names the run on the node (its socket, the status); letters, digits, `._+-`. */
  run: string;
}

/** Where the run reaches the node's service, and the limit the service keeps. */
export interface NodeEndpoint {
  /** The run's unix socket on the node, in the login user's 0700 directory. */
  socket: string;
  /** The node-wide slots (the first run's `slots`, while the service lives). */
  slots: number;
  /**
   * The service's TCP entrance, for a key that may open only 127.0.0.1:PORT (its forced command
   * asks for it): jobs go there instead of the socket, each naming the run first.
   */
  entrance?: { port: number; run: string };
}

/** The line the node prints once the run is registered; demerge reads it from the connection. */
export function parseReadyLine(line: string): NodeEndpoint | undefined {
  const match = /^ready (\/[A-Za-z0-9/._+-]{1,200}\.sock) ([0-9]{1,4})(?: 127\.0\.0\.1:([0-9]{1,5}) ([A-Za-z0-9._+-]{1,64}))?$/.exec(line.trim());
  if (!match?.[1] || !match[2]) return undefined;
  const slots = Number(match[2]);
  if (slots < 1) return undefined;
  if (match[3] === undefined || match[4] === undefined) return { socket: match[1], slots };
  const port = Number(match[3]);
  return port >= 1 && port <= 65535 ? { socket: match[1], slots, entrance: { port, run: match[4] } } : undefined;
}

/** The first line of each job's bytes on the TCP entrance: which run it is for. */
export function entranceHeader(run: string): string {
  return `DEMR ${run}\n`;
}

/** What the other runs on the node hold now, as the node reports it (on change, at most twice a second). */
export interface SharedSlots {
  /** Jobs of other runs compiling now. */
  jobs: number;
  /** Jobs of other runs waiting for a slot. */
  waiting: number;
  /** Other runs registered on the node (from this front end or others). */
  runs: number;
}

export function parseOthersLine(line: string): SharedSlots | undefined {
  const match = /^others ([0-9]{1,5}) ([0-9]{1,6}) ([0-9]{1,5})$/.exec(line.trim());
  if (!match) return undefined;
  return { jobs: Number(match[1]), waiting: Number(match[2]), runs: Number(match[3]) };
}

const SAFE_WORD = /^[A-Za-z0-9/._+-]+$/;
const RUN_NAME = /^[A-Za-z0-9._+-]{1,64}$/;

/** What ssh sends as the remote command: the login shell hands it to python3. */
export function renderRemoteCommand(input: RemoteCommandInput): string {
  if (!SAFE_WORD.test(input.distccd)) throw new Error(`unsafe distccd path: ${input.distccd}`);
  if (!Number.isInteger(input.slots) || input.slots < 1 || input.slots > 4096) throw new Error(`bad slot count: ${input.slots}`);
  if (!RUN_NAME.test(input.run)) throw new Error(`bad run name: ${input.run}`);
  return `${RUN_REQUEST_PREFIX}${input.distccd} ${input.slots} ${input.run}`;
}

/** A run's name on the node: unique per connection attempt, so a reconnect never meets its old lease. */
export function nodeRunName(runId: string, attempt: number): string {
  const name = `${runId.replace(/[^A-Za-z0-9._+-]/g, '_').slice(0, 48)}.${attempt}`;
  return name;
}
