import type { Config } from '../config/types.js';
import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import type { SshAuth } from './connect.js';
import { readKeyFile } from './key-file.js';
import { parseKnownHosts } from './known-hosts.js';

/**
 * The key and known_hosts the build's ssh will use, loaded once for every probe of the run. A key
 * with a passphrase signs through the ssh-agent at $SSH_AUTH_SOCK (the checks made sure it holds
 * the key), offering that key only.
 */
export function connectAuth(
  io: { readBinary(path: string): Buffer | undefined; readFile(path: string): string | undefined; env?: Record<string, string | undefined> },
  config: Pick<Config, 'key' | 'knownHosts' | 'connectTimeout'>,
): SshAuth {
  let keyData: Buffer | undefined;
  try {
    keyData = io.readBinary(config.key);
  } catch (error) {
    throw new DemergeError(...msg.keyUnreadable(config.key, (error as NodeJS.ErrnoException).code ?? String(error)));
  }
  if (keyData === undefined) throw new DemergeError(...msg.keyMissing(config.key));
  const file = readKeyFile(keyData, () => io.readFile(`${config.key}.pub`));
  if (file.kind === 'unusable') throw new DemergeError(...msg.keyUnusable(config.key, file.reason));
  const socket = io.env?.SSH_AUTH_SOCK;
  if (file.kind === 'encrypted') {
    if (file.publicKey === undefined) throw new DemergeError(...msg.keyEncryptedNoPublic(config.key));
    if (socket === undefined || socket === '') throw new DemergeError(...msg.keyNoAgent(config.key));
  }
  const knownHostsText = io.readFile(config.knownHosts);
  if (knownHostsText === undefined) throw new DemergeError(...msg.knownHostsMissing(config.knownHosts));
  return {
    ...(file.kind === 'plain' ? { privateKey: keyData } : { agent: { socket: socket as string, publicKey: file.publicKey as Buffer } }),
    knownHosts: parseKnownHosts(knownHostsText),
    timeoutMs: config.connectTimeout * 1000,
  };
}
