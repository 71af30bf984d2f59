import { describe, expect, it } from 'vitest';
import { handleKey, initialUi, type UiState } from '../../src/dashboard/ui.js';

const live = initialUi(false);
const viewer = initialUi(true);
const ROWS = 4;

describe('handleKey', () => {
  it.each<[string, UiState, string, Record<string, unknown>, string]>([
    // selection
    ['down moves', live, 'down', { selected: 1 }, 'render'],
    ['up stops at the top', live, 'up', { selected: 0 }, 'render'],
    ['down stops at the bottom', { ...live, selected: 3 }, 'down', { selected: 3 }, 'render'],
    ['tab wraps', { ...live, selected: 3 }, 'tab', { selected: 0 }, 'render'],
    ['shift-tab wraps back', live, 'S-tab', { selected: 3 }, 'render'],
    ['j and k as in vi', { ...live, selected: 1 }, 'k', { selected: 0 }, 'render'],
    // views
    ['Enter opens the detail', live, 'enter', { view: 'detail' }, 'render'],
    ['Enter closes it again', { ...live, view: 'detail' }, 'enter', { view: 'main' }, 'render'],
    ['Esc closes it', { ...live, view: 'detail' }, 'escape', { view: 'main' }, 'render'],
    ['? shows help', live, '?', { view: 'help' }, 'render'],
    ['any key leaves help', { ...live, view: 'help' }, 'x', { view: 'main' }, 'render'],
    ['e shows emerge', live, 'e', {}, 'emerge-view'],
    // leaving: q asks, q again leaves, s then y stops the build
    ['q asks first', live, 'q', { dialog: 'leave' }, 'render'],
    ['q again leaves', { ...live, dialog: 'leave' }, 'q', { dialog: undefined }, 'leave'],
    ['Enter leaves too', { ...live, dialog: 'leave' }, 'enter', { dialog: undefined }, 'leave'],
    ['s asks to stop', { ...live, dialog: 'leave' }, 's', { dialog: 'stop' }, 'render'],
    ['y stops', { ...live, dialog: 'stop' }, 'y', { dialog: undefined }, 'stop-build'],
    ['anything else keeps building', { ...live, dialog: 'stop' }, 'n', { dialog: undefined }, 'render'],
    ['Esc stays', { ...live, dialog: 'leave' }, 'escape', { dialog: undefined }, 'render'],
    ['Ctrl-C goes to emerge', live, 'C-c', {}, 'interrupt'],
    // the read-only viewer
    ['q quits the viewer at once', viewer, 'q', {}, 'quit'],
    ['Ctrl-C quits the viewer', viewer, 'C-c', {}, 'quit'],
    ['the viewer has no emerge output', viewer, 'e', {}, 'none'],
    ['unknown keys do nothing', live, 'f5', {}, 'none'],
  ])('%s', (_name, ui, key, change, action) => {
    const result = handleKey(ui, key, ROWS);
    expect(result.action).toBe(action);
    for (const [field, value] of Object.entries(change)) expect(result.ui[field as keyof UiState]).toBe(value);
  });

  it('never changes its input', () => {
    const ui = { ...live, dialog: 'leave' as const };
    handleKey(ui, 'q', ROWS);
    expect(ui.dialog).toBe('leave');
  });
});
