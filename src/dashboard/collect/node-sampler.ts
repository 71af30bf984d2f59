import {
  connect,
  exec,
  openCommand,
  SshFailure,
  type CommandChannel,
  type ConnectOptions,
  type SshAuth,
  type SshConnection,
  type SshTarget,
} from '../../ssh/connect.js';
import { connectionClosed, noAnswerFor, sampleTooLarge } from '../../messages/dashboard-view.js';
import { SAMPLE_BEGIN, SAMPLE_COMMAND, SAMPLE_END, SAMPLE_LOOP_COMMAND } from '../../system/node-sample.js';
import { parseSample, type NodeSample } from '../parse/ps.js';

// One node, one SSH connection for the whole run, never a new login per sample. On it, one
// channel runs a small shell loop that prints a sample for every newline it reads: a sample
// costs a packet each way. A node whose authorized_keys forces a command (distccd --inetd)
// ends that channel at once; then each sample is a command of its own on the connection.
// A sample not back within the timeout, or a connection that drops, makes the node
// unreachable at once; the reconnect delay then grows 1, 2, 4 ... up to 10 s between attempts.

interface SamplerEvents {
  sample(sample: NodeSample, at: number, rttMs: number): void;
  unreachable(reason: string, at: number): void;
}

export interface SamplerOptions {
  intervalMs: number;
  /** A sample not back within this makes the node unreachable. */
  timeoutMs: number;
  now?: () => number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Injected by tests; the real one is src/ssh/connect.ts's. */
  connect?: (target: SshTarget, auth: SshAuth, now: () => number, options: ConnectOptions) => Promise<SshConnection>;
}

// ps output of a busy node is a few KiB; anything near this is a node that floods.
const MAX_SAMPLE_BYTES = 2 * 1024 * 1024;
const BEGIN = Buffer.from(`${SAMPLE_BEGIN}\n`);
const END = Buffer.from(`\n${SAMPLE_END}\n`);

function describe(error: unknown): string {
  if (error instanceof SshFailure) return error.detail;
  return error instanceof Error ? error.message : String(error);
}

interface Pending {
  requestedAt: number;
  answeredAt?: number;
  received: Buffer[];
  size: number;
}

export class NodeSampler {
  private connection: SshConnection | undefined;
  private channel: CommandChannel | undefined;
  /** The loop channel gave a complete sample: if it ends, it is worth starting again. */
  private loopWorks = false;
  /** Each sample a command of its own (the loop channel does not work on this node). */
  private execEach = false;
  private pending: Pending | undefined;
  private timer: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private stopped = false;
  private reconnectDelayMs: number;
  private readonly now: () => number;
  private readonly reconnectMinMs: number;
  private readonly reconnectMaxMs: number;

  constructor(
    private readonly target: SshTarget,
    private readonly auth: SshAuth,
    private readonly events: SamplerEvents,
    private readonly options: SamplerOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.reconnectMinMs = options.reconnectMinMs ?? 1000;
    this.reconnectMaxMs = options.reconnectMaxMs ?? 10_000;
    this.reconnectDelayMs = this.reconnectMinMs;
  }

  start(): void {
    void this.open();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.deadline);
    const connection = this.connection;
    this.connection = undefined;
    this.channel = undefined;
    connection?.client.destroy();
  }

  private later(delayMs: number, action: () => void): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(action, Math.max(0, delayMs));
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    const open = this.options.connect ?? connect;
    let connection: SshConnection;
    try {
      // No ssh keepalives: a sample a second is the liveness check, and every packet costs
      // (a write and the kernel's path to the node, 32 times a second).
      connection = await open(this.target, this.auth, this.now, { keepaliveIntervalMs: 0 });
    } catch (error) {
      this.unreachable(describe(error));
      return;
    }
    if (this.stopped) {
      connection.client.destroy();
      return;
    }
    this.connection = connection;
    this.reconnectDelayMs = this.reconnectMinMs;
    this.execEach = false;
    const dropped = (reason: string): void => this.dropped(connection, reason);
    connection.client.on('close', () => dropped(connectionClosed()));
    connection.client.on('error', (error: Error) => dropped(describe(error)));
    void this.openLoop(connection);
  }

  private async openLoop(connection: SshConnection): Promise<void> {
    let channel: CommandChannel;
    try {
      channel = await openCommand(connection.client, SAMPLE_LOOP_COMMAND, this.options.timeoutMs);
    } catch (error) {
      this.dropped(connection, describe(error));
      return;
    }
    if (connection !== this.connection || this.stopped) {
      channel.close();
      return;
    }
    this.channel = channel;
    this.loopWorks = false;
    channel.onData((chunk) => this.received(channel, chunk));
    channel.onClose(() => this.channelClosed(connection, channel));
    this.sample();
  }

  private sample(): void {
    const connection = this.connection;
    if (connection === undefined || this.stopped) return;
    if (this.execEach) {
      void this.sampleByExec(connection);
      return;
    }
    const channel = this.channel;
    if (channel === undefined) return;
    this.pending = { requestedAt: this.now(), received: [], size: 0 };
    clearTimeout(this.deadline);
    this.deadline = setTimeout(() => this.dropped(connection, noAnswerFor(this.options.timeoutMs)), this.options.timeoutMs);
    channel.write('\n');
  }

  private received(channel: CommandChannel, chunk: Buffer): void {
    const pending = this.pending;
    if (channel !== this.channel || pending === undefined) return;
    pending.received.push(chunk);
    pending.size += chunk.length;
    if (pending.size > MAX_SAMPLE_BYTES) {
      if (this.connection) this.dropped(this.connection, sampleTooLarge());
      return;
    }
    const data = pending.received.length === 1 ? chunk : Buffer.concat(pending.received, pending.size);
    pending.received = [data];
    if (pending.answeredAt === undefined && data.includes(BEGIN)) pending.answeredAt = this.now();
    const end = data.indexOf(END);
    if (end === -1) return;
    clearTimeout(this.deadline);
    this.pending = undefined;
    this.loopWorks = true;
    const at = this.now();
    this.events.sample(parseSample(data.subarray(0, end + END.length).toString('utf8')), at, (pending.answeredAt ?? at) - pending.requestedAt);
    this.later(pending.requestedAt + this.options.intervalMs - this.now(), () => this.sample());
  }

  private channelClosed(connection: SshConnection, channel: CommandChannel): void {
    if (channel !== this.channel || connection !== this.connection || this.stopped) return;
    this.channel = undefined;
    this.pending = undefined;
    clearTimeout(this.deadline);
    // A loop that never answered is not coming back (a forced command ran instead of it).
    if (!this.loopWorks) this.execEach = true;
    if (this.execEach) this.later(0, () => this.sample());
    else void this.openLoop(connection);
  }

  private async sampleByExec(connection: SshConnection): Promise<void> {
    const started = this.now();
    let result;
    try {
      result = await exec(connection.client, SAMPLE_COMMAND, { timeoutMs: this.options.timeoutMs, maxBytes: MAX_SAMPLE_BYTES }, this.now);
    } catch (error) {
      this.dropped(connection, error instanceof SshFailure && error.reason === 'timeout' ? noAnswerFor(this.options.timeoutMs) : describe(error));
      return;
    }
    if (connection !== this.connection || this.stopped) return;
    this.events.sample(parseSample(result.stdout), this.now(), result.openMs);
    this.later(started + this.options.intervalMs - this.now(), () => this.sample());
  }

  // The connection is given up on, whether it closed or stopped answering.
  private dropped(connection: SshConnection, reason: string): void {
    if (connection !== this.connection) return;
    this.connection = undefined;
    this.channel = undefined;
    this.pending = undefined;
    clearTimeout(this.deadline);
    connection.client.destroy();
    this.unreachable(reason);
  }

  private unreachable(reason: string): void {
    if (this.stopped) return;
    this.events.unreachable(reason, this.now());
    const wait = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(this.reconnectMaxMs, this.reconnectDelayMs * 2);
    this.later(wait, () => void this.open());
  }
}
