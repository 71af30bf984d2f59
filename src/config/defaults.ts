import { DEFAULT_LOCAL_SLOTS, DEFAULT_REMOTE_SLOTS, MAX_PORT, MAX_SLOTS, MIN_PORT, MIN_SLOTS } from '../hosts/limits.js';
import type { Config } from './types.js';

export const DEFAULT_CONFIG_PATH = '/etc/demerge.conf';

// What `distcc-config --set-hosts` writes; distcc reads it last (hosts.c:187).
export const DISTCC_HOSTS_PATH = '/etc/distcc/hosts';

// A demerge.conf lists a few nodes; anything this big is a mistake or an attack, and
// must be refused before the TOML parser spends time on it.
export const MAX_CONFIG_BYTES = 1024 * 1024;

// distccd's port is 3632; the next one is unassigned in practice (IANA: a long-gone product).
export const DEFAULT_ENTRANCE_PORT = 3633;

export const NODE_DEFAULTS = {
  user: 'distcc', // the account of the Gentoo "distcc over SSH" recipe
  port: 22,
  slots: DEFAULT_REMOTE_SLOTS,
} as const;

export const RANGES = {
  slots: { min: MIN_SLOTS, max: MAX_SLOTS },
  port: { min: MIN_PORT, max: MAX_PORT },
  entrancePort: { min: MIN_PORT, max: MAX_PORT },
  // Past distcc's 300 s DISTCC_IO_TIMEOUT a dead node would be noticed by distcc first.
  connectTimeout: { min: 1, max: 300 },
  // 0 leaves localhost out of DISTCC_HOSTS: every job goes to the nodes.
  localSlots: { min: 0, max: MAX_SLOTS },
  // make -l takes a load average, fractions included; 0 means no -l.
  loadLimit: { min: 0, max: MAX_SLOTS },
} as const;

export function defaultConfig(source: Config['source'], cpuCount: number): Config {
  return {
    source,
    nodes: [],
    key: '/etc/distcc/.ssh/id_ed25519',
    knownHosts: '/var/tmp/portage/.ssh/known_hosts',
    localSlots: DEFAULT_LOCAL_SLOTS,
    connectTimeout: 5,
    emerge: 'emerge',
    resolveNative: true,
    loadLimit: Number.isFinite(cpuCount) ? Math.max(1, Math.floor(cpuCount)) : 1,
    buildUser: 'portage',
    transport: 'tunnel',
    entrancePort: DEFAULT_ENTRANCE_PORT,
  };
}
