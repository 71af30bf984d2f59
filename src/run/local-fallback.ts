import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { launchEmerge } from './launch.js';
import { say, type RunState } from './run-state.js';

// No node to use: the build still runs, locally and untouched, unless --strict says otherwise.
export async function localFallback(state: RunState): Promise<void | 'stop'> {
  if ((state.live ?? []).length > 0) return;
  if (state.args.strict) throw new DemergeError(...msg.noLiveNodeStrict());
  say(state, state.config!.nodes.length === 0 ? msg.noNodesConfigured() : msg.noLiveNode());
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(state.ctx.env)) if (value !== undefined) env[name] = value;
  state.env = env;
  await launchEmerge(state);
  return 'stop';
}
