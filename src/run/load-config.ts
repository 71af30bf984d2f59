import { startPortage } from '../checks/start-portage.js';
import { loadConfig } from '../config/index.js';
import * as msg from '../messages.js';
import { which } from '../system/which.js';
import { Ended, say, type Loaded, type Run } from './run-state.js';

export function loadRunConfig(run: Run): Loaded | Ended {
  const { ctx, options } = run;
  const config = loadConfig({
    flags: options.config === undefined ? {} : { config: options.config },
    env: ctx.env,
    readFile: ctx.readFile,
    cpuCount: ctx.cpuCount,
  });
  const emerge = which(config.emerge, ctx.env.PATH);
  if (emerge === undefined) {
    // emerge cannot start: the run ends as it would had emerge failed to start, with the fix.
    say(run, msg.errorLine(...msg.emergeMissing(config.emerge)));
    return new Ended({ notStarted: 'not-found' });
  }
  // Before any node is probed: portageq's ~0.5 s runs beside the probes.
  const portage = startPortage(ctx.env, ctx.uid, config, emerge, options.emergeArgs);
  return { ...run, config, emerge, portage };
}
