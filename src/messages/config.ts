// The configuration's errors: demerge.conf (its text, TOML, keys and values), distcc's hosts file
// when it stands in for it, --config and the DEMERGE_* variables. Each names the file, the line
// (through ConfigError) and the fix.

import { printable, quote } from '../errors.js';
import type { Problem } from './common.js';

/** See src/messages/hosts.ts: `reason` completes a sentence that starts with the culprit. */
type Finding = { reason: string; fix: string };

// The file as text (src/config/check-text.ts), before any parser sees it.

export const configTooBig = (bytes: number, max: number): Problem => [
  `is ${bytes} bytes or more, over the limit of ${max} (1 MiB)`,
  'point demerge at the right file; a config lists a few nodes and is a few hundred bytes',
];

export const configHasNul = (): Problem => ['contains a NUL byte, so it is not a text file', 'point demerge at the right file, or remove the NUL bytes'];

export const configNotUtf8 = (): Problem => ['is not valid UTF-8', 'save the file as UTF-8 (host names and paths are plain ASCII anyway)'];

// Which file (src/config/load-config.ts).

export const configFlagEmpty = (): Problem => ['is empty', 'give the path of a demerge.conf, or leave --config out'];

export const configNamedMissing = (givenBy: string): Problem => [`does not exist (named by ${givenBy})`, `create it, or point ${givenBy} at an existing file`];

// TOML (src/config/parse-toml.ts); `detail` is the parser's first line.

const TOML_FIX = 'correct the TOML at that line: strings in "double quotes", one key = value per line, [[node]] before each node';

export const tomlInvalid = (detail: string): Problem => [`invalid TOML: ${printable(detail)}`, TOML_FIX];

export const tomlUnreadable = (detail: string): Problem => [`could not be read as TOML: ${printable(detail)}`, TOML_FIX];

/** What a TOML value of the wrong type or range is, as src/config/describe-value.ts classifies it. */
export type ValueShape =
  { kind: 'string'; text: string } | { kind: 'number'; value: number } | { kind: 'boolean'; value: boolean } | { kind: 'array' | 'date' | 'table' };

/** How such a value reads in an error line ("got <it>"). */
export const describeValue = (shape: ValueShape): string => {
  switch (shape.kind) {
    case 'string':
      return `the string ${quote(shape.text)}`;
    case 'number':
      if (Number.isNaN(shape.value)) return 'nan';
      if (!Number.isFinite(shape.value)) return shape.value > 0 ? 'inf' : '-inf';
      return String(shape.value);
    case 'boolean':
      return String(shape.value);
    case 'array':
      return 'an array';
    case 'date':
      return 'a date';
    case 'table':
      return 'a table';
  }
};

// Keys and values (src/config/parse-config.ts). `label` names the key (`port in node 2`), `got`
// is describeValue()'s text.

/** Where a key of node `index` (from 0) is: appended to its name, ` in node 2`. */
export const inNode = (index: number): string => ` in node ${index + 1}`;

export const eachOf = (label: string): string => `each of ${label}`;

export const unknownKey = (key: string, where: string): string => `unknown key ${quote(key)}${where}`;

export const didYouMean = (guess: string): string => `did you mean ${guess}?`;

export const keyBelongsToNode = (key: string): string => `${key} belongs to a node: put it after a [[node]] line`;

export const knownKeys = (where: string, known: readonly string[]): string => `known keys${where}: ${known.join(', ')}`;

export const notWholeNumber = (label: string, min: number, max: number, got: string): string =>
  `${label} must be a whole number from ${min} to ${max}, got ${got}`;

export const notAString = (label: string, got: string): string => `${label} must be a string, got ${got}`;

/** `<label> <reason>`: a validator's finding about the whole value. */
export const labelled = (label: string, reason: string): string => `${label} ${reason}`;

export const notAbsolutePath = (label: string, path: string): string => `${label} must be an absolute path, got ${quote(path)}`;

export const pathControlChar = (label: string, path: string): string => `${label} ${quote(path)} contains a control character`;

export const fixFullPath = (example: string): string => `give the full path, e.g. ${example}`;

// emerge and portageq: a plain name looked up in PATH, or an absolute path.

const programFix = (name: string): string => `give "${name}" (looked up in PATH) or the absolute path of ${name}, without arguments`;

export const programControlChar = (name: string): Finding => ({ reason: 'contains a control character', fix: programFix(name) });

export const programLikeOption = (name: string): Finding => ({ reason: 'starts with "-"', fix: programFix(name) });

export const programNotNameOrPath = (name: string): Finding => ({
  reason: 'is neither a plain command name nor an absolute path',
  fix: programFix(name),
});

export const fixOptions = (): string => 'write options = ["lzo"], ["lzo", "cpp"] or ["auth"]; [] for none';

export const notAnArrayOfStrings = (label: string, got: string): string => `${label} must be an array of strings, got ${got}`;

export const optionIn = (option: string, label: string, reason: string): string => `option ${quote(option)} in ${label} ${reason}`;

export const nodeNotATable = (index: number, got: string): Problem => [
  `node ${index + 1} must be a table, got ${got}`,
  'write each node as a [[node]] section',
];

export const nodeWithoutHost = (index: number): Problem => [`node ${index + 1} has no host`, 'add host = "NAME" after its [[node]] line'];

export const fixNodeHost = (): string => "give the node's host name or IPv4 address";

export const fixNodeUser = (): string => 'give the login account on the node';

export const fixNodePort = (): string => "give the node's ssh port (default 22)";

export const fixNodeSlots = (defaultSlots: number): string => `give how many jobs the node takes at once (distcc's default is ${defaultSlots})`;

export const fixNodeCommand = (): string => 'give the absolute path of distccd on the node';

export const nodesNotAList = (got: string): Problem => [
  `node must be a list of [[node]] sections, got ${got}`,
  'write [[node]] (two brackets) before each node',
];

export const nodeRepeated = (index: number, host: string, port: number, first: number): Problem => [
  `node ${index + 1} (${host} port ${port}) repeats node ${first + 1}`,
  'list each node once; raise its slots to give it more jobs',
];

export const fixLocalSlots = (): string => "give how many jobs run on this machine (distcc's default is 2; 0 sends every job to the nodes)";

export const fixEntrancePort = (): string =>
  "give a free TCP port of the nodes (default 3633), then run demerge setup node --restrict again: the keys' permitopen names it";
export const fixConnectTimeout = (): string => 'give the seconds to wait for a node to answer (default 5)';

export const fixEmerge = (): string => 'give "emerge" or its absolute path';

export const fixPortageq = (): string => 'give "portageq" or its absolute path';

export const resolveNativeNotBoolean = (got: string): Problem => [
  `resolve_native must be true or false, got ${got}`,
  'write resolve_native = true (the default: -march=native is made explicit for the run) or false',
];

export const loadLimitNotNumber = (min: number, max: number, got: string): Problem => [
  `load_limit must be a number from ${min} to ${max}, got ${got}`,
  'give the load average at which make stops starting jobs (make -l); 0 for no limit',
];

export const fixBuildUser = (): string => 'give the user Portage builds as (default portage)';

export const fixTransport = (): string => 'write transport = "tunnel" (the default: the sandbox stays on) or transport = "ssh" (the recipe: one ssh per job)';

export const transportUnknown = (transport: string): string => `transport ${quote(transport)} is not available`;

export const didYouMeanTransport = (guess: string): string => `did you mean transport = "${guess}"?`;

// distcc's hosts file in place of demerge.conf (src/config/from-distcc-hosts.ts).

export const hostsFileRepeat = (host: string, firstLine: number): Problem => [
  `${host} is listed again (first on line ${firstLine})`,
  'list each node once, or describe the nodes in /etc/demerge.conf',
];
