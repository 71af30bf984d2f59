import type { Duplex } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import * as say from '../messages/ssh.js';

// A command on the node whose stdin and stdout are a local byte stream: what OpenSSH does for
// `ssh node COMMAND` with its own pipes, here on a new channel of a connection already open.
// distcc's ssh mode speaks its protocol over exactly these two streams, so a local program
// connected to the stream talks to the remote command as distcc talks to it through ssh.
//
// The command starts at once and the stream is attached when it arrives: the node's session
// (a fork of sshd, the login shell, the command itself) then starts while the local side is
// still on its way, instead of after it. A command that reads its stdin, as distccd --inetd
// does, waits for the stream; close() without one gives it end of file.

export interface RelayResult {
  /** What the command wrote to stderr (bounded): sshd's login shell and distccd say why here. */
  stderr: string;
  /** Exit status; null when it died by a signal, sent none, or the channel never opened. */
  code: number | null;
  /** The channel could not be opened, or the connection failed while relaying. */
  error?: string;
}

export interface RemoteRelay {
  /** Connects the command's stdin and stdout to `local`; once only. */
  attach(local: Duplex): void;
  readonly result: Promise<RelayResult>;
  /** Ends the command's channel and the local stream. */
  close(): void;
}

const MAX_STDERR = 16 * 1024;

/** What both relays keep: the local stream, the command's stderr and exit status, one result. */
class CommandOutcome {
  stderr = '';
  code: number | null = null;
  settled = false;
  local: Duplex | undefined;
  readonly result: Promise<RelayResult>;
  private settle: (result: RelayResult) => void = () => {};

  constructor() {
    this.result = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  /** Settles the result once and ends the local stream; true the first time. */
  finish(error?: string): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.local?.destroy();
    this.settle({ stderr: this.stderr, code: this.code, ...(error === undefined ? {} : { error }) });
    return true;
  }

  /** Takes the local stream (once), and `connect`s it unless the command is over already. */
  attach(stream: Duplex, connect: () => void): void {
    if (this.local !== undefined) return;
    this.local = stream;
    // The local side may fail (reset) before or during the exchange; the channel's close ends it.
    stream.on('error', () => {});
    if (this.settled) stream.destroy();
    else connect();
  }

  /**
   * Runs `command` on a new channel: `opened` gets the channel, whose stderr and exit status
   * are kept here; `closed` runs when it closes; a channel that cannot open finishes at once.
   */
  exec(client: Client, command: string, opened: (channel: ClientChannel) => void, closed: () => void, failed: (message: string) => void): void {
    try {
      client.exec(command, (error, channel) => {
        if (error) {
          failed(error.message);
          return;
        }
        channel.stderr.on('data', (chunk: Buffer) => {
          if (this.stderr.length < MAX_STDERR) this.stderr += chunk.toString('utf8');
        });
        channel.on('exit', (status: number | null) => {
          this.code = typeof status === 'number' ? status : null;
        });
        channel.on('close', closed);
        opened(channel);
      });
    } catch (error) {
      // ssh2 throws when the connection is not (or no longer) up.
      failed((error as Error).message);
    }
  }
}

export function startRelay(client: Client, command: string): RemoteRelay {
  const outcome = new CommandOutcome();
  let channel: ClientChannel | undefined;
  let closed = false;
  const finish = (error?: string): void => void outcome.finish(error);
  const connect = (): void => {
    const local = outcome.local;
    if (channel === undefined || local === undefined) return;
    // The command's stdin ends when the local side ends (distcc has sent its request and read
    // the answer); a local side that goes away closes the channel.
    local.pipe(channel);
    channel.pipe(local);
    if (local.destroyed) channel.close();
    else local.once('close', () => channel?.close());
  };
  outcome.exec(
    client,
    command,
    (opened) => {
      channel = opened;
      if (closed) opened.close();
      else connect();
    },
    () => finish(),
    finish,
  );
  return {
    attach: (stream) => outcome.attach(stream, connect),
    result: outcome.result,
    close() {
      closed = true;
      outcome.local?.destroy();
      if (channel === undefined) return;
      // Without a local side, end of file tells the command that nothing comes.
      if (outcome.local === undefined) channel.end();
      channel.close();
    },
  };
}

/** What the node's session said once it was ready: where the run's socket is, and the slots. */
export interface TunnelReady {
  socket: string;
  slots: number;
  /** The service's TCP entrance (a key that may open only 127.0.0.1:port), and the bytes a connection sends first. */
  entrance?: { port: number; header: string } | undefined;
}

/**
 * The tunnel transport's way to the node (src/transport/remote-command.ts) on a connection
 * already open: a run's session with the node's shared service on one channel, and a
 * direct-streamlocal channel to the run's socket for the local stream, as the build's master
 * forwards it. A node that refuses to forward, or whose forced command does not run the session,
 * fails here as the build would. `onLine` hears the session's later lines (what other runs hold).
 */
export function startTunnelRelay(
  client: Client,
  remoteCommand: string,
  stdin: Buffer,
  ready: (line: string) => TunnelReady | undefined,
  onLine?: (line: string) => void,
): RemoteRelay & { readonly ready: Promise<TunnelReady | undefined> } {
  const outcome = new CommandOutcome();
  let control: ClientChannel | undefined;
  let endpoint: TunnelReady | undefined;
  let forwarding = false;
  let closed = false;
  let announce: (value: TunnelReady | undefined) => void = () => {};
  const readyPromise = new Promise<TunnelReady | undefined>((resolve) => {
    announce = resolve;
  });
  const finish = (error?: string): void => {
    announce(endpoint);
    // End of file on the session's stdin ends the run's lease on the node.
    if (outcome.finish(error)) control?.end();
  };
  const connect = (): void => {
    const stream = outcome.local;
    if (stream === undefined || endpoint === undefined || forwarding || outcome.settled) return;
    forwarding = true;
    const { entrance } = endpoint;
    const to = entrance === undefined ? endpoint.socket : `127.0.0.1:${entrance.port}`;
    const opened = (error: Error | undefined, channel: ClientChannel): void => {
      if (error) {
        finish(say.sshForwardingRefused(to, error.message));
        return;
      }
      if (entrance !== undefined) channel.write(entrance.header);
      stream.pipe(channel);
      channel.pipe(stream);
      stream.once('close', () => channel.close());
      // The job is over when the node's side closes its end.
      channel.once('close', () => finish());
    };
    try {
      if (entrance === undefined) client.openssh_forwardOutStreamLocal(to, opened);
      else client.forwardOut('127.0.0.1', 0, '127.0.0.1', entrance.port, opened);
    } catch (error) {
      finish((error as Error).message);
    }
  };
  outcome.exec(
    client,
    remoteCommand,
    (opened) => {
      control = opened;
      // What the command reads first (the node program, remote-command.ts).
      opened.write(stdin);
      let pending = '';
      opened.on('data', (chunk: Buffer) => {
        pending = (pending + chunk.toString('utf8')).slice(-4096);
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (endpoint === undefined) {
            endpoint = ready(line);
            if (endpoint !== undefined) {
              announce(endpoint);
              connect();
            }
          } else onLine?.(line);
        }
      });
      if (closed) opened.end();
    },
    () => finish(endpoint === undefined ? say.sshScriptEndedEarly() : undefined),
    finish,
  );
  return {
    attach: (stream) => outcome.attach(stream, connect),
    result: outcome.result,
    ready: readyPromise,
    close() {
      closed = true;
      outcome.local?.destroy();
      control?.end();
      announce(endpoint);
    },
  };
}
