import type { NodeConfig } from '../config/types.js';

// What distcc's ssh mode asks a node to run for each job: distcc 3.4 (ssh.c) runs
// `DISTCC_SSH [-l USER] HOST COMMAND --inetd --enable-tcp-insecure`, COMMAND being the host
// spec's `:COMMAND` or `distccd`, and ssh sends those words joined by spaces. sshd hands the
// text to the login shell, or to a forced command as SSH_ORIGINAL_COMMAND. The dry check's
// trial asks for exactly this, so the node treats it as it would treat the build's jobs.
export function sshJobCommand(node: Pick<NodeConfig, 'command'>): string {
  return `${node.command ?? 'distccd'} --inetd --enable-tcp-insecure`;
}
