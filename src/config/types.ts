import type { HostOption } from '../hosts/types.js';

export interface NodeConfig {
  host: string;
  user: string;
  port: number;
  slots: number;
  options: HostOption[];
  command?: string;
}

export const TRANSPORTS = ['tunnel', 'ssh'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export interface Config {
  // Where the nodes came from: demerge.conf, distcc's own hosts file, or nowhere.
  source: { kind: 'file' | 'distcc-hosts' | 'none'; path?: string };
  nodes: NodeConfig[];
  key: string;
  knownHosts: string;
  localSlots: number;
  connectTimeout: number;
  emerge: string;
  /** portageq to ask Portage with; undefined: the one beside emerge, else PATH's. */
  portageq?: string;
  /** Rewrite -march=native / -mtune=native into the explicit flags for the run (default true). */
  resolveNative: boolean;
  loadLimit: number;
  buildUser: string;
  /** "tunnel": one connection per node for the run (default); "ssh": the recipe's ssh per job. */
  transport: Transport;
  /**
   * The node service's TCP port for keys written by `setup node --restrict` (their permitopen
   * names it): OpenSSH lets such a key forward to no unix socket.
   */
  entrancePort: number;
}

// Everything the loader needs, injected so tests can pass fakes.
export interface ConfigInputs {
  flags: { config?: string };
  env: Record<string, string | undefined>;
  // undefined when the file does not exist; any other failure throws.
  readFile(path: string): string | undefined;
  cpuCount: number;
}
