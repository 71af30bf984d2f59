import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SignalRelay } from '../../src/system/signal-relay.js';

// The one relay of the plain run and the dashboard's: each kind of signal reaches emerge once;
// one the terminal already sent to emerge's process group is not sent again, unless emerge has
// a terminal of its own (the dashboard's pty).

function setup(foreground: boolean) {
  const signals = new EventEmitter();
  const relay = new SignalRelay({ signals, inTerminalForeground: () => foreground });
  const sent: NodeJS.Signals[] = [];
  const emerge = {
    signal: (signal: NodeJS.Signals) => {
      sent.push(signal);
      return true;
    },
  };
  const send = (...kinds: NodeJS.Signals[]) => kinds.forEach((kind) => signals.emit(kind, kind));
  return { signals, relay, sent, emerge, send };
}

describe('SignalRelay', () => {
  it('before emerge starts, the first signal aborts the run', async () => {
    const { relay, sent, send } = setup(false);
    send('SIGTERM', 'SIGINT');
    expect(await relay.aborted).toBe('SIGTERM');
    expect(relay.received).toBe('SIGTERM');
    expect(sent).toEqual([]);
  });

  it('forwards each kind once while emerge runs', () => {
    const { relay, sent, emerge, send } = setup(false);
    relay.attach(emerge);
    send('SIGINT', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGTERM', 'SIGQUIT');
    expect(sent).toEqual(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']);
    expect(relay.received).toBe('SIGINT');
  });

  it('leaves SIGINT and SIGQUIT to the terminal when demerge is its foreground', () => {
    const { relay, sent, emerge, send } = setup(true);
    relay.attach(emerge);
    send('SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGINT');
    expect(sent).toEqual(['SIGTERM']);
  });

  it('forwards them when emerge has a terminal of its own', () => {
    const { relay, sent, emerge, send } = setup(true);
    relay.attach(emerge, { ownTerminal: true });
    send('SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGINT', 'SIGQUIT');
    expect(sent).toEqual(['SIGINT', 'SIGQUIT', 'SIGTERM']);
  });

  it('stops listening when disposed', () => {
    const { relay, signals } = setup(false);
    expect(signals.listenerCount('SIGINT')).toBe(1);
    relay.dispose();
    for (const kind of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']) expect(signals.listenerCount(kind)).toBe(0);
  });
});
