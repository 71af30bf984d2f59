import type { Context } from './context.js';
import { TERMINAL_SIGNALS } from './foreground.js';

// From the first moment demerge owns the run's signals: before emerge starts, a signal aborts the
// run (nothing launched, run directory removed); while emerge runs, each kind of signal is
// forwarded to it once, and demerge waits for emerge's own exit status.

const RELAYED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/** What the relay forwards to: emerge, however it was started. */
export interface SignalTarget {
  /** Sends a signal to the process alone; false if it has already exited. */
  signal(signal: NodeJS.Signals): boolean;
}

export interface AttachOptions {
  /**
   * The process runs on a terminal of its own (the dashboard's pseudo terminal): the keys typed
   * at demerge's terminal never signal it, so a SIGINT or SIGQUIT demerge receives (sent by
   * `kill`) is forwarded even while demerge is the terminal's foreground.
   */
  ownTerminal?: boolean;
}

export class SignalRelay {
  received: NodeJS.Signals | undefined;
  readonly aborted: Promise<NodeJS.Signals>;
  private target: SignalTarget | undefined;
  private ownTerminal = false;
  private readonly forwarded = new Set<NodeJS.Signals>();
  private resolveAborted: (signal: NodeJS.Signals) => void = () => {};
  private readonly listener = (signal: NodeJS.Signals): void => this.onSignal(signal);

  constructor(private readonly ctx: Pick<Context, 'signals' | 'inTerminalForeground'>) {
    this.aborted = new Promise((resolve) => {
      this.resolveAborted = resolve;
    });
    for (const signal of RELAYED) ctx.signals.on(signal, this.listener);
  }

  attach(target: SignalTarget, options: AttachOptions = {}): void {
    this.target = target;
    this.ownTerminal = options.ownTerminal === true;
  }

  dispose(): void {
    for (const signal of RELAYED) this.ctx.signals.off(signal, this.listener);
  }

  private onSignal(signal: NodeJS.Signals): void {
    this.received ??= signal;
    if (this.target === undefined) {
      this.resolveAborted(signal);
      return;
    }
    if (this.forwarded.has(signal)) return;
    this.forwarded.add(signal);
    // The terminal already sent this one to emerge's (and our) process group.
    if (!this.ownTerminal && TERMINAL_SIGNALS.has(signal) && this.ctx.inTerminalForeground()) return;
    this.target.signal(signal);
  }
}
