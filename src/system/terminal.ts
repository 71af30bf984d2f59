// Live output (listr2's task list, ora's spinner) needs a terminal that reports its width:
// both loop forever clearing lines on one that reports none (a fresh pty).

/** Narrower terminals than this are treated as reporting no width. */
const MIN_COLUMNS = 20;

/** Whether live output can be drawn on `stream`; otherwise it gets lines, as a pipe does. */
export function liveTerminal(stream: NodeJS.WritableStream): boolean {
  const tty = stream as NodeJS.WriteStream;
  return tty.isTTY === true && (tty.columns ?? 0) >= MIN_COLUMNS;
}
