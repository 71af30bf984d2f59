import { chownSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeConfig } from '../config/types.js';
import { renderSshConfig, renderSshWrapper, type WrapperInput } from './ssh-wrapper.js';

export interface RunFiles {
  wrapper: string;
  sshConfig: string;
}

// Owned by the invoking user (root), group of the build user: portage may read and run them,
// nobody may change them, others see nothing.
export function writeRunFiles(
  runDir: string,
  runId: string,
  nodes: readonly NodeConfig[],
  ssh: Omit<WrapperInput, 'runId' | 'sshConfigPath'>,
  owner: { uid: number; gid: number } | undefined,
): RunFiles {
  const sshConfig = join(runDir, 'ssh_config');
  const wrapper = join(runDir, 'ssh');
  write(sshConfig, renderSshConfig(runId, nodes), 0o640, owner);
  write(wrapper, renderSshWrapper({ ...ssh, runId, sshConfigPath: sshConfig }), 0o750, owner);
  return { wrapper, sshConfig };
}

function write(path: string, content: string, mode: number, owner: { uid: number; gid: number } | undefined): void {
  writeFileSync(path, content, { mode, flag: 'wx' });
  if (owner !== undefined) chownSync(path, owner.uid, owner.gid);
}
