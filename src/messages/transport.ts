// The run's connections to the nodes (transport "tunnel"): why one could not be made, dropped or came
// back, what a node's distccd reports, and the connector's own line.

import { printable, quote } from '../errors.js';
import type { Problem } from './common.js';

export const tunnelForwardingRefused = (): string =>
  'the node refuses to forward to a unix socket (sshd AllowStreamLocalForwarding, or restrict, no-port-forwarding or a permitopen of your own in authorized_keys): allow it for the build key, or run demerge setup node --restrict (its key opens the node service\'s TCP entrance instead), or set transport = "ssh"';

export const tunnelNotUp = (detail: string): string => `the run's connection and the node's service did not come up: ${quote(detail.slice(0, 300))}`;

export const noAnswerThroughForward = (): string => "no answer from the node's service through the connection";

export const noRelayProgram = (): Problem => [
  'neither perl nor python3 was found in PATH (the tunnel relays each job with one of them)',
  'install dev-lang/perl, or set transport = "ssh"',
];

export const nodeSlotsDiffer = (node: string, slots: number, asked: number): string =>
  `demerge: node ${quote(node)} keeps ${slots} slots for all runs (another run started its service with that), not this config's ${asked}`;

export const tunnelLost = (node: string, detail: string): string =>
  `demerge: warning: connection to node ${quote(node)} lost (${printable(detail.slice(0, 200))}): its jobs compile locally until it is back`;

export const tunnelBack = (node: string): string => `demerge: node ${quote(node)} is connected again`;

export const tunnelStillDown = (node: string, cause: string): string =>
  `demerge: warning: node ${quote(node)} still cannot be reached: ${printable(cause)}; trying again`;

export const tunnelNodeSays = (node: string, cause: string): string => `demerge: warning: node ${quote(node)}: ${printable(cause)}`;

// Why a node's connection failed or dropped, from ssh's last line (src/transport/connection-cause.ts).
export const causeHostKeyChanged = (): string =>
  'the node presents a different host key (possible man-in-the-middle): refused, known_hosts left as it is; if the node was reinstalled, check its new key and run demerge trust';
export const causeConnectionRefused = (): string => 'connection refused: sshd is not running on the node';
export const causeNotAnswering = (): string => 'the node stopped answering (link down or packets dropped)';
export const causeNoRoute = (): string => 'no route to the node (its link is down)';
export const causeClosedByNode = (): string => 'the node closed the connection (sshd stopped or restarted there)';
export const causeMasterKilled = (signal: string): string => `this run's ssh connection process was killed (${signal})`;
export const causeLoginRefused = (): string => 'the node refused the key login (key removed, or account locked)';
export const causeDiskFull = (): string =>
  "the node's disk is full (under 8 MiB free in distccd's TMPDIR): its jobs fail there and compile locally; free space on the node";
export const causeOther = (detail: string): string => detail.slice(0, 200);
export const nodeHeld = (reason: string): string => `no jobs are sent to it while ${reason}`;
export const diskFullReason = (): string => 'its disk is full';
export const nodeResumed = (node: string): string => `demerge: node ${quote(node)} gets jobs again`;

// The detail of a connection that could not be made or dropped, when ssh itself said nothing
// (tunnelNotUp and connectionCause() read it).
export const runEnding = (): string => 'the run is ending';
export const connectionClosedAtOnce = (): string => 'the connection closed at once';
/** A master ended by a signal; connectionCause() recognises this shape (/^ssh ended by SIG.../). */
export const sshEndedBy = (signal: string): string => `ssh ended by ${signal}`;
export const sshExited = (code: number | null): string => `ssh exited with status ${code ?? '?'}`;
export const noConnectorCommand = (): string => 'no connector command';
export const noChannelWithin = (seconds: number): string => `no channel within ${seconds} s`;

/**
 * The connector's line for a host it has no connection for, inside double quotes in its sh script:
 * `node` is a shell expansion, and the text holds no ", $, ` or backslash of its own.
 */
export const connectorNoConnection = (node: string): string => `demerge: no connection to node ${node} in this run`;
