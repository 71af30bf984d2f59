import blessed from 'blessed';
import type { Line } from './render/text.js';
import { toTagged } from './render/text.js';

// The only module that imports blessed. It draws frames the pure renderers made and reports
// keys and resizes; it decides nothing. Any stream pair works (a PassThrough in tests): the
// output needs `columns`, `rows` and `isTTY`, and emits 'resize' when they change.

interface ScreenIo {
  input: NodeJS.ReadableStream & { setRawMode?(mode: boolean): unknown; isRaw?: boolean };
  output: NodeJS.WritableStream & { columns?: number; rows?: number; isTTY?: boolean };
  /** terminfo name; default $TERM. */
  terminal?: string;
}

export interface KeyPress {
  /** blessed's name: "q", "up", "S-tab", "enter", "C-c", "escape" ... */
  name: string;
  /** The bytes the terminal sent, to pass on to emerge unchanged. */
  sequence: string | undefined;
}

// In blessed, but missing from @types/blessed.
interface AltScreen {
  leave(): void;
  enter(): void;
}

export class DashboardScreen {
  private readonly screen: blessed.Widgets.Screen;
  private readonly box: blessed.Widgets.BoxElement;
  private shown = true;
  private destroyed = false;

  constructor(io: ScreenIo) {
    this.screen = blessed.screen({
      input: io.input as never,
      output: io.output as never,
      ...(io.terminal === undefined ? {} : { terminal: io.terminal }),
      // No mouse, no title changes, no warnings drawn over the frame.
      warnings: false,
      autoPadding: false,
      smartCSR: true,
      fullUnicode: false,
      resizeTimeout: 100,
    });
    this.box = blessed.box({ parent: this.screen, top: 0, left: 0, width: '100%', height: '100%', tags: true, wrap: false });
  }

  /** Whether blessed takes the terminal for UTF-8 (locale or terminfo's U8); it draws "?" for the rest when not. */
  get unicode(): boolean {
    const tput = (this.screen as unknown as { tput?: { unicode?: boolean; numbers?: { U8?: number } } }).tput;
    return tput?.unicode === true || tput?.numbers?.U8 === 1;
  }

  get size(): { width: number; height: number } {
    return { width: Number(this.screen.width) || 0, height: Number(this.screen.height) || 0 };
  }

  draw(lines: readonly Line[]): void {
    if (this.destroyed || !this.shown) return;
    this.box.setContent(toTagged(lines));
    this.screen.render();
  }

  onKey(handler: (key: KeyPress) => void): void {
    this.screen.on('keypress', (ch: string | undefined, key: { full?: string; name?: string; sequence?: string } | undefined) => {
      const name = key?.full ?? key?.name ?? ch;
      if (name !== undefined) handler({ name, sequence: key?.sequence ?? ch });
    });
  }

  onResize(handler: () => void): void {
    this.screen.on('resize', handler);
  }

  /** Back to the terminal's normal screen (where emerge's output is); keys still come here. */
  hide(): void {
    if (this.destroyed || !this.shown) return;
    this.shown = false;
    (this.screen as unknown as AltScreen).leave();
  }

  /** The alternate screen again, redrawn in full. */
  show(): void {
    if (this.destroyed || this.shown) return;
    this.shown = true;
    (this.screen as unknown as AltScreen).enter();
    this.screen.alloc();
  }

  /** Restores the terminal: normal screen, cursor visible, no raw mode. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.screen.destroy();
  }
}
