import type { DashboardState } from './state.js';

// The one mutable cell of the dashboard: collectors replace the state through update(), each
// with a pure `with*` function; readers (screen, status line, summary) only ever read it.

export class DashboardStore {
  private current: DashboardState;
  private readonly listeners = new Set<(state: DashboardState) => void>();
  /** Bumped on every change, so a renderer can skip frames when nothing moved. */
  version = 0;

  constructor(initial: DashboardState) {
    this.current = initial;
  }

  get state(): DashboardState {
    return this.current;
  }

  update(change: (state: DashboardState) => DashboardState): void {
    const next = change(this.current);
    if (next === this.current) return;
    this.current = next;
    this.version++;
    for (const listener of this.listeners) listener(next);
  }

  subscribe(listener: (state: DashboardState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
