import type { Config, NodeConfig } from '../../config/types.js';
import { DEFAULT_CONFIG_PATH, DISTCC_HOSTS_PATH } from '../../config/defaults.js';
import type { HostOption } from '../../hosts/types.js';
import * as msg from '../../messages.js';
import { formatDistccHosts } from '../../run-env/distcc-hosts.js';
import { LZO_RTT_THRESHOLD_MS, suggestLzo } from '../../transport/lzo.js';
import { ok, type Check } from '../types.js';

// A node far enough away (by its measured round trip) to gain from distcc's lzo option gets a
// note naming the change in the file its nodes came from. A note, not a warning: the node works
// as it is, and the exit status must not change for a matter of speed.

export interface LzoSuggestion {
  check: Check;
  /** The node's options with lzo added, as they would be written. */
  options: HostOption[];
}

export function lzoSuggestion(node: NodeConfig, name: string, rttMs: number | undefined, source: Config['source']): LzoSuggestion | undefined {
  if (rttMs === undefined || !suggestLzo(rttMs) || node.options.includes('lzo')) return undefined;
  const options: HostOption[] = ['lzo', ...node.options];
  const place: msg.LzoConfigPlace =
    source.kind === 'distcc-hosts'
      ? { kind: 'hosts', path: source.path ?? DISTCC_HOSTS_PATH, spec: formatDistccHosts([{ ...node, options }], 0) }
      : { kind: 'conf', path: source.path ?? DEFAULT_CONFIG_PATH, host: node.host, options };
  return { check: ok('node.lzo', name, msg.nodeLzoSuggested(rttMs, LZO_RTT_THRESHOLD_MS, place)), options };
}
