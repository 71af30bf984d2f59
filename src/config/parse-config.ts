import { ConfigError, quote } from '../errors.js';
import {
  findCommandProblem,
  findHostNameProblem,
  findOptionsProblem,
  findUserNameProblem,
  parseHostOption,
} from '../hosts/index.js';
import type { HostOption, Problem } from '../hosts/index.js';
import { checkConfigText } from './check-text.js';
import { defaultConfig, NODE_DEFAULTS, RANGES } from './defaults.js';
import { describeValue, isTable } from './describe-value.js';
import { locateKey } from './locate-key.js';
import type { KeyPlace } from './locate-key.js';
import { parseToml } from './parse-toml.js';
import { suggest } from './suggest.js';
import { TRANSPORTS, type Config, type NodeConfig } from './types.js';

const TOP_KEYS = ['key', 'known_hosts', 'local_slots', 'connect_timeout', 'emerge', 'portageq', 'resolve_native', 'load_limit', 'build_user', 'transport', 'node'];
const NODE_KEYS = ['host', 'user', 'port', 'slots', 'options', 'command'];

// One parse of one file: knows the text and name so every error can point at a line.
class Reader {
  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  fail(place: KeyPlace, problem: string, fix: string): never {
    throw new ConfigError(this.file, locateKey(this.text, place), problem, fix);
  }

  unknownKeys(table: Record<string, unknown>, known: readonly string[], place: KeyPlace, where: string): void {
    for (const key of Object.keys(table)) {
      if (known.includes(key)) continue;
      const guess = suggest(key, known);
      const fix =
        guess !== undefined ? `did you mean ${guess}?`
        : place.table === undefined && NODE_KEYS.includes(key) ? `${key} belongs to a node: put it after a [[node]] line`
        : `known keys${where}: ${known.join(', ')}`;
      this.fail({ ...place, key }, `unknown key ${quote(key)}${where}`, fix);
    }
  }

  integer(value: unknown, place: KeyPlace, label: string, range: { min: number; max: number }, fix: string): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < range.min || value > range.max) {
      this.fail(place, `${label} must be a whole number from ${range.min} to ${range.max}, got ${describeValue(value)}`, fix);
    }
    return value;
  }

  string(value: unknown, place: KeyPlace, label: string, fix: string): string {
    if (typeof value !== 'string') this.fail(place, `${label} must be a string, got ${describeValue(value)}`, fix);
    return value;
  }

  named(value: unknown, place: KeyPlace, label: string, find: (v: string) => Problem | undefined, fix: string): string {
    const text = this.string(value, place, label, fix);
    const problem = find(text);
    if (problem) this.fail(place, `${label} ${quote(text)} ${problem.reason}`, problem.fix);
    return text;
  }

  absolutePath(value: unknown, place: KeyPlace, label: string, example: string): string {
    const fix = `give the full path, e.g. ${example}`;
    const path = this.string(value, place, label, fix);
    if (!path.startsWith('/')) this.fail(place, `${label} must be an absolute path, got ${quote(path)}`, fix);
    // The path is handed to ssh and written into the run's wrapper: no control characters.
    if (/[\u0000-\u001f\u007f]/.test(path)) this.fail(place, `${label} ${quote(path)} contains a control character`, fix);
    return path;
  }
}

// emerge and portageq are programs demerge runs: a plain name looked up in PATH, or a path.
function findProgramProblem(program: string, name: 'emerge' | 'portageq'): Problem | undefined {
  const fix = `give "${name}" (looked up in PATH) or the absolute path of ${name}, without arguments`;
  if (program.startsWith('/')) {
    return /[\u0000-\u001f\u007f]/.test(program) ? { reason: 'contains a control character', fix } : undefined;
  }
  if (program.startsWith('-')) return { reason: 'starts with "-"', fix };
  return /^[A-Za-z0-9._+-]+$/.test(program) ? undefined : { reason: 'is neither a plain command name nor an absolute path', fix };
}

const findEmergeProblem = (emerge: string): Problem | undefined => findProgramProblem(emerge, 'emerge');
const findPortageqProblem = (portageq: string): Problem | undefined => findProgramProblem(portageq, 'portageq');

/** The same check as demerge.conf's `emerge` or `portageq`, for DEMERGE_EMERGE and DEMERGE_PORTAGEQ. */
export function checkProgram(name: 'emerge' | 'portageq', program: string, source: string): void {
  const problem = findProgramProblem(program, name);
  if (problem) throw new ConfigError(source, undefined, `${name} ${quote(program)} ${problem.reason}`, problem.fix);
}

function readOptions(reader: Reader, value: unknown, place: KeyPlace, label: string): HostOption[] {
  const fix = 'write options = ["lzo"], ["lzo", "cpp"] or ["auth"]; [] for none';
  if (!Array.isArray(value)) reader.fail(place, `${label} must be an array of strings, got ${describeValue(value)}`, fix);
  const options: HostOption[] = [];
  for (const item of value) {
    const text = reader.string(item, place, `each of ${label}`, fix);
    const option = parseHostOption(text);
    if (typeof option !== 'string') reader.fail(place, `option ${quote(text)} in ${label} ${option.reason}`, option.fix);
    options.push(option);
  }
  const problem = findOptionsProblem(options);
  if (problem) reader.fail(place, `${label} ${problem.reason}`, problem.fix);
  return options;
}

function readNode(reader: Reader, value: unknown, index: number): NodeConfig {
  const table = { name: 'node', index };
  const where = ` in node ${index + 1}`;
  const at = (key: string): KeyPlace => ({ table, key });
  if (!isTable(value)) {
    reader.fail({ table }, `node ${index + 1} must be a table, got ${describeValue(value)}`, 'write each node as a [[node]] section');
  }
  reader.unknownKeys(value, NODE_KEYS, { table }, where);
  if (value['host'] === undefined) {
    reader.fail({ table }, `node ${index + 1} has no host`, 'add host = "NAME" after its [[node]] line');
  }
  const node: NodeConfig = {
    host: reader.named(value['host'], at('host'), `host${where}`, findHostNameProblem, 'give the node\'s host name or IPv4 address'),
    user: value['user'] === undefined ? NODE_DEFAULTS.user
      : reader.named(value['user'], at('user'), `user${where}`, findUserNameProblem, 'give the login account on the node'),
    port: value['port'] === undefined ? NODE_DEFAULTS.port
      : reader.integer(value['port'], at('port'), `port${where}`, RANGES.port, 'give the node\'s ssh port (default 22)'),
    slots: value['slots'] === undefined ? NODE_DEFAULTS.slots
      : reader.integer(value['slots'], at('slots'), `slots${where}`, RANGES.slots,
        `give how many jobs the node takes at once (distcc's default is ${NODE_DEFAULTS.slots})`),
    options: value['options'] === undefined ? [] : readOptions(reader, value['options'], at('options'), `options${where}`),
  };
  if (value['command'] !== undefined) {
    node.command = reader.named(value['command'], at('command'), `command${where}`, findCommandProblem,
      'give the absolute path of distccd on the node');
  }
  return node;
}

function readNodes(reader: Reader, value: unknown): NodeConfig[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    reader.fail({ key: 'node' }, `node must be a list of [[node]] sections, got ${describeValue(value)}`,
      'write [[node]] (two brackets) before each node');
  }
  const nodes: NodeConfig[] = [];
  const seen = new Map<string, number>();
  value.forEach((item, index) => {
    const node = readNode(reader, item, index);
    // Host names are case-insensitive; the same node twice would get double the jobs.
    const id = `${node.host.toLowerCase()}:${node.port}`;
    const first = seen.get(id);
    if (first !== undefined) {
      reader.fail({ table: { name: 'node', index }, key: 'host' },
        `node ${index + 1} (${node.host} port ${node.port}) repeats node ${first + 1}`,
        'list each node once; raise its slots to give it more jobs');
    }
    seen.set(id, index);
    nodes.push(node);
  });
  return nodes;
}

/** Parses demerge.conf text; throws ConfigError naming file, line and fix. */
export function parseConfigText(text: string, file: string, cpuCount: number): Config {
  checkConfigText(text, file);
  const doc = parseToml(text, file);
  const reader: Reader = new Reader(text, file);
  const at = (key: string): KeyPlace => ({ key });
  reader.unknownKeys(doc, TOP_KEYS, {}, '');
  const config = defaultConfig({ kind: 'file', path: file }, cpuCount);
  const v = (key: string): unknown => doc[key];

  if (v('key') !== undefined) config.key = reader.absolutePath(v('key'), at('key'), 'key', '/etc/distcc/.ssh/id_ed25519');
  if (v('known_hosts') !== undefined) {
    config.knownHosts = reader.absolutePath(v('known_hosts'), at('known_hosts'), 'known_hosts', '/var/tmp/portage/.ssh/known_hosts');
  }
  if (v('local_slots') !== undefined) {
    config.localSlots = reader.integer(v('local_slots'), at('local_slots'), 'local_slots', RANGES.localSlots,
      'give how many jobs run on this machine (distcc\'s default is 2; 0 sends every job to the nodes)');
  }
  if (v('connect_timeout') !== undefined) {
    config.connectTimeout = reader.integer(v('connect_timeout'), at('connect_timeout'), 'connect_timeout',
      RANGES.connectTimeout, 'give the seconds to wait for a node to answer (default 5)');
  }
  if (v('emerge') !== undefined) {
    config.emerge = reader.named(v('emerge'), at('emerge'), 'emerge', findEmergeProblem, 'give "emerge" or its absolute path');
  }
  if (v('portageq') !== undefined) {
    config.portageq = reader.named(v('portageq'), at('portageq'), 'portageq', findPortageqProblem, 'give "portageq" or its absolute path');
  }
  if (v('resolve_native') !== undefined) {
    const value = v('resolve_native');
    if (typeof value !== 'boolean') {
      reader.fail(at('resolve_native'), `resolve_native must be true or false, got ${describeValue(value)}`,
        'write resolve_native = true (the default: -march=native is made explicit for the run) or false');
    }
    config.resolveNative = value;
  }
  if (v('load_limit') !== undefined) {
    const limit = v('load_limit');
    const { min, max } = RANGES.loadLimit;
    if (typeof limit !== 'number' || !(limit >= min && limit <= max)) {
      reader.fail(at('load_limit'), `load_limit must be a number from ${min} to ${max}, got ${describeValue(limit)}`,
        'give the load average at which make stops starting jobs (make -l); 0 for no limit');
    }
    config.loadLimit = limit;
  }
  if (v('build_user') !== undefined) {
    config.buildUser = reader.named(v('build_user'), at('build_user'), 'build_user', findUserNameProblem,
      'give the user Portage builds as (default portage)');
  }
  if (v('transport') !== undefined) {
    const fix = 'write transport = "tunnel" (the default: the sandbox stays on) or transport = "ssh" (the recipe: one ssh per job)';
    const transport = reader.string(v('transport'), at('transport'), 'transport', fix);
    const known = TRANSPORTS.find((name) => name === transport);
    if (known === undefined) {
      const guess = suggest(transport, TRANSPORTS);
      reader.fail(at('transport'), `transport ${quote(transport)} is not available`, guess === undefined ? fix : `did you mean transport = "${guess}"?`);
    }
    config.transport = known;
  }
  config.nodes = readNodes(reader, v('node'));
  return config;
}
