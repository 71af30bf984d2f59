import type { Bridged, Connected, Ended } from './run-state.js';
import { sshTransport } from './ssh-transport.js';
import { tunnelTransport } from './tunnel-transport.js';

// The run's DISTCC_SSH, by config.transport: "tunnel" (the default) keeps Portage's network
// sandbox on; "ssh" is the Gentoo wiki recipe, one ssh per job, and lifts the sandbox.
export function transport(state: Bridged): Connected | Promise<Connected | Ended> {
  return state.config.transport === 'ssh' ? sshTransport(state) : tunnelTransport(state);
}
