import { describe, expect, it } from 'vitest';
import { chartRows, chooseCharset, glyphsFor, stripText } from '../../src/dashboard/render/charts.js';
import { frameText, renderFrame } from '../../src/dashboard/render/frame.js';
import { lineText } from '../../src/dashboard/render/text.js';
import { HISTORY_LENGTH, pushBounded } from '../../src/dashboard/state.js';
import { initialUi } from '../../src/dashboard/ui.js';
import { busyState, historyState, NOW } from './dashboard-fixtures.js';

// The charts in the dashboard's free space: per-host busy-slot strips, the cluster's remote
// share and jobs per second, in block characters or ASCII, and the history behind them.

const unicode = glyphsFor('unicode');
const ascii = glyphsFor('ascii');

function frame(width: number, height: number, charset: 'unicode' | 'ascii' = 'unicode', state = historyState()): string[] {
  const lines = renderFrame({ state, ui: initialUi(false), width, height, now: NOW, charset });
  expect(lines).toHaveLength(height);
  for (const line of lines) expect(lineText(line).length).toBeLessThanOrEqual(width);
  return frameText(lines).split('\n');
}

describe('strips and charts', () => {
  it.each<[string, Array<number | undefined>, number, number, string]>([
    ['empty to full, newest on the right', [0, 1, 2, 3, 4], 4, 5, ' ▂▄▆█'],
    ['padded on the left when history is short', [4], 4, 3, '  █'],
    ['only the newest that fit', [4, 4, 0, 0], 4, 2, '  '],
    ['a missing sample', [2, undefined, 2], 2, 3, '█×█'],
    ['any work shows, however small', [1], 100, 1, '▁'],
    ['over the top is full', [9], 4, 1, '█'],
  ])('a strip: %s', (_name, values, max, width, text) => {
    expect(stripText(values, max, width, unicode)).toBe(text);
  });

  it('in ASCII', () => {
    expect(stripText([0, 1, 2, 3, 4, undefined], 4, 6, ascii)).toBe(' :=+#x');
  });

  it('a chart several rows tall', () => {
    expect(chartRows([0, 1, 2, 4], 4, 4, 2, unicode)).toEqual(['   █', ' ▄██']);
    expect(chartRows([4, undefined], 4, 3, 2, ascii)).toEqual([' # ', ' #x']);
  });
});

describe('the one decision: block characters or ASCII', () => {
  it.each<[string, Record<string, string>, boolean | undefined, 'unicode' | 'ascii']>([
    ['a UTF-8 LANG', { LANG: 'en_US.UTF-8' }, true, 'unicode'],
    ['utf8 spelled without the dash', { LANG: 'de_DE.utf8' }, true, 'unicode'],
    ['LANG=C', { LANG: 'C' }, true, 'ascii'],
    ['no locale at all', {}, undefined, 'ascii'],
    ['LC_ALL beats LANG', { LC_ALL: 'C', LANG: 'en_US.UTF-8' }, true, 'ascii'],
    ['LC_CTYPE beats LANG', { LC_CTYPE: 'en_US.UTF-8', LANG: 'C' }, true, 'unicode'],
    ['an empty LC_ALL is unset', { LC_ALL: '', LANG: 'en_US.UTF-8' }, true, 'unicode'],
    ['a terminal blessed finds without UTF-8', { LANG: 'en_US.UTF-8' }, false, 'ascii'],
  ])('%s', (_name, env, terminal, charset) => {
    expect(chooseCharset(env, terminal)).toBe(charset);
  });
});

describe('history in the state', () => {
  it('is bounded whatever the run length', () => {
    const state = historyState(HISTORY_LENGTH + 100);
    expect(state.cluster).toHaveLength(HISTORY_LENGTH);
    expect(state.localBusyHistory).toHaveLength(HISTORY_LENGTH);
    for (const node of state.nodes) expect(node.busyHistory).toHaveLength(HISTORY_LENGTH);
    let items: number[] = [];
    for (let i = 0; i < 10_000; i++) items = pushBounded(items, i, 5);
    expect(items).toEqual([9995, 9996, 9997, 9998, 9999]);
  });

  it('records busy slots per sample, and a lost node as missing', () => {
    const node2 = historyState().nodes.find((n) => n.name === 'node2');
    expect(node2?.busyHistory.slice(38, 42)).toEqual([0, 0, -1, -1]);
    const node3 = historyState().nodes.find((n) => n.name === 'node3');
    // node3's jobs grow by one every 15 s (read before each sample).
    expect([node3?.busyHistory[0], node3?.busyHistory[15], node3?.busyHistory[59]]).toEqual([0, 1, 3]);
  });
});

describe('frames with history', () => {
  const host = (text: string[], name: string): string => text.find((l) => l.slice(2).startsWith(`${name} `)) ?? '';

  it.each([
    [80, 24],
    [120, 40],
    [200, 60],
  ])('at %ix%i: strips on every host row, both charts, the work, and few empty rows', (width, height) => {
    const text = frame(width, height);
    // node3's strip ends at the right edge with its last minute: 3 of 4 slots busy.
    expect(host(text, 'node3')).toMatch(/▆$/);
    expect(host(text, 'node2')).toMatch(/×$/);
    expect(host(text, 'localhost')).toMatch(/[ ▂]$/);
    expect(text.some((l) => /^ REMOTE +█+ 100% remote$/.test(l))).toBe(true);
    expect(text.some((l) => /^ JOBS\/S .*[▁▂▃▄▅▆▇█] [\d.]+\/s top \d+$/.test(l))).toBe(true);
    expect(text.some((l) => /^ node3 +b2\.c /.test(l))).toBe(true);
    // The free space holds the charts: at most a few rows of the body are left empty.
    const body = text.slice(1, -2);
    expect(body.filter((l) => l.trim() === '').length).toBeLessThanOrEqual(4);
    // Wider terminals draw longer strips.
    expect(host(text, 'node3').length).toBeGreaterThanOrEqual(width - 12);
  });

  it('grows the charts with the terminal', () => {
    const rowsOf = (text: string[]): number => {
      const start = text.findIndex((l) => l.startsWith(' REMOTE'));
      const end = text.findIndex((l) => l.startsWith(' JOBS/S'));
      return end - start;
    };
    expect(rowsOf(frame(80, 24))).toBeLessThan(rowsOf(frame(120, 40)));
  });

  it('draws in ASCII without a UTF-8 locale', () => {
    const text = frame(80, 24, 'ascii');
    expect(host(text, 'node3')).toMatch(/\+$/);
    const chart = text.filter((l) => /^ (REMOTE|JOBS\/S| {8})/.test(l) || /^ {2}(node\d|localhost) /.test(l));
    expect(chart.length).toBeGreaterThan(4);
    for (const line of chart) expect(line, line).toMatch(/^[\x20-\x7e]*$/);
  });

  it('leaves the charts out on a small terminal, and draws empty ones before any work', () => {
    expect(frame(40, 10).some((l) => l.startsWith(' REMOTE'))).toBe(false);
    const fresh = frame(80, 24, 'unicode', busyState());
    expect(fresh.find((l) => l.startsWith(' REMOTE'))).toBe(' REMOTE');
  });
});
