import { Listr, ListrLogger, ProcessOutput, type ListrTask } from 'listr2';
import { liveTerminal } from './terminal.js';

// demerge's task lists (the dry check's, setup's) are listr2 with one configuration: they only
// show what runs. A task's error never ends the list (the others still finish and are shown),
// signals stay the run's own, and every row is kept once it settles: the list is the report.

export type Task = ListrTask;

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
