import { processContext } from './system/context.js';
import { main } from './cli/main.js';
import { endWhenIdle } from './system/end-when-idle.js';
import { inTerminalForeground } from './system/foreground.js';

/** Runs demerge as this process: exits with emerge's status, or dies by emerge's signal. */
export async function run(argv: readonly string[]): Promise<void> {
  const exit = await main(processContext(argv, inTerminalForeground));
  if (exit.signal !== undefined) {
    // Dying by the same signal tells a calling shell or script that the build was interrupted.
    process.removeAllListeners(exit.signal);
    process.kill(process.pid, exit.signal);
    return;
  }
  process.exitCode = exit.exitCode;
  endWhenIdle(exit.exitCode, {
    write: (line) => process.stderr.write(line),
    exit: (code) => process.exit(code),
    openResources: () => process.getActiveResourcesInfo(),
  });
}
