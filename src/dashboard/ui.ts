// What the keys do, as a pure function of the view state: the screen feeds it blessed's key
// names and carries out the action it returns. In a read-only viewer (`demerge --dashboard`)
// nothing reaches the build: `q` simply quits.

type View = 'main' | 'detail' | 'help';
type Dialog = 'leave' | 'stop';

export interface UiState {
  view: View;
  /** Index into the host rows (nodes, then localhost). */
  selected: number;
  dialog?: Dialog;
  /** A viewer attached from another terminal: it can neither stop the build nor show emerge. */
  readOnly: boolean;
}

export type UiAction =
  /** Redraw with the new view state. */
  | 'render'
  /** Close the dashboard; the build goes on with emerge's output on the terminal. */
  | 'leave'
  /** Confirmed: interrupt emerge as Ctrl-C would. */
  | 'stop-build'
  /** Ctrl-C typed at the dashboard: it goes to emerge, as it would without a dashboard. */
  | 'interrupt'
  /** Show emerge's own output (the terminal's normal screen). */
  | 'emerge-view'
  /** Ctrl-Z: emerge and demerge stop, the shell gets the terminal back, as without a dashboard. */
  | 'suspend'
  /** Read-only viewer: exit. */
  | 'quit'
  | 'none';

export function initialUi(readOnly: boolean): UiState {
  return { view: 'main', selected: 0, readOnly };
}

function move(ui: UiState, delta: number, rows: number, wrap: boolean): UiState {
  if (rows <= 0) return ui;
  let next = ui.selected + delta;
  if (wrap) next = ((next % rows) + rows) % rows;
  else next = Math.max(0, Math.min(rows - 1, next));
  return next === ui.selected ? ui : { ...ui, selected: next };
}

function withoutDialog(ui: UiState): UiState {
  const { dialog: _dialog, ...rest } = ui;
  return rest;
}

/** `key` is blessed's full key name: "q", "up", "S-tab", "enter", "C-c", "?" ... */
export function handleKey(ui: UiState, key: string, rows: number): { ui: UiState; action: UiAction } {
  if (key === 'C-c') return { ui, action: ui.readOnly ? 'quit' : 'interrupt' };
  if (key === 'C-z') return { ui, action: ui.readOnly ? 'none' : 'suspend' };
  if (ui.dialog === 'leave') {
    if (key === 'q' || key === 'enter' || key === 'y') return { ui: withoutDialog(ui), action: 'leave' };
    if (key === 's') return { ui: { ...ui, dialog: 'stop' }, action: 'render' };
    return { ui: withoutDialog(ui), action: 'render' };
  }
  if (ui.dialog === 'stop') {
    if (key === 'y') return { ui: withoutDialog(ui), action: 'stop-build' };
    return { ui: withoutDialog(ui), action: 'render' };
  }
  if (ui.view === 'help') return { ui: { ...ui, view: 'main' }, action: key === 'q' && ui.readOnly ? 'quit' : 'render' };
  switch (key) {
    case 'q':
      return ui.readOnly ? { ui, action: 'quit' } : { ui: { ...ui, dialog: 'leave' }, action: 'render' };
    case '?':
    case 'h':
      return { ui: { ...ui, view: 'help' }, action: 'render' };
    case 'e':
      return ui.readOnly ? { ui, action: 'none' } : { ui, action: 'emerge-view' };
    case 'up':
    case 'k':
      return { ui: move(ui, -1, rows, false), action: 'render' };
    case 'down':
    case 'j':
      return { ui: move(ui, 1, rows, false), action: 'render' };
    case 'tab':
      return { ui: move(ui, 1, rows, true), action: 'render' };
    case 'S-tab':
      return { ui: move(ui, -1, rows, true), action: 'render' };
    case 'home':
      return { ui: move(ui, -ui.selected, rows, false), action: 'render' };
    case 'end':
      return { ui: move(ui, rows, rows, false), action: 'render' };
    case 'enter':
      return { ui: { ...ui, view: ui.view === 'detail' ? 'main' : 'detail' }, action: 'render' };
    case 'escape':
    case 'backspace':
    case 'left':
      return ui.view === 'detail' ? { ui: { ...ui, view: 'main' }, action: 'render' } : { ui, action: 'none' };
    default:
      return { ui, action: 'none' };
  }
}
