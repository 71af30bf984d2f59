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
}
