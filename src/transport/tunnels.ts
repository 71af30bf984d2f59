import { chownSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeConfig } from '../config/types.js';
import type { RunAgent } from '../run-env/ssh-wrapper.js';
import * as msg from '../messages.js';
import { clearBackoff } from '../run-env/distcc-dir.js';
import { startProcess } from '../system/spawn.js';
import { connectionCause, nodeMessageCause } from './connection-cause.js';
import { renderConnector, type ConnectorRoute } from './connector.js';
import { relayWords, type RelayInterpreter } from './job-relay.js';
import { masterArgs } from './master-args.js';
import { NodeConnection } from './node-connection.js';
import { probeJobWay } from './probe-channel.js';
import { NODE_PROGRAM_BYTES, nodeRunName, renderRemoteCommand, type NodeEndpoint, type SharedSlots } from './remote-command.js';

// The tunnel transport for one run: a connection per node (node-connection.ts), the connector
// that DISTCC_SSH names (connector.ts), and the upkeep between them while emerge runs.

export interface TunnelSetup {
  runDir: string;
  runId: string;
  ssh: string;
  /** The connector's relay interpreter (job-relay.ts). */
  relay: { kind: RelayInterpreter; path: string };
  key: string;
  knownHosts: string;
  connectTimeout: number;
  /** An agent-held key: the run's bridge to the agent, for the masters' logins. */
  agent?: RunAgent | undefined;
  /** Who runs the masters and the connector: the build user when demerge runs as root. */
  buildUser?: { uid: number; gid: number } | undefined;
  /** Owner of the connector file: the caller, group of the build user. */
  fileOwner?: { uid: number; gid: number } | undefined;
  /** The run's DISTCC_DIR, once it is known: where distcc's backoff marks are cleared. */
  distccDir: () => string | undefined;
  /** Writes down a started master, for the next run to end should this one be SIGKILLed. */
  recordProcess?: ((pid: number | undefined) => void) | undefined;
  /** What the node's other runs hold now, whenever the node reports a change. */
  onShared?: ((node: NodeConfig, shared: SharedSlots) => void) | undefined;
}

/**
 * What happened to a node's connection during the run, with its cause in a person's words:
 * `lost` (it dropped; jobs compile locally meanwhile), `failed` (an attempt to make it again
 * failed for a new reason), `back`, and `node` (the node's distccd reported a problem).
 */
export interface TunnelEvent {
  node: NodeConfig;
  kind: 'lost' | 'failed' | 'back' | 'node';
  cause: string;
}

export type TunnelEvents = (event: TunnelEvent) => void;

export type TunnelResult = { node: NodeConfig; ok: true; endpoint: NodeEndpoint } | { node: NodeConfig; ok: false; cause: string };

// ssh runs with a fixed environment: nothing of the caller's (agent, config, locale) applies.
const MASTER_ENV = { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' };

// A unix socket path holds 108 bytes; ssh appends 17 for the temporary name it binds first.
const MAX_CONTROL_PATH = 108 - 1 - 17;

/** The control sockets' directory: the build user's own, inside the private run directory. */
function createControlDir(runDir: string, buildUser: TunnelSetup['buildUser']): string {
  const dir = join(runDir, 'tunnel');
  mkdirSync(dir, { mode: 0o700 });
  if (buildUser !== undefined) chownSync(dir, buildUser.uid, buildUser.gid);
  return dir;
}

interface Entry {
  node: NodeConfig;
  controlPath: string;
  /** Where the master listens for the node's jobs (forwarded to the run's socket on the node). */
  jobsSocket: string;
  connection: NodeConnection;
}

export class RunTunnels {
  /** The DISTCC_SSH program: an absolute path, one word. */
  readonly connector: string;
  private readonly entries: Entry[];
  /** Each node's socket and slots once its connection is up: the connector's routes. */
  private readonly endpoints = new Map<NodeConfig, NodeEndpoint>();
  /** Nodes sent no jobs for now, though connected (e.g. their disk is full). */
  private readonly held = new Set<NodeConfig>();

  constructor(
    nodes: readonly NodeConfig[],
    private readonly setup: TunnelSetup,
    private readonly onEvent: TunnelEvents,
  ) {
    const controlDir = createControlDir(setup.runDir, setup.buildUser);
    this.connector = join(setup.runDir, 'ssh');
    this.entries = nodes.map((node, index) => {
      const controlPath = join(controlDir, String(index + 1));
      const jobsSocket = `${controlPath}.jobs`;
      if (Buffer.byteLength(jobsSocket) > MAX_CONTROL_PATH) throw new Error(`control socket path too long: ${jobsSocket}`);
      return { node, controlPath, jobsSocket, connection: this.connect(node, controlPath, jobsSocket) };
    });
  }

  /** Makes every node's connection at once; the connector lists the nodes that came up. */
  async open(): Promise<TunnelResult[]> {
    const results = await Promise.all(
      this.entries.map(async (entry): Promise<TunnelResult> => {
        const opened = await entry.connection.open();
        if (opened.ok) {
          this.endpoints.set(entry.node, opened.endpoint);
          return { node: entry.node, ok: true, endpoint: opened.endpoint };
        }
        await entry.connection.close();
        return { node: entry.node, ok: false, cause: explainFailure(opened.detail) };
      }),
    );
    this.writeConnector();
    return results;
  }

  /**
   * Stops (held = true) or resumes sending the node jobs while its connection stays up: the
   * connector then fails its jobs at once, distcc backs the node off and compiles elsewhere.
   * Returns false when nothing changed.
   */
  hold(host: string, held: boolean): boolean {
    const entry = this.entries.find((e) => e.node.host === host);
    if (entry === undefined || this.held.has(entry.node) === held) return false;
    if (held) this.held.add(entry.node);
    else this.held.delete(entry.node);
    this.writeConnector();
    const distccDir = this.setup.distccDir();
    if (!held && distccDir !== undefined) clearBackoff(distccDir, [host]);
    return true;
  }

  /** Ends every connection; each node's distccd ends with its connection. */
  async close(): Promise<void> {
    await Promise.all(this.entries.map((entry) => entry.connection.close()));
  }

  private connect(node: NodeConfig, controlPath: string, jobsSocket: string): NodeConnection {
    const { setup } = this;
    // The connection and its node-side script may take: the login, then the shell and distccd.
    const readyTimeoutMs = (setup.connectTimeout + 10) * 1000;
    let lastCause: string | undefined;
    // Each connection is a run of its own on the node: a new connection never meets the lease
    // of the one before, which the node drops when it notices that one is gone.
    let attempt = 0;
    const asUser = setup.buildUser === undefined ? {} : { user: setup.buildUser };
    return new NodeConnection(controlPath, readyTimeoutMs, {
      startMaster: () => {
        attempt++;
        const remoteCommand = renderRemoteCommand({ distccd: node.command ?? 'distccd', slots: node.slots, run: nodeRunName(setup.runId, attempt) });
        const master = startProcess(setup.ssh, masterArgs({ ...setup, node, controlPath, remoteCommand }), {
          stdio: 'pipe',
          env: MASTER_ENV,
          // A session of its own: a Ctrl-C at the terminal is emerge's to handle, and the
          // connection must stay up while emerge winds down.
          detached: true,
          ...(setup.buildUser === undefined ? {} : { uid: setup.buildUser.uid, gid: setup.buildUser.gid }),
        });
        setup.recordProcess?.(master.pid);
        // The node's bootstrap reads the program first (remote-command.ts); heartbeats follow.
        master.stdin?.on('error', () => {});
        master.stdin?.write(NODE_PROGRAM_BYTES);
        return master;
      },
      probe: (endpoint) =>
        probeJobWay({
          forward: forwardWords(setup.ssh, node.host, controlPath, jobsSocket, endpoint),
          relay: relayWords(setup.relay, jobsSocket, endpoint.entrance?.run),
          ...asUser,
          env: MASTER_ENV,
          timeoutMs: setup.connectTimeout * 1000 + 5000,
        }),
      onLost: (detail) => {
        lastCause = connectionCause(detail);
        this.onEvent({ node, kind: 'lost', cause: lastCause });
      },
      // Every few seconds while a node is away: only a change of cause is news.
      onRetryFailed: (detail) => {
        const cause = connectionCause(detail);
        if (cause === lastCause) return;
        lastCause = cause;
        this.onEvent({ node, kind: 'failed', cause });
      },
      onBack: (endpoint) => {
        lastCause = undefined;
        this.endpoints.set(node, endpoint);
        this.writeConnector();
        // distcc sidelined the node when its jobs failed; it is usable again right now.
        const distccDir = setup.distccDir();
        if (distccDir !== undefined) clearBackoff(distccDir, [node.host]);
        this.onEvent({ node, kind: 'back', cause: '' });
      },
      onNodeMessage: (line) => {
        const cause = nodeMessageCause(line);
        if (cause !== undefined) this.onEvent({ node, kind: 'node', cause });
      },
      onShared: (shared) => setup.onShared?.(node, shared),
    });
  }

  private writeConnector(): void {
    const routes: ConnectorRoute[] = this.entries.flatMap(({ node, jobsSocket }) => {
      const endpoint = this.endpoints.get(node);
      return endpoint !== undefined && !this.held.has(node) ? [{ host: node.host, socket: jobsSocket, entranceRun: endpoint.entrance?.run }] : [];
    });
    const held = [...this.held].map((node) => node.host);
    const text = renderConnector({ runId: this.setup.runId, relay: this.setup.relay, routes, held });
    // A job starting while the file is replaced runs the old one or the new one, never half.
    const next = `${this.connector}.next`;
    writeFileSync(next, text, { mode: 0o750 });
    const owner = this.setup.fileOwner;
    if (owner !== undefined) chownSync(next, owner.uid, owner.gid);
    renameSync(next, this.connector);
  }
}

/**
 * `ssh -O forward` asks the node's master to listen on `local` (the build user's, 0600 by
 * StreamLocalBindMask, in the 0700 tunnel directory) and carry each connection to the run's
 * socket on the node (a direct-streamlocal channel of the one connection), or to the service's
 * TCP entrance when the node gave one (a direct-tcpip channel: a key with permitopen can open
 * nothing else).
 */
function forwardWords(ssh: string, host: string, controlPath: string, local: string, endpoint: NodeEndpoint): string[] {
  const remote = endpoint.entrance === undefined ? endpoint.socket : `127.0.0.1:${endpoint.entrance.port}`;
  return [
    ssh,
    '-F',
    '/dev/null',
    '-S',
    controlPath,
    '-o',
    'ControlMaster=no',
    '-o',
    'BatchMode=yes',
    '-o',
    'LogLevel=ERROR',
    '-O',
    'forward',
    '-L',
    `${local}:${remote}`,
    host,
  ];
}

/** What the user reads when a node's connection could not be made. */
function explainFailure(detail: string): string {
  if (/forwarding request failed|administratively prohibited|open refused|open failed/i.test(detail)) return msg.tunnelForwardingRefused();
  return msg.tunnelNotUp(detail);
}
