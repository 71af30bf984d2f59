import { writeRunFiles } from '../run-env/write-run-files.js';
import type { RunState } from './run-state.js';
import { sshForRun } from './ssh-for-run.js';

// The recipe's transport (transport = "ssh"): distcc starts `ssh node distccd --inetd` per job
// through the wrapper. ssh runs inside the build, so it needs the network: the run lifts Portage's
// network sandbox and says why (msg.networkSandboxLifted).
export function sshTransport(state: RunState): void {
  const { ctx } = state;
  const config = state.config!;
  const runDir = state.runDir!;
  const ssh = sshForRun(state);
  const files = writeRunFiles(
    runDir.path,
    runDir.id,
    state.live!,
    { ssh, key: config.key, knownHosts: config.knownHosts, connectTimeout: config.connectTimeout },
    state.buildUser === undefined ? undefined : { uid: ctx.uid, gid: state.buildUser.gid },
  );
  state.transport = { distccSsh: files.wrapper, needsNetwork: true };
}
