import { stillOpenAfterEnd } from '../messages/cli.js';

// demerge ends when its event loop runs dry, so that everything it wrote reaches stdout and
// stderr. Every process, socket and timer of a run is closed by then. Should one still be open
// (a bug), the build is over all the same, and a wrapper that outlives emerge for good is the
// worst failure it can have: after a grace period it names what is open and ends.

/** How long demerge waits, after its work has ended, for what it opened to close. */
const GRACE_MS = 5000;

export interface EndWhenIdle {
  write(line: string): void;
  exit(code: number): void;
  /** What keeps the event loop alive (process.getActiveResourcesInfo()). */
  openResources(): string[];
}

export function endWhenIdle(exitCode: number, io: EndWhenIdle, graceMs = GRACE_MS): NodeJS.Timeout {
  const timer = setTimeout(() => {
    io.write(`${stillOpenAfterEnd(graceMs / 1000, io.openResources())}\n`);
    io.exit(exitCode);
  }, graceMs);
  // The timer itself keeps nothing alive: with nothing else open, demerge ends at once.
  timer.unref();
  return timer;
}
