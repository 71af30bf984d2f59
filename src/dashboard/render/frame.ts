import * as say from '../../messages/dashboard-view.js';
import type { DashboardState } from '../state.js';
import type { UiState } from '../ui.js';
import { detailView } from './detail-view.js';
import { formatClock } from './format.js';
import { glyphsFor, type Charset } from './charts.js';
import { clusterCharts, hostTable, localOnlyLine, portageLines, problemsLine, totalsLine, workTable } from './main-view.js';
import { buildingPackages, hostRows, totals, workRows } from './rows.js';
import { clipLine, fit, lineText, seg, type Line } from './text.js';

// A whole screen as lines: exactly `height` of them, none wider than `width`. Pure: the
// blessed screen, the tests and the benchmark all draw from this.

interface FrameInput {
  state: DashboardState;
  ui: UiState;
  width: number;
  height: number;
  now: number;
  /** The last line emerge printed, sanitized. */
  emergeLine?: string;
  /** A message for the whole screen's attention ("the build has ended"). */
  notice?: string;
  /** Block characters or ASCII for the charts (chooseCharset decides); block characters by default. */
  charset?: Charset;
}

const MIN_WIDTH = 40;
const MIN_HEIGHT = 10;

function titleLine(input: FrameInput): Line {
  const { state, now, width } = input;
  const t = totals(state, now);
  const left = ` ${say.titleText(formatClock((now - state.startedAt) / 1000), t.nodesUp, t.nodes, t.running)}`;
  const right = say.titleKeys(input.ui.readOnly);
  const room = Math.max(0, width - right.length);
  return [seg(fit(left, room).padEnd(room) + (width >= right.length ? right : ''), 'title')];
}

function footer(input: FrameInput): Line[] {
  const { ui, width } = input;
  if (ui.dialog === 'leave') {
    return [[seg(fit(` ${say.leaveQuestion()}`, width), 'warn')], [seg(fit(` ${say.leaveKeys()}`, width), 'bold')]];
  }
  if (ui.dialog === 'stop') {
    return [[seg(fit(` ${say.stopQuestion()}`, width), 'bad')], [seg(fit(` ${say.stopKeys()}`, width), 'bold')]];
  }
  const first: Line =
    input.notice !== undefined
      ? [seg(fit(` ${input.notice}`, width), 'warn')]
      : ui.readOnly
        ? []
        : [seg(fit(` ${say.emergeSaid(input.emergeLine ?? '')}`, width), 'dim')];
  const keys = ui.view === 'detail' ? say.detailKeys(ui.readOnly) : say.mainKeys(ui.readOnly);
  return [first, [seg(fit(` ${keys}`, width), 'dim')]];
}

// The cluster charts grow to this many rows each when the terminal has the room.
const MAX_CHART_ROWS = 24;
// Below this many rows for the main view the charts give their room to hosts and work.
const CHARTS_FROM_ROWS = 14;

function mainView(input: FrameInput, rows: number): Line[] {
  const { state, now, width, ui } = input;
  const glyphs = glyphsFor(input.charset ?? 'unicode');
  const hosts = hostRows(state, now).length;
  const work = workRows(state, now).length;
  // Top to bottom: Portage (a line per package building when there is room), the hosts with
  // their busy-slot strips, the cluster's charts, the work, the totals. Hosts take what they
  // need unless the work would get less than half; the work always keeps a header and a row;
  // rows the work does not need make the charts taller.
  const building = buildingPackages(state, now).length;
  const portageRows = rows >= 16 && building > 0 ? Math.min(1 + building, 4) : 1;
  const localOnly = localOnlyLine(state, now, width);
  const problems = problemsLine(state, width);
  const below = [totalsLine(state, now, width), localOnly, problems].filter((line): line is Line => line !== undefined);
  const avail = Math.max(4, rows - portageRows - below.length);
  const charts = avail >= CHARTS_FROM_ROWS;
  const room = avail - (charts ? 2 : 0);
  const workWant = Math.max(2, Math.min(Math.floor(room / 2), work + 1));
  const hostRoom = Math.max(2, Math.min(hosts + 1, room - workWant));
  const spare = room - hostRoom - Math.max(2, work + 1);
  const chartRows = charts ? 1 + Math.max(0, Math.min(MAX_CHART_ROWS - 1, Math.floor(spare / 2))) : 0;
  const lines: Line[] = portageLines(state, now, width, portageRows);
  lines.push(...hostTable(state, now, width, hostRoom, ui.selected, glyphs));
  lines.push(...clusterCharts(state, width, chartRows, glyphs));
  lines.push(...workTable(state, now, width, Math.max(1, rows - lines.length - below.length)));
  lines.push(...below);
  return lines;
}

export function renderFrame(input: FrameInput): Line[] {
  const { width, height } = input;
  if (width < MIN_WIDTH || height < MIN_HEIGHT) {
    const lines: Line[] = [[seg(fit(say.terminalTooSmall(width, height, MIN_WIDTH, MIN_HEIGHT), width), 'warn')]];
    while (lines.length < height) lines.push([]);
    return lines.slice(0, height);
  }
  const foot = footer(input);
  const bodyRows = height - 1 - foot.length;
  let body: Line[];
  switch (input.ui.view) {
    case 'help':
      body = say.helpLines(input.ui.readOnly).map((text) => [seg(text)]);
      break;
    case 'detail':
      body = detailView(input.state, input.now, width, bodyRows, input.ui.selected);
      break;
    default:
      body = mainView(input, bodyRows);
  }
  body = body.slice(0, bodyRows);
  while (body.length < bodyRows) body.push([]);
  return [titleLine(input), ...body, ...foot].map((line) => clipLine(line, width));
}

/** The frame as plain text: for tests, and for a log. */
export function frameText(lines: readonly Line[]): string {
  return lines.map((line) => lineText(line).trimEnd()).join('\n');
}
