import type { NodeConfig } from '../../config/types.js';
import * as msg from '../../messages.js';
import type { SshFailure } from '../../ssh/connect.js';
import { knownHostsName } from '../../ssh/known-hosts.js';
import { fingerprint } from '../../ssh/key-blob.js';
import { fail, ok, type Check } from '../types.js';
import type { TcpResult } from './tcp-connect.js';

// How a failed connection reads to a person: which step broke, why, and what to type.

export function tcpCheck(node: NodeConfig, name: string, result: TcpResult, timeoutS: number): Check {
  if (result.ok) return ok('node.tcp', name, msg.tcpOk(node.port, result.rttMs));
  switch (result.reason) {
    case 'refused':
      return fail('node.tcp', name, msg.tcpRefused(node.host, node.port));
    case 'timeout':
      return fail('node.tcp', name, msg.tcpTimeout(node.host, node.port, timeoutS));
    case 'unresolved':
      return fail('node.tcp', name, msg.tcpUnresolved(node.host));
    case 'unreachable':
      return fail('node.tcp', name, msg.tcpUnreachable(node.host, result.code));
    case 'error':
      return fail('node.tcp', name, msg.tcpError(node.host, node.port, result.code));
  }
}

export interface LoginContext {
  node: NodeConfig;
  name: string;
  knownHostsPath: string;
  keyPath: string;
  timeoutS: number;
}

/** The checks a failed ssh login yields: the host key's verdict, and the login's when it got that far. */
export function loginFailureChecks(context: LoginContext, failure: SshFailure): Check[] {
  const { node, name } = context;
  const entry = knownHostsName(node.host, node.port);
  const print = failure.hostKey === undefined ? 'an unknown key' : fingerprint(failure.hostKey);
  switch (failure.reason) {
    case 'host-key-unknown':
      return [fail('node.host-key', name, msg.hostKeyUnknown(entry, print, node, context.knownHostsPath))];
    case 'host-key-changed':
      return [fail('node.host-key', name, msg.hostKeyChanged(entry, print, node, context.knownHostsPath))];
    case 'host-key-revoked':
      return [fail('node.host-key', name, msg.hostKeyRevokedCheck(entry, print, context.knownHostsPath))];
    case 'auth-refused':
      return [hostKeyOk(name), fail('node.login', name, msg.loginRefused(node, context.keyPath))];
    case 'timeout':
      return [fail('node.login', name, msg.loginTimeout(node.user, context.timeoutS))];
    case 'closed':
      return [fail('node.login', name, msg.loginClosed(node.user, failure.detail))];
    default:
      return [fail('node.login', name, msg.loginError(node.user, failure.detail))];
  }
}

export function hostKeyOk(name: string): Check {
  return ok('node.host-key', name, msg.hostKeyOk());
}
