import { chooseCharset, type Charset } from './render/charts.js';
import { renderFrame } from './render/frame.js';
import { hostRows } from './render/rows.js';
import type { DashboardScreen, KeyPress } from './screen.js';
import type { DashboardStore } from './store.js';
import { handleKey, initialUi, type UiAction, type UiState } from './ui.js';

// Ties the store, the pure renderer and the screen together: draws once a second (the state
// moves all the time, with 32 nodes several times in that second), at once on a key or a
// resize, and soon when a node comes or goes, so that an unreachable node shows without waiting.
// Actions the keys ask for (leave, stop, emerge's output) go to the owner.

interface ViewOptions {
  store: DashboardStore;
  screen: DashboardScreen;
  readOnly: boolean;
  now?: () => number;
  emergeLine?: () => string | undefined;
  /** What the keys asked for that the view cannot do itself. */
  onAction(action: UiAction): void;
  /** Keys while emerge's own output is shown (the dashboard hidden): passed on unchanged. */
  onHiddenKey?(key: KeyPress): void;
  /** Drawing failed (a bug): the owner gives up the dashboard rather than the build. */
  onError?(error: unknown): void;
  refreshMs?: number;
  /** The environment whose locale decides block characters or ASCII (chooseCharset); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

// What makes a redraw urgent: a node's state changing.
function statusKey(store: DashboardStore): string {
  return store.state.nodes.map((n) => n.status).join(',');
}

export class DashboardView {
  ui: UiState;
  notice: string | undefined;
  private hidden = false;
  private next: NodeJS.Timeout | undefined;
  private lastDraw = 0;
  private drawnStatus = '';
  private unsubscribe: (() => void) | undefined;
  private readonly now: () => number;
  private readonly charset: Charset;

  constructor(private readonly options: ViewOptions) {
    this.ui = initialUi(options.readOnly);
    this.now = options.now ?? Date.now;
    this.charset = chooseCharset(options.env ?? process.env, options.screen.unicode);
  }

  start(): void {
    const { screen, store } = this.options;
    screen.onKey((key) => this.key(key));
    screen.onResize(() => this.draw());
    this.unsubscribe = store.subscribe(() => {
      if (!this.hidden && statusKey(store) !== this.drawnStatus) this.schedule(Math.max(0, this.lastDraw + 200 - this.now()));
    });
    this.draw();
  }

  stop(): void {
    clearTimeout(this.next);
    this.next = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  get isHidden(): boolean {
    return this.hidden;
  }

  hide(): void {
    this.hidden = true;
    this.options.screen.hide();
  }

  show(): void {
    this.hidden = false;
    this.options.screen.show();
    this.draw();
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.next);
    this.next = setTimeout(() => this.draw(), delayMs);
  }

  draw(): void {
    clearTimeout(this.next);
    this.next = undefined;
    if (this.hidden || this.unsubscribe === undefined) return;
    this.schedule(this.options.refreshMs ?? 1000);
    const { width, height } = this.options.screen.size;
    const emergeLine = this.options.emergeLine?.();
    this.lastDraw = this.now();
    this.drawnStatus = statusKey(this.options.store);
    try {
      this.options.screen.draw(
        renderFrame({
          state: this.options.store.state,
          ui: this.ui,
          width,
          height,
          now: this.lastDraw,
          charset: this.charset,
          ...(emergeLine === undefined ? {} : { emergeLine }),
          ...(this.notice === undefined ? {} : { notice: this.notice }),
        }),
      );
    } catch (error) {
      if (this.options.onError === undefined) throw error;
      this.stop();
      this.options.onError(error);
    }
  }

  private key(key: KeyPress): void {
    if (this.hidden) {
      this.options.onHiddenKey?.(key);
      return;
    }
    const rows = hostRows(this.options.store.state, this.now()).length;
    const { ui, action } = handleKey(this.ui, key.name, rows);
    this.ui = ui;
    if (action === 'render') this.draw();
    else if (action !== 'none') {
      this.draw();
      this.options.onAction(action);
    }
  }
}
