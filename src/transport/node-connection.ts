import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { sshNoAnswer } from '../messages/ssh.js';
import * as say from '../messages/transport.js';
import { reconnectDelay } from './backoff.js';
import { LineReader, OutputTail } from './output-tail.js';
import { HEARTBEAT_BYTE, HEARTBEAT_SECONDS, parseOthersLine, parseReadyLine, type NodeEndpoint, type SharedSlots } from './remote-command.js';

// One node's connection for the whole run: an OpenSSH master whose remote command is the run's
// session with the node's shared service (node-program.ts). It is up once the node printed
// "ready SOCKET SLOTS" and one job's way (the forward to that socket, the service, its distccd)
// answered demerge's probe. If it drops while the run goes on, it is made again
// after a growing delay; the node's jobs compile locally meanwhile (the connector fails at once
// and distcc falls back by itself).

export type OpenResult = { ok: true; endpoint: NodeEndpoint } | { ok: false; detail: string };

export interface ConnectionHooks {
  /** Starts the master: ssh with masterArgs(), as the build user, in a session of its own. */
  startMaster(): ChildProcess;
  /** Forwards the run's socket and tries one job's way through the master; undefined when it answered. */
  probe(endpoint: NodeEndpoint): Promise<string | undefined>;
  /** The connection dropped during the run; a new one is on its way. */
  onLost(detail: string): void;
  /** The connection is back, with the run's socket on the node at `endpoint` (a new one). */
  onBack(endpoint: NodeEndpoint): void;
  /** An attempt to make the lost connection again failed; another follows. */
  onRetryFailed?(detail: string): void;
  /** A line the node's distccd wrote (its warnings and errors) while the connection is up. */
  onNodeMessage?(line: string): void;
  /** What the node's other runs hold now (the node says so on change). */
  onShared?(shared: SharedSlots): void;
}

/** How long a master gets to exit after its stdin closed, before it is signalled. */
const CLOSE_GRACE_MS = 5000;
const KILL_GRACE_MS = 2000;

export class NodeConnection {
  /** The run's socket on the node while the connection is up. */
  endpoint: NodeEndpoint | undefined;
  private child: ChildProcess | undefined;
  private closing = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private attempt = 0;
  /** What the current master wrote to stderr (ssh's own lines, the node's before it was ready). */
  private masterOutput: OutputTail | undefined;

  constructor(
    private readonly controlPath: string,
    private readonly readyTimeoutMs: number,
    private readonly hooks: ConnectionHooks,
  ) {}

  async open(): Promise<OpenResult> {
    const started = await this.start();
    if (!started.ok) return started;
    const child = this.child;
    const problem = this.closing ? say.runEnding() : await this.hooks.probe(started.endpoint);
    const gone = child === undefined || this.child !== child || child.exitCode !== null || child.signalCode !== null;
    if (problem !== undefined || this.closing || gone) {
      // When the probe found no way through, the master usually said why (a refused forward).
      const masterSays = this.masterOutput?.lastLine();
      await this.stopChild();
      const detail =
        problem !== undefined && masterSays !== undefined && /open failed|prohibited|connect to .* failed/i.test(masterSays) ? masterSays : problem;
      return { ok: false, detail: detail ?? (this.closing ? say.runEnding() : say.connectionClosedAtOnce()) };
    }
    this.endpoint = started.endpoint;
    this.heartbeat = setInterval(() => this.child?.stdin?.write(HEARTBEAT_BYTE), HEARTBEAT_SECONDS * 1000);
    this.heartbeat.unref();
    return started;
  }

  /** Ends the connection; the node's distccd ends with it. Safe to call at any point. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retry);
    clearInterval(this.heartbeat);
    await this.stopChild();
  }

  private start(): Promise<OpenResult> {
    // A master killed with SIGKILL leaves its socket behind, and ssh would refuse to replace it.
    rmSync(this.controlPath, { force: true });
    return new Promise((resolve) => {
      let settled = false;
      let ready = false;
      // ssh's own lines explain a failure or a drop; once the node is ready, distccd's lines
      // (which share the connection's stderr) are news of their own and kept apart.
      const stderr = new OutputTail();
      this.masterOutput = stderr;
      const stderrLines = new LineReader((line) => {
        if (ready && /^distccd\[/.test(line)) {
          if (this.child === child) this.hooks.onNodeMessage?.(line);
        } else stderr.push(`${line}\n`);
      });
      const finish = (result: OpenResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      let child: ChildProcess;
      try {
        child = this.hooks.startMaster();
      } catch (error) {
        resolve({ ok: false, detail: (error as Error).message });
        return;
      }
      this.child = child;
      const timer = setTimeout(() => {
        child.kill('SIGTERM');
        finish({ ok: false, detail: sshNoAnswer(Math.round(this.readyTimeoutMs / 1000)) });
      }, this.readyTimeoutMs);
      const lines = new LineReader((line) => {
        if (ready) {
          const shared = parseOthersLine(line);
          if (shared !== undefined && this.child === child) this.hooks.onShared?.(shared);
          return;
        }
        const endpoint = parseReadyLine(line);
        if (endpoint === undefined) return;
        ready = true;
        // What the node said while it started its service is over and done with.
        stderr.clear();
        finish({ ok: true, endpoint });
      });
      child.stdout?.on('data', (chunk: Buffer) => lines.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => stderrLines.push(chunk));
      // The master may be gone when a heartbeat is written.
      child.stdin?.on('error', () => {});
      child.once('error', (error) => finish({ ok: false, detail: error.message }));
      child.once('close', (code, signal) => {
        stderrLines.flush();
        // A signal is the better evidence: a killed ssh says nothing, and older lines would mislead.
        const detail = signal !== null ? say.sshEndedBy(signal) : (stderr.lastLine() ?? say.sshExited(code));
        finish({ ok: false, detail });
        // Only a connection that was up is re-established; a failed first attempt is reported.
        if (this.child === child && this.endpoint !== undefined) this.lost(detail);
      });
    });
  }

  private lost(detail: string): void {
    this.child = undefined;
    this.endpoint = undefined;
    clearInterval(this.heartbeat);
    if (this.closing) return;
    this.hooks.onLost(detail);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.retry = setTimeout(() => {
      void this.open().then((result) => {
        if (this.closing) return;
        if (result.ok) {
          this.attempt = 0;
          this.hooks.onBack(result.endpoint);
        } else {
          this.attempt++;
          this.hooks.onRetryFailed?.(result.detail);
          this.scheduleReconnect();
        }
      });
    }, reconnectDelay(this.attempt));
    this.retry.unref();
  }

  /** Closes the master's stdin (the node then stops distccd), then signals it if it lingers. */
  private async stopChild(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.stdin?.end();
    if (await settlesWithin(closed, CLOSE_GRACE_MS)) return;
    child.kill('SIGTERM');
    if (await settlesWithin(closed, KILL_GRACE_MS)) return;
    child.kill('SIGKILL');
    await closed;
  }
}

function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
