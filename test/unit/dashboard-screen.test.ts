import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSample } from '../../src/dashboard/parse/ps.js';
import { DashboardScreen, type KeyPress } from '../../src/dashboard/screen.js';
import { createDashboardState, withJobs, withNodeSample } from '../../src/dashboard/state.js';
import { DashboardStore } from '../../src/dashboard/store.js';
import type { UiAction } from '../../src/dashboard/ui.js';
import { DashboardView } from '../../src/dashboard/view.js';
import { busyState, job, NOW, psLine, sampleText, T0 } from './dashboard-fixtures.js';

// The real blessed screen over in-memory streams: what it writes is what a terminal would get.

interface Term {
  input: PassThrough & { isTTY: boolean; isRaw: boolean; setRawMode(mode: boolean): void };
  output: PassThrough & { isTTY: boolean; columns: number; rows: number };
  written(): string;
}

function terminal(columns = 80, rows = 24): Term {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    isRaw: false,
    setRawMode(mode: boolean) {
      input.isRaw = mode;
    },
  });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns, rows });
  let bytes = '';
  output.on('data', (chunk: Buffer) => {
    bytes += chunk.toString('utf8');
  });
  return { input, output, written: () => bytes };
}

const screens: DashboardScreen[] = [];
afterEach(() => {
  for (const screen of screens.splice(0)) screen.destroy();
});

function open(term: Term): DashboardScreen {
  const screen = new DashboardScreen({ input: term.input, output: term.output, terminal: 'xterm-256color' });
  screens.push(screen);
  return screen;
}

const tick = (ms = 20): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// Every escape sequence a terminal would obey, split into its kind and body.
function escapes(text: string): string[] {
  return [...text.matchAll(/\x1b(\[[0-9;?>!]*[ -/]*[@-~]|[\]PX^_][^\x07\x1b]*(\x07|\x1b\\)?|[()#][0-9A-Za-z]|[=>78cDEHMZ])/g)].map((m) => m[1] as string);
}

describe('the blessed screen', () => {
  it('draws a frame, and a hostile process name cannot drive the terminal', async () => {
    const hostile = '\x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x07\x1b[3;1t\x1bPpwned\x1b\\\x9b6n\u202e';
    // A symlink named like this and run as the distcc user shows as comm "<hostile>cc1".
    const ps = [psLine(4242, 800, 'R', 1, '90.0', 1000, `${hostile}cc1`.slice(0, 15), `${hostile}cc1 -quiet /tmp/${hostile}x.c`)];
    let state = withNodeSample(createDashboardState({ startedAt: T0, nodes: [{ name: 'node1', slots: 2 }] }), 'node1', parseSample(sampleText(900, ps)), NOW);
    // Even text that skipped the parsers (they sanitize too) is cleaned on its way out.
    state = withJobs(state, [job(1, 'node1', `${hostile}y.c`, 'compile', 10)], NOW);
    const term = terminal();
    const store = new DashboardStore(state);
    const screen = open(term);
    const view = new DashboardView({ store, screen, readOnly: false, now: () => NOW, onAction: () => undefined });
    view.start();
    view.ui = { ...view.ui, view: 'detail' };
    view.draw();
    view.stop();
    await tick();
    const out = term.written();
    expect(out).toContain('node1');
    expect(out).not.toContain('pwned');
    expect(out).not.toMatch(/[\x07\u0080-\u009f]/);
    for (const sequence of escapes(out)) {
      // Only what blessed itself sends: CSI cursor, erase, scroll region, modes, SGR; ESC 7/8, = >.
      expect(sequence, JSON.stringify(sequence)).toMatch(/^(\[[0-9;?]*[mHrhlJKCDABGdXLPf@]|[78=>]|\([0B]|\)0)$/);
    }
  });

  it('reports keys by name with their bytes', async () => {
    const term = terminal();
    const screen = open(term);
    const keys: KeyPress[] = [];
    screen.onKey((key) => keys.push(key));
    term.input.write('q');
    term.input.write('\x1b[A');
    term.input.write('\t');
    term.input.write('\x03');
    await tick(60);
    expect(keys.map((k) => k.name)).toEqual(['q', 'up', 'tab', 'C-c']);
    expect(keys[1]?.sequence).toBe('\x1b[A');
    expect(term.input.isRaw).toBe(true);
  });

  it('lays out again when the terminal is resized', async () => {
    const term = terminal(80, 24);
    const screen = open(term);
    const store = new DashboardStore(busyState());
    const view = new DashboardView({ store, screen, readOnly: false, now: () => NOW, onAction: () => undefined });
    view.start();
    await tick();
    expect(screen.size).toEqual({ width: 80, height: 24 });
    term.output.columns = 120;
    term.output.rows = 40;
    term.output.emit('resize');
    await tick(250);
    expect(screen.size).toEqual({ width: 120, height: 40 });
    // The footer moved to the new last row.
    expect(term.written()).toMatch(/\x1b\[40;1H[^]*q leave/);
    view.stop();
  });

  it('leaves the terminal as it found it', async () => {
    const term = terminal();
    const screen = new DashboardScreen({ input: term.input, output: term.output, terminal: 'xterm-256color' });
    screen.draw([[{ text: 'hello' }]]);
    screen.destroy();
    await tick();
    const out = term.written();
    expect(out.startsWith('\x1b[?1049h')).toBe(true);
    expect(out).toMatch(/\x1b\[\?25h[^]*\x1b\[\?1049l$/);
    expect(term.input.isRaw).toBe(false);
  });
});

describe('the view', () => {
  it('turns keys into actions and redraws', async () => {
    const term = terminal();
    const screen = open(term);
    const actions: UiAction[] = [];
    const view = new DashboardView({ store: new DashboardStore(busyState()), screen, readOnly: false, now: () => NOW, onAction: (a) => actions.push(a) });
    view.start();
    for (const key of ['\x1b[B', '\r', 'q', 's', 'y', 'e']) {
      term.input.write(key);
      await tick(30);
    }
    expect(actions).toEqual(['stop-build', 'emerge-view']);
    expect(view.ui).toMatchObject({ view: 'detail', selected: 1 });
    view.stop();
  });

  it('passes keys on while hidden', async () => {
    const term = terminal();
    const screen = open(term);
    const hidden: string[] = [];
    const view = new DashboardView({
      store: new DashboardStore(busyState()),
      screen,
      readOnly: false,
      now: () => NOW,
      onAction: () => undefined,
      onHiddenKey: (k) => hidden.push(k.name),
    });
    view.start();
    view.hide();
    term.input.write('x');
    await tick(30);
    expect(hidden).toEqual(['x']);
    view.stop();
  });
});
