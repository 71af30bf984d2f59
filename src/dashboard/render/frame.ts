import * as say from '../../messages/dashboard-view.js';
import type { DashboardState } from '../state.js';
import type { UiState } from '../ui.js';
import { detailView } from './detail-view.js';
import { formatClock } from './format.js';
import { hostTable, localOnlyLine, portageLines, problemsLine, totalsLine, workTable } from './main-view.js';
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

function mainView(input: FrameInput, rows: number): Line[] {
  const { state, now, width, ui } = input;
  const hosts = hostRows(state, now).length;
  const work = workRows(state, now).length;
  // Portage above (a line per package building when there is room), totals below; hosts take
  // what they need unless the work would get less than half, and the work always keeps a
  // header and a row.
  const building = buildingPackages(state, now).length;
  const portageRows = rows >= 16 && building > 0 ? Math.min(1 + building, 4) : 1;
  const room = Math.max(4, rows - 1 - portageRows);
  const workWant = Math.max(2, Math.min(Math.floor(room / 2), work + 1));
  const hostRoom = Math.max(2, Math.min(hosts + 1, room - workWant));
  const lines: Line[] = portageLines(state, now, width, portageRows);
  lines.push(...hostTable(state, now, width, hostRoom, ui.selected));
  const localOnly = localOnlyLine(state, now, width);
  const problems = problemsLine(state, width);
  const below = [totalsLine(state, now, width), localOnly, problems].filter((line): line is Line => line !== undefined);
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
