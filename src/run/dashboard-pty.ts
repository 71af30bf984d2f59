import type { PtyEmergeProcess } from '../emerge/launch.js';
import { LastLine, OutputBuffer } from '../dashboard/emerge-output.js';
import { DashboardScreen, type KeyPress } from '../dashboard/screen.js';
import { buildHasStarted } from '../dashboard/state.js';
import type { DashboardStore } from '../dashboard/store.js';
import type { UiAction } from '../dashboard/ui.js';
import { DashboardView } from '../dashboard/view.js';
import * as msg from '../messages.js';

// The terminal while emerge runs on its own pseudo terminal. Until building starts, demerge
// only relays: keys to emerge, emerge's bytes to the screen, so --ask and --pretend read and
// look exactly as without demerge. Once the first package starts (or the first distcc job
// appears) the dashboard takes the screen and emerge's output is kept; `e` shows it, `q`
// gives the terminal back to it for the rest of the build, and when emerge ends whatever it
// printed meanwhile is written out before the summary.

export interface Terminal {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
  /** Whether demerge is the terminal's foreground job now (after `bg` it is not); true if not told. */
  inForeground?: () => boolean;
}

type Mode = 'relay' | 'dashboard' | 'emerge-view' | 'left';

// Ctrl-Z as a terminal sends it (VSUSP).
const SUSPEND = 0x1a;

/** How often a run sent to the background with `bg` looks whether `fg` brought it back. */
const FOREGROUND_POLL_MS = 500;

export class PtySession {
  private mode: Mode = 'relay';
  private screen: DashboardScreen | undefined;
  private view: DashboardView | undefined;
  private readonly kept = new OutputBuffer();
  private readonly lastLine = new LastLine();
  private unsubscribe: (() => void) | undefined;
  private foregroundPoll: NodeJS.Timeout | undefined;
  private readonly onInput = (data: Buffer): void => {
    if (!data.includes(SUSPEND)) {
      this.emerge.input.write(data);
      return;
    }
    const rest = data.filter((byte) => byte !== SUSPEND);
    if (rest.length > 0) this.emerge.input.write(rest);
    this.suspend();
  };
  private readonly onContinue = (): void => this.resumed();
  private readonly onOutput = (chunk: Buffer): void => this.output(chunk);
  private readonly onResize = (): void => this.emerge.resize(this.terminal.output.rows, this.terminal.output.columns);
  private readonly onExit = (): void => this.restoreTerminal();

  constructor(
    private readonly terminal: Terminal,
    private readonly emerge: PtyEmergeProcess,
    private readonly store: DashboardStore,
    /** Whose locale decides block characters or ASCII in the dashboard's charts. */
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
  ) {}

  start(): void {
    this.emerge.output.on('data', this.onOutput);
    this.terminal.output.on('resize', this.onResize);
    // Whatever way demerge ends, the terminal is not left in raw mode.
    process.once('exit', this.onExit);
    this.relayInput();
    this.unsubscribe = this.store.subscribe((state) => {
      if (this.mode === 'relay' && buildHasStarted(state)) this.openDashboard();
    });
    if (buildHasStarted(this.store.state)) this.openDashboard();
  }

  /** emerge has exited: the terminal goes back to how it was, emerge's last output on it. */
  async end(): Promise<void> {
    this.unsubscribe?.();
    await ended(this.emerge.output, 2000);
    this.emerge.output.off('data', this.onOutput);
    if (this.screen !== undefined) this.closeDashboard();
    this.writeKept();
    this.terminal.input.off('data', this.onInput);
    this.restoreTerminal();
    this.terminal.input.pause();
    this.terminal.output.off('resize', this.onResize);
    process.off('exit', this.onExit);
    process.off('SIGCONT', this.onContinue);
    clearInterval(this.foregroundPoll);
  }

  // Without a dashboard, Ctrl-Z stops emerge and demerge (one foreground group) and the
  // shell takes the terminal. Here emerge is stopped through its helper, demerge gives the
  // terminal back as it found it and stops itself; `fg` continues both.
  private suspend(): void {
    this.emerge.stop(() => {
      if (this.view !== undefined && !this.view.isHidden) this.view.hide();
      this.restoreTerminal();
      this.terminal.input.pause();
      process.once('SIGCONT', this.onContinue);
      process.kill(process.pid, 'SIGSTOP');
    });
  }

  // After `bg` the terminal is the shell's: raw mode or a read from it would stop demerge again
  // (SIGTTOU, SIGTTIN), with emerge still stopped. So the build goes on and the terminal is left
  // alone until `fg` gives it back, which for a running job comes without a SIGCONT (bash's
  // start_job sends none): a poll notices.
  private resumed(): void {
    const { inForeground } = this.terminal;
    if (inForeground === undefined || inForeground()) {
      this.takeTerminal();
      this.emerge.continue();
      return;
    }
    this.emerge.continue();
    this.foregroundPoll = setInterval(() => {
      if (inForeground()) this.takeTerminal();
    }, FOREGROUND_POLL_MS);
  }

  private takeTerminal(): void {
    clearInterval(this.foregroundPoll);
    this.foregroundPoll = undefined;
    const { input } = this.terminal;
    if (input.isTTY) input.setRawMode(true);
    input.resume();
    if (this.mode === 'dashboard') this.view?.show();
  }

  private relayInput(): void {
    const { input } = this.terminal;
    // Raw: the keys go to emerge's terminal, whose line discipline echoes, edits lines and
    // turns Ctrl-C into SIGINT for emerge, as demerge's terminal would have.
    input.setRawMode(true);
    input.on('data', this.onInput);
    input.resume();
  }

  private restoreTerminal(): void {
    const { input } = this.terminal;
    if (input.isTTY && input.isRaw) input.setRawMode(false);
  }

  private output(chunk: Buffer): void {
    this.lastLine.push(chunk);
    if (this.mode === 'dashboard') this.kept.push(chunk);
    else this.write(chunk);
  }

  private write(data: Buffer | string): void {
    // A terminal that went away (SIGHUP on its way) is not worth an exception.
    if (this.terminal.output.writable) this.terminal.output.write(data);
  }

  private writeKept(): void {
    const { data, dropped } = this.kept.take();
    if (dropped > 0) this.write(`${msg.emergeOutputDropped(dropped)}\r\n`);
    if (data.length > 0) this.write(data);
  }

  private openDashboard(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.terminal.input.off('data', this.onInput);
    this.mode = 'dashboard';
    this.screen = new DashboardScreen({ input: this.terminal.input, output: this.terminal.output });
    this.view = new DashboardView({
      store: this.store,
      screen: this.screen,
      readOnly: false,
      env: this.env,
      emergeLine: () => this.lastLine.line,
      onAction: (action) => this.action(action),
      onHiddenKey: (key) => this.hiddenKey(key),
      onError: (error) => {
        this.action('leave');
        this.write(`${msg.dashboardFailed(error instanceof Error ? error.message : String(error))}\r\n`);
      },
    });
    this.view.start();
    this.terminal.input.resume();
  }

  private closeDashboard(): void {
    this.view?.stop();
    this.screen?.destroy();
    this.view = undefined;
    this.screen = undefined;
  }

  private action(action: UiAction): void {
    const view = this.view;
    if (view === undefined) return;
    switch (action) {
      case 'leave':
        this.closeDashboard();
        this.mode = 'left';
        this.writeKept();
        this.relayInput();
        return;
      case 'suspend':
        this.suspend();
        return;
      case 'stop-build':
      case 'interrupt':
        // Ctrl-C on emerge's terminal: SIGINT to its foreground group, as typed without us.
        this.emerge.input.write('\x03');
        view.notice = msg.dashboardStopping();
        view.draw();
        return;
      case 'emerge-view':
        this.mode = 'emerge-view';
        view.hide();
        this.writeKept();
        return;
      default:
        return;
    }
  }

  // emerge's output is on the screen; e or Esc brings the dashboard back, the rest is emerge's.
  private hiddenKey(key: KeyPress): void {
    if (key.name === 'e' || key.name === 'escape') {
      this.mode = 'dashboard';
      this.view?.show();
      return;
    }
    if (key.name === 'C-z') this.suspend();
    else if (key.sequence !== undefined) this.emerge.input.write(key.sequence);
  }
}

function ended(stream: NodeJS.ReadableStream & { readableEnded?: boolean }, timeoutMs: number): Promise<void> {
  if (stream.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done(): void {
      clearTimeout(timer);
      stream.off('end', done);
      stream.off('close', done);
      resolve();
    }
    stream.once('end', done);
    stream.once('close', done);
  });
}
