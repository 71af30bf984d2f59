import * as say from '../messages/transport.js';
import { startProcess } from '../system/spawn.js';
import { OutputTail } from './output-tail.js';

// One channel through a master to the node's distccd, opened the way every job's will be (same
// words, same user), with nothing to send: it proves the control socket, the node's permission
// to forward and the listening distccd before emerge starts, instead of letting every job of the
// run fall back to a local compile in silence.

export interface ProbeInput {
  argv: readonly string[];
  user?: { uid: number; gid: number } | undefined;
  env: Record<string, string>;
  timeoutMs: number;
}

export function probeChannel(input: ProbeInput): Promise<string | undefined> {
  return new Promise((resolve) => {
    const [file, ...args] = input.argv;
    if (file === undefined) {
      resolve(say.noConnectorCommand());
      return;
    }
    const stderr = new OutputTail();
    const child = startProcess(file, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: input.env,
      ...(input.user === undefined ? {} : { uid: input.user.uid, gid: input.user.gid }),
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), input.timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve(error.message);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(undefined);
      else if (signal !== null) resolve(say.noChannelWithin(Math.round(input.timeoutMs / 1000)));
      else resolve(stderr.lastLine() ?? say.sshExited(code));
    });
  });
}
