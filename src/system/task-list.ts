import { Listr, ListrLogger, ProcessOutput, type ListrTask } from 'listr2';

// demerge's task lists (the dry check's, setup's) are listr2 with one configuration: they only
// show what runs. A task's error never ends the list (the others still finish and are shown),
// signals stay the run's own, and every row is kept once it settles: the list is the report.

export type Task = ListrTask;

/** Narrower terminals than this are treated as reporting no width. */
const MIN_COLUMNS = 20;

/**
 * Whether a live list can be drawn on `stream`. listr2, like ora, loops on a terminal that
 * reports no width (a fresh pty), so a terminal without one gets lines, as a pipe does.
 */
export function liveTerminal(stream: NodeJS.WritableStream): boolean {
  const tty = stream as NodeJS.WriteStream;
  return tty.isTTY === true && (tty.columns ?? 0) >= MIN_COLUMNS;
}

export interface TaskListOptions {
  /** The top-level tasks run at once, or one after the other. */
  concurrent: boolean;
  /** A task's output line is cut at the terminal's width instead of wrapping. */
  truncateOutput?: boolean;
}

/** Runs the tasks on these streams: drawn live where liveTerminal allows, else a line per finished task. */
export async function runTaskList(tasks: Task[], stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream, options: TaskListOptions): Promise<void> {
  const logger = new ListrLogger({ processOutput: new ProcessOutput(stdout as NodeJS.WriteStream, stderr as NodeJS.WriteStream) });
  await new Listr(tasks, {
    concurrent: options.concurrent,
    exitOnError: false,
    registerSignalListeners: false,
    renderer: liveTerminal(stdout) ? ('default' as const) : ('simple' as const),
    rendererOptions: {
      logger,
      collapseErrors: false,
      collapseSubtasks: false,
      ...(options.truncateOutput === true ? { formatOutput: 'truncate' as const } : {}),
    },
    fallbackRendererOptions: { logger },
  }).run();
}
