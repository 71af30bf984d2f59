import * as say from '../messages/transport.js';
import { startProcess } from '../system/spawn.js';
import { OutputTail } from './output-tail.js';

// Before emerge starts, one job's way is tried the way every job will take it (same relay, same
// user, same forwarded socket), with a probe the node's service answers itself ("DEMP", never
// the start of a distcc request, which is "DIST"): it proves the control socket, the forward,
// the node's permission to forward to a unix socket, the service and its distccd, instead of
// letting every job of the run fall back to a local compile in silence.

export interface ProbeInput {
  /** `ssh -S <control> -O forward -L <local>:<node socket> host`: the master starts listening. */
  forward: readonly string[];
  /** The connector's relay to the local socket. */
  relay: readonly string[];
  user?: { uid: number; gid: number } | undefined;
  env: Record<string, string>;
  timeoutMs: number;
}

/** The service's answer to a probe, and the probe itself. */
export const PROBE_REQUEST = 'DEMP';
const PROBE_ANSWER = 'ok';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: OutputTail;
  timedOut: boolean;
}

function run(argv: readonly string[], input: ProbeInput, stdin: string | undefined): Promise<Ran | string> {
  return new Promise((resolve) => {
    const [file, ...args] = argv;
    if (file === undefined) {
      resolve(say.noConnectorCommand());
      return;
    }
    const stderr = new OutputTail();
    let stdout = '';
    let timedOut = false;
    const child = startProcess(file, args, {
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: input.env,
      ...(input.user === undefined ? {} : { uid: input.user.uid, gid: input.user.gid }),
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, input.timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (stdout.length < 4096) stdout += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin?.on('error', () => {});
    child.stdin?.end(stdin);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve(error.message);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** undefined when the way works; else what went wrong, in a person's words. */
export async function probeJobWay(input: ProbeInput): Promise<string | undefined> {
  const seconds = Math.round(input.timeoutMs / 1000);
  const forwarded = await run(input.forward, input, undefined);
  if (typeof forwarded === 'string') return forwarded;
  if (forwarded.timedOut) return say.noChannelWithin(seconds);
  if (forwarded.code !== 0) return forwarded.stderr.lastLine() ?? say.sshExited(forwarded.code);
  const probed = await run(input.relay, input, PROBE_REQUEST);
  if (typeof probed === 'string') return probed;
  if (probed.timedOut) return say.noChannelWithin(seconds);
  const answer = probed.stdout.trim();
  if (answer === PROBE_ANSWER) return undefined;
  if (answer.startsWith('error ')) return answer.slice('error '.length);
  return probed.stderr.lastLine() ?? say.noAnswerThroughForward();
}
