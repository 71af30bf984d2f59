import { startPortage } from '../checks/start-portage.js';
import { loadConfig } from '../config/index.js';
import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { which } from '../system/which.js';
import type { RunState } from './run-state.js';

export function loadRunConfig(state: RunState): void {
  const { ctx, args } = state;
  state.config = loadConfig({
    flags: args.config === undefined ? {} : { config: args.config },
    env: ctx.env,
    readFile: ctx.readFile,
    cpuCount: ctx.cpuCount,
  });
  const emerge = which(state.config.emerge, ctx.env.PATH);
  if (emerge === undefined) throw new DemergeError(...msg.emergeMissing(state.config.emerge), 127);
  state.emerge = emerge;
  state.emergeCommand = { program: emerge, args: [...args.emergeArgs] };
  // Before any node is probed: portageq's ~0.5 s runs beside the probes.
  state.portage = startPortage(ctx.env, ctx.uid, state.config, emerge, args.emergeArgs);
}
