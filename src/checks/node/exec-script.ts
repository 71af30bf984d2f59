import type { Client } from 'ssh2';

// One command on an open connection, its stdin given, both outputs collected (bounded), and
// the whole exchange bounded in time: a forced command may wait on stdin forever.

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
  timedOut: boolean;
  /** The channel could not be opened (sshd refused the session). */
  error?: string;
}

const MAX_OUTPUT = 64 * 1024;

export function execScript(client: Client, command: string, input: string, timeoutMs: number): Promise<ExecResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (code: number | null, timedOut: boolean, error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ stdout, stderr, code, timedOut, ...(error === undefined ? {} : { error }) });
    };
    const timer = setTimeout(() => finish(null, true), timeoutMs);
    try {
      client.exec(command, (error, stream) => {
        if (error) {
          finish(null, false, error.message);
          return;
        }
        stream.on('data', (chunk: Buffer) => {
          if (stdout.length < MAX_OUTPUT) stdout += chunk.toString('utf8');
        });
        stream.stderr.on('data', (chunk: Buffer) => {
          if (stderr.length < MAX_OUTPUT) stderr += chunk.toString('utf8');
        });
        stream.on('close', (code: number | null) => finish(typeof code === 'number' ? code : null, false));
        stream.end(input);
      });
    } catch (error) {
      finish(null, false, (error as Error).message);
    }
  });
}
