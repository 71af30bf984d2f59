import type { Config } from '../config/types.js';
import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { parsePrivateKey, type SshAuth } from './connect.js';
import { parseKnownHosts } from './known-hosts.js';

/** The key and known_hosts the build's ssh will use, loaded once for every probe of the run. */
export function connectAuth(
  io: { readBinary(path: string): Buffer | undefined; readFile(path: string): string | undefined },
  config: Pick<Config, 'key' | 'knownHosts' | 'connectTimeout'>,
): SshAuth {
  let keyData: Buffer | undefined;
  try {
    keyData = io.readBinary(config.key);
  } catch (error) {
    throw new DemergeError(...msg.keyUnreadable(config.key, (error as NodeJS.ErrnoException).code ?? String(error)));
  }
  if (keyData === undefined) throw new DemergeError(...msg.keyMissing(config.key));
  const parsed = parsePrivateKey(keyData);
  if (!parsed.ok) throw new DemergeError(...msg.keyUnusable(config.key, parsed.reason));
  const knownHostsText = io.readFile(config.knownHosts);
  if (knownHostsText === undefined) throw new DemergeError(...msg.knownHostsMissing(config.knownHosts));
  return {
    privateKey: keyData,
    knownHosts: parseKnownHosts(knownHostsText),
    timeoutMs: config.connectTimeout * 1000,
  };
}
