import { writeRunFiles } from '../run-env/write-run-files.js';
import type { Bridged, Connected } from './run-state.js';
import { sshForRun } from './ssh-for-run.js';

// The recipe's transport (transport = "ssh"): distcc starts `ssh node distccd --inetd` per job
// through the wrapper. ssh runs inside the build, so it needs the network: the run lifts Portage's
// network sandbox and says why (msg.networkSandboxLifted).
export function sshTransport(state: Bridged): Connected {
  const { ctx, config, runDir, buildUser } = state;
  const ssh = sshForRun(state);
  const files = writeRunFiles(
    runDir.path,
    runDir.id,
    state.live,
    // An agent-held key: every job's ssh authenticates through the run's bridge.
    { ssh, key: config.key, knownHosts: config.knownHosts, connectTimeout: config.connectTimeout, agent: state.agent },
    buildUser === undefined ? undefined : { uid: ctx.uid, gid: buildUser.gid },
  );
  // distcc itself reads DISTCC_DIR; the wrapper has no use for it.
  return { ...state, transport: { distccSsh: files.wrapper, needsNetwork: true, useDistccDir: () => {} } };
}
