import * as msg from '../../messages.js';
import type { FrontCompiler } from '../local/front-compiler.js';
import { fail, ok, warn, type Check } from '../types.js';
import type { RemoteCompiler } from './remote-script.js';

// A node must compile what the front end would: the same target (else the objects are for
// another machine) and the same major version (else the ABI and the diagnostics differ). A
// different minor version builds compatible objects, but is worth knowing.

export function compareCompiler(id: string, node: string, front: FrontCompiler, remote: RemoteCompiler): Check {
  if (remote.path === undefined) return fail(id, node, msg.nodeCompilerMissing(remote.name, front));
  if (remote.version === undefined || remote.machine === undefined) return fail(id, node, msg.nodeCompilerBroken(remote.name, remote.path, front));
  if (remote.machine !== front.machine) return fail(id, node, msg.nodeCompilerTarget(remote.name, remote.machine, front));
  const [major, minor] = versionParts(remote.version);
  const [frontMajor, frontMinor] = versionParts(front.version);
  if (major !== frontMajor) return fail(id, node, msg.nodeCompilerMajor(remote.name, remote.version, front));
  if (minor !== undefined && frontMinor !== undefined && minor !== frontMinor) return warn(id, node, msg.nodeCompilerMinor(remote.name, remote.version, front));
  return ok(id, node, msg.nodeCompilerOk(remote.name, remote.version, remote.machine));
}

export function versionParts(version: string): [number | undefined, number | undefined] {
  const [major, minor] = version.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : undefined));
  return [major, minor];
}
