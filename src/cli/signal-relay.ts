import type { EmergeProcess } from '../emerge/launch.js';
import { TERMINAL_SIGNALS } from '../system/foreground.js';
import type { Context } from '../system/context.js';

// From the first moment demerge owns the run's signals: before emerge starts, a signal aborts the
// run (nothing launched, run directory removed); while emerge runs, each kind of signal is
// forwarded to it once, and demerge waits for emerge's own exit status.

const RELAYED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

export class SignalRelay {
  received: NodeJS.Signals | undefined;
  readonly aborted: Promise<NodeJS.Signals>;
  private emerge: EmergeProcess | undefined;
  private readonly forwarded = new Set<NodeJS.Signals>();
  private resolveAborted: (signal: NodeJS.Signals) => void = () => {};
  private readonly listener = (signal: NodeJS.Signals): void => this.onSignal(signal);

  constructor(private readonly ctx: Pick<Context, 'signals' | 'inTerminalForeground'>) {
    this.aborted = new Promise((resolve) => {
      this.resolveAborted = resolve;
    });
    for (const signal of RELAYED) ctx.signals.on(signal, this.listener);
  }

  attach(emerge: EmergeProcess): void {
    this.emerge = emerge;
  }

  dispose(): void {
    for (const signal of RELAYED) this.ctx.signals.off(signal, this.listener);
  }

  private onSignal(signal: NodeJS.Signals): void {
    this.received ??= signal;
    if (this.emerge === undefined) {
      this.resolveAborted(signal);
      return;
    }
    if (this.forwarded.has(signal)) return;
    this.forwarded.add(signal);
    // The terminal already sent this one to emerge's (and our) process group.
    if (TERMINAL_SIGNALS.has(signal) && this.ctx.inTerminalForeground()) return;
    this.emerge.signal(signal);
  }
}
