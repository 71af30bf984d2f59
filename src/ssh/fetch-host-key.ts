import type { ConnectConfig } from 'ssh2';
import { newSshClient } from './connect.js';
import * as say from '../messages/ssh.js';
import { classify, SshFailure } from './connect.js';

// `demerge trust` needs a node's host key before anyone trusts it: the key exchange runs up to
// the server's host key, which is captured, and the connection is then refused by us. No user
// authentication is attempted, so nothing is sent that the node could keep.

// Strongest first, as OpenSSH prefers them; ssh2's names.
const HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256'] as const;

export interface HostKeyTarget {
  host: string;
  port: number;
}

/**
 * The host key blob the node presents. `prefer` puts algorithms first (those of keys already in
 * known_hosts, so that a node with several keys shows the one we would compare against).
 */
export function fetchHostKey(target: HostKeyTarget, timeoutMs: number, prefer: readonly string[] = []): Promise<Buffer> {
  const supported = new Set<string>(HOST_KEY_ALGORITHMS);
  const preferred = prefer.flatMap((type) => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256'] : [type])).filter((type) => supported.has(type));
  const algorithms = [...new Set([...preferred, ...HOST_KEY_ALGORITHMS])];
  return new Promise((resolve, reject) => {
    const client = newSshClient();
    let captured: Buffer | undefined;
    let settled = false;
    const finish = (outcome: Buffer | SshFailure): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.destroy();
      if (outcome instanceof SshFailure) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(() => finish(new SshFailure('timeout', say.sshNoAnswer(timeoutMs / 1000))), timeoutMs);
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: 'demerge-trust',
      readyTimeout: timeoutMs,
      tryKeyboard: false,
      algorithms: { serverHostKey: algorithms as never },
      hostVerifier: (key: Buffer) => {
        captured = Buffer.from(key);
        // Refused here, the client reports an error next; settle after ssh2 has unwound.
        setImmediate(() => finish(captured as Buffer));
        return false;
      },
    };
    client.on('error', (error: Error & { level?: string; code?: string }) => finish(captured ?? classify(error, timeoutMs)));
    client.once('close', () => finish(captured ?? new SshFailure('closed', say.sshClosedBeforeHostKey())));
    try {
      client.connect(config);
    } catch (error) {
      finish(new SshFailure('error', (error as Error).message));
    }
  });
}
