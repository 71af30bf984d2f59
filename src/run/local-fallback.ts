import { startEmerge } from '../emerge/launch.js';
import { DemergeError } from '../errors.js';
import * as msg from '../messages.js';
import { Ended, say, type Loaded } from './run-state.js';

// No node to use: the build still runs, locally and untouched, unless --strict says otherwise.
// emerge runs exactly as the user would have run it, with nothing to watch.
export async function localFallback(state: Loaded): Promise<Ended> {
  if (state.options.strict) throw new DemergeError(...msg.noLiveNodeStrict());
  say(state, state.config.nodes.length === 0 ? msg.noNodesConfigured() : msg.noLiveNode());
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(state.ctx.env)) if (value !== undefined) env[name] = value;
  const emerge = startEmerge(state.emerge, state.options.emergeArgs, env);
  state.relay.attach(emerge);
  return new Ended(await emerge.outcome);
}
