import { describe, expect, it } from 'vitest';
import { renderFrame } from '../../src/dashboard/render/frame.js';
import { lineText, narrowText, toTagged } from '../../src/dashboard/render/text.js';
import { parseSample } from '../../src/dashboard/parse/ps.js';
import type { DistccJob } from '../../src/dashboard/parse/distcc-state.js';
import { parseEmergeLogLine, type EmergeLogEvent } from '../../src/dashboard/parse/emerge-log.js';
import {
  createDashboardState,
  withClusterSample,
  withEmergeLogEvents,
  withJobs,
  withNodeSample,
  withNodeUnreachable,
  withPackageTallies,
  type DashboardState,
} from '../../src/dashboard/state.js';
import { initialUi, type UiState } from '../../src/dashboard/ui.js';
import { NOW, psLine, sampleText, T0 } from './dashboard-fixtures.js';

// Property: whatever the state and the terminal size, every frame has exactly `height` lines,
// none wider than `width` (in the layout and on the terminal, wide characters included), and
// what reaches blessed holds no control character, escape sequence or bidi control, however
// hostile the names in state files, ps output and emerge.log.

let seed = 14;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const int = (max: number): number => Math.floor(random() * max);

const HOSTILE = [
  '\x1b]0;pwned\x07',
  '\x1b[2J\x1b[H',
  '\x9b6n',
  '\x1bPpwned\x1b\\',
  '\u202eevil\u202c',
  '{bold}{/bold}',
  'ファイル名',
  '文件',
  '😀',
  '\ud800',
  'e\u0301',
  '\t\n\r',
  '\x00\x7f',
  'x'.repeat(5000),
];

function name(): string {
  let text = '';
  for (let i = 0, n = 1 + int(4); i < n; i++) text += random() < 0.5 ? pick(HOSTILE) : `u${int(1000)}.c`;
  return text;
}

function randomState(): DashboardState {
  const nodes = Array.from({ length: int(40) }, (_, i) => ({ name: random() < 0.2 ? name().slice(0, 300) : `198.18.${i + 1}.2`, slots: 1 + int(16) }));
  let state = createDashboardState({ startedAt: T0, nodes, localSlots: int(9), sampleIntervalMs: pick([200, 1000, 5000]) });
  for (let t = 0; t < 1 + int(30); t++) {
    const at = NOW - (30 - t) * 1000;
    const jobs: DistccJob[] = Array.from({ length: int(60) }, (_, i) => ({
      pid: 100 + i,
      cpid: 100 + i,
      file: name(),
      host: random() < 0.2 ? 'localhost' : random() < 0.1 ? name() : (nodes[int(Math.max(1, nodes.length))]?.name ?? 'localhost'),
      slot: int(8),
      phase: pick(['startup', 'blocked', 'connect', 'preprocess', 'send', 'compile', 'receive'] as const),
      mtimeMs: at - int(5000),
    }));
    state = withJobs(state, jobs, at);
    for (const node of nodes) {
      if (random() < 0.1) {
        state = withNodeUnreachable(state, node.name, name());
        continue;
      }
      const ps = Array.from({ length: int(8) }, (_, i) =>
        psLine(
          4000 + i,
          random() < 0.5 ? 800 : 4000 + int(8),
          pick(['R', 'S', 'Z']),
          int(100),
          `${int(100)}.0`,
          int(100_000),
          pick(['cc1', 'cc1plus', 'as', name()]).slice(0, 15),
          `cc1 ${name()}`,
        ),
      );
      state = withNodeSample(state, node.name, parseSample(sampleText(900, ps)), at, random() * 100);
    }
    state = withClusterSample(state, at);
  }
  const log = Array.from({ length: int(4) }, (_, i) => `1795700000:  >>> emerge (${i + 1} of 9) cat-${int(9)}/${name().slice(0, 200)}-1.0 to /`);
  state = withEmergeLogEvents(
    state,
    log.map(parseEmergeLogLine).filter((e): e is EmergeLogEvent => e !== undefined),
  );
  if (random() < 0.5)
    state = withPackageTallies(
      state,
      state.emerge.open.map((p) => ({ atom: p.cpv, remote: int(100), local: int(10), localCauses: [{ cause: name(), count: int(5) }] })),
    );
  return state;
}

/** blessed's markup back to the text a terminal would show. */
function shown(tagged: string): string[] {
  return tagged.split('\n').map((line) => line.replace(/\{\/?[a-z-]+\}/g, (tag) => (tag === '{open}' ? '{' : tag === '{close}' ? '}' : '')));
}

describe('frames of random states', () => {
  it('never exceed the terminal and carry nothing a terminal would obey', () => {
    for (let round = 0; round < 150; round++) {
      const state = randomState();
      const width = 40 + int(180);
      const height = 10 + int(60);
      const ui: UiState = { ...initialUi(random() < 0.3), view: pick(['main', 'main', 'detail', 'help'] as const), selected: int(state.nodes.length + 1) };
      const lines = renderFrame({ state, ui, width, height, now: NOW, charset: pick(['unicode', 'ascii'] as const), emergeLine: name() });
      const context = `round ${round}, ${width}x${height}, ${ui.view}`;
      expect(lines, context).toHaveLength(height);
      for (const line of lines) expect(lineText(line).length, context).toBeLessThanOrEqual(width);
      const tagged = toTagged(lines);
      expect(tagged, context).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
      expect(tagged).not.toContain('pwned');
      for (const line of shown(tagged)) {
        expect(line.length, context).toBeLessThanOrEqual(width);
        expect(narrowText(line), context).toBe(line);
      }
    }
  });

  it('never show a node’s distccd temp name as a file', () => {
    for (let round = 0; round < 50; round++) {
      const state = randomState();
      const ps = [psLine(4242, 800, 'R', 1, '90.0', 1000, 'cc1', '/usr/libexec/cc1 -fpreprocessed /tmp/distccd_a1b2c3.i -o /tmp/cc.s')];
      const node = state.nodes[0];
      if (node === undefined) continue;
      const next = withNodeSample(state, node.name, parseSample(sampleText(900, ps)), NOW);
      const lines = renderFrame({ state: next, ui: initialUi(false), width: 200, height: 70, now: NOW });
      expect(lines.map(lineText).join('\n')).not.toContain('distccd_a1b2c3');
    }
  });
});
