import type { Context } from '../system/context.js';
import type { EmergeProcess } from '../emerge/launch.js';
import { TERMINAL_SIGNALS } from '../system/foreground.js';

// The relay leaves SIGINT and SIGQUIT alone when demerge is the terminal's foreground,
// because the terminal sent them to emerge as well. Under the dashboard emerge has its own
// terminal, so such a signal (sent by `kill`; typed keys reach emerge through its terminal)
// would be lost: it is forwarded here instead, once per kind, as the relay does.
export function forwardTerminalSignals(ctx: Pick<Context, 'signals' | 'inTerminalForeground'>, emerge: EmergeProcess): { dispose(): void } {
  const forwarded = new Set<NodeJS.Signals>();
  const listener = (signal: NodeJS.Signals): void => {
    if (forwarded.has(signal) || !ctx.inTerminalForeground()) return;
    forwarded.add(signal);
    emerge.signal(signal);
  };
  for (const signal of TERMINAL_SIGNALS) ctx.signals.on(signal, listener);
  return {
    dispose: () => {
      for (const signal of TERMINAL_SIGNALS) ctx.signals.off(signal, listener);
    },
  };
}
