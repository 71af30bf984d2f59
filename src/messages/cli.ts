// The command line: argument errors (demerge, --dashboard, setup, trust) and the frame of demerge's
// error and warning lines.

import { quote } from '../errors.js';
import type { Problem } from './common.js';

export const badOptionValue = (option: string, value: string, expected: string): Problem => [
  `option ${option} has an invalid value ${quote(value)}`,
  `give ${expected}`,
];

export const unknownDemergeOption = (option: string): Problem => [`${quote(option)} needs a value`, `write it as ${option}=VALUE`];

export const dashboardTakesNoArguments = (first: string): Problem => [
  `--dashboard watches a build that is already running and takes no emerge arguments, got ${quote(first)}`,
  'run the build with demerge <emerge arguments>, and demerge --dashboard alone from another terminal',
];

export const unknownSetupStep = (word: string): Problem => [
  `${quote(`setup ${word}`)} is not a setup step`,
  'use demerge setup key, demerge setup node HOST..., or demerge setup alone for the whole recipe',
];

export const setupTakesNoHosts = (step: string, word: string): Problem => [
  `demerge ${step} takes no host (${quote(word)})`,
  step === 'setup key'
    ? 'setup key works on this machine only; name nodes with demerge setup node HOST... or demerge trust HOST...'
    : 'demerge setup works on the nodes of demerge.conf; use demerge setup node HOST... and demerge trust HOST... for others',
];

export const unknownSetupOption = (step: string, word: string, allowed: readonly string[]): Problem => [
  `demerge ${step} has no option ${quote(word)}`,
  `its options are ${allowed.join(', ')} (see demerge --help)`,
];

export const setupOptionNeedsValue = (option: string): Problem => [`${option} needs a value`, `write it as ${option}=VALUE`];

export const badAdminUser = (user: string, reason: string, fix: string): Problem => [`admin user ${quote(user)} ${reason}`, fix];

export const badSetupHost = (word: string, reason: string, fix: string): Problem => [`host ${quote(word)} ${reason}`, fix];

export const errorLine = (message: string, fix: string): string => `demerge: ${message} (${fix})`;

export const unexpectedErrorLine = (message: string): string => `demerge: internal error: ${message} (please report it with the command line you used)`;

export const warningLine = (message: string, fix: string): string => `demerge: warning: ${message} (${fix})`;

/** What an option takes, for badOptionValue. */
export const expected = {
  noValue: 'no value',
  pid: 'the pid of a running demerge',
  sampleSeconds: 'seconds from 0.2 to 60',
  makeJobs: 'a whole number from 1 to 9999',
  fingerprint: 'a fingerprint as ssh-keygen -lf prints it: SHA256: and 43 base64 characters',
  fromList: 'addresses, networks (CIDR) or host name patterns separated by commas, e.g. 192.168.1.0/24',
} as const;

export const hostUserPart = (): readonly [string, string] => ['has a user part', 'name the host only; the user comes from demerge.conf'];

export const networkHostBits = (network: string): string => `a network without host bits (${network} has host bits set; sshd would ignore the key)`;

export const stillOpenAfterEnd = (seconds: number, resources: readonly string[]): string =>
  unexpectedErrorLine(`still running ${seconds} s after its work ended (open: ${resources.join(', ') || 'nothing named'}); ending now with the status it has`);
