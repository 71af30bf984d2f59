import { ConfigError } from '../errors.js';
import { findCommandProblem, findHostNameProblem, findOptionsProblem, findUserNameProblem, parseHostOption } from '../hosts/index.js';
import type { HostOption, Problem } from '../hosts/index.js';
import * as say from '../messages/config.js';
import { culprit } from '../messages/hosts.js';
import { checkConfigText } from './check-text.js';
import { defaultConfig, NODE_DEFAULTS, RANGES } from './defaults.js';
import { describeValue, isTable } from './describe-value.js';
import { locateKey } from './locate-key.js';
import type { KeyPlace } from './locate-key.js';
import { parseToml } from './parse-toml.js';
import { suggest } from './suggest.js';
import { TRANSPORTS, type Config, type NodeConfig } from './types.js';

const TOP_KEYS = [
  'key',
  'known_hosts',
  'local_slots',
  'connect_timeout',
  'emerge',
  'portageq',
  'resolve_native',
  'load_limit',
  'build_user',
  'transport',
  'entrance_port',
  'node',
];
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
        guess !== undefined
          ? say.didYouMean(guess)
          : place.table === undefined && NODE_KEYS.includes(key)
            ? say.keyBelongsToNode(key)
            : say.knownKeys(where, known);
      this.fail({ ...place, key }, say.unknownKey(key, where), fix);
    }
  }

  integer(value: unknown, place: KeyPlace, label: string, range: { min: number; max: number }, fix: string): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < range.min || value > range.max) {
      this.fail(place, say.notWholeNumber(label, range.min, range.max, describeValue(value)), fix);
    }
    return value;
  }

  string(value: unknown, place: KeyPlace, label: string, fix: string): string {
    if (typeof value !== 'string') this.fail(place, say.notAString(label, describeValue(value)), fix);
    return value;
  }

  named(value: unknown, place: KeyPlace, label: string, find: (v: string) => Problem | undefined, fix: string): string {
    const text = this.string(value, place, label, fix);
    const problem = find(text);
    if (problem) this.fail(place, culprit(label, text, problem.reason), problem.fix);
    return text;
  }

  absolutePath(value: unknown, place: KeyPlace, label: string, example: string): string {
    const fix = say.fixFullPath(example);
    const path = this.string(value, place, label, fix);
    if (!path.startsWith('/')) this.fail(place, say.notAbsolutePath(label, path), fix);
    // The path is handed to ssh and written into the run's wrapper: no control characters.
    if (/[\u0000-\u001f\u007f]/.test(path)) this.fail(place, say.pathControlChar(label, path), fix);
    return path;
  }
}

// emerge and portageq are programs demerge runs: a plain name looked up in PATH, or a path.
function findProgramProblem(program: string, name: 'emerge' | 'portageq'): Problem | undefined {
  if (program.startsWith('/')) {
    return /[\u0000-\u001f\u007f]/.test(program) ? say.programControlChar(name) : undefined;
  }
  if (program.startsWith('-')) return say.programLikeOption(name);
  return /^[A-Za-z0-9._+-]+$/.test(program) ? undefined : say.programNotNameOrPath(name);
}

const findEmergeProblem = (emerge: string): Problem | undefined => findProgramProblem(emerge, 'emerge');
const findPortageqProblem = (portageq: string): Problem | undefined => findProgramProblem(portageq, 'portageq');

/** The same check as demerge.conf's `emerge` or `portageq`, for DEMERGE_EMERGE and DEMERGE_PORTAGEQ. */
export function checkProgram(name: 'emerge' | 'portageq', program: string, source: string): void {
  const problem = findProgramProblem(program, name);
  if (problem) throw new ConfigError(source, undefined, culprit(name, program, problem.reason), problem.fix);
}

function readOptions(reader: Reader, value: unknown, place: KeyPlace, label: string): HostOption[] {
  const fix = say.fixOptions();
  if (!Array.isArray(value)) reader.fail(place, say.notAnArrayOfStrings(label, describeValue(value)), fix);
  const options: HostOption[] = [];
  for (const item of value) {
    const text = reader.string(item, place, say.eachOf(label), fix);
    const option = parseHostOption(text);
    if (typeof option !== 'string') reader.fail(place, say.optionIn(text, label, option.reason), option.fix);
    options.push(option);
  }
  const problem = findOptionsProblem(options);
  if (problem) reader.fail(place, say.labelled(label, problem.reason), problem.fix);
  return options;
}

function readNode(reader: Reader, value: unknown, index: number): NodeConfig {
  const table = { name: 'node', index };
  const where = say.inNode(index);
  const at = (key: string): KeyPlace => ({ table, key });
  if (!isTable(value)) {
    reader.fail({ table }, ...say.nodeNotATable(index, describeValue(value)));
  }
  reader.unknownKeys(value, NODE_KEYS, { table }, where);
  if (value['host'] === undefined) {
    reader.fail({ table }, ...say.nodeWithoutHost(index));
  }
  const node: NodeConfig = {
    host: reader.named(value['host'], at('host'), `host${where}`, findHostNameProblem, say.fixNodeHost()),
    user: value['user'] === undefined ? NODE_DEFAULTS.user : reader.named(value['user'], at('user'), `user${where}`, findUserNameProblem, say.fixNodeUser()),
    port: value['port'] === undefined ? NODE_DEFAULTS.port : reader.integer(value['port'], at('port'), `port${where}`, RANGES.port, say.fixNodePort()),
    slots:
      value['slots'] === undefined
        ? NODE_DEFAULTS.slots
        : reader.integer(value['slots'], at('slots'), `slots${where}`, RANGES.slots, say.fixNodeSlots(NODE_DEFAULTS.slots)),
    options: value['options'] === undefined ? [] : readOptions(reader, value['options'], at('options'), `options${where}`),
  };
  if (value['command'] !== undefined) {
    node.command = reader.named(value['command'], at('command'), `command${where}`, findCommandProblem, say.fixNodeCommand());
  }
  return node;
}

function readNodes(reader: Reader, value: unknown): NodeConfig[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    reader.fail({ key: 'node' }, ...say.nodesNotAList(describeValue(value)));
  }
  const nodes: NodeConfig[] = [];
  const seen = new Map<string, number>();
  value.forEach((item, index) => {
    const node = readNode(reader, item, index);
    // Host names are case-insensitive; the same node twice would get double the jobs.
    const id = `${node.host.toLowerCase()}:${node.port}`;
    const first = seen.get(id);
    if (first !== undefined) {
      reader.fail({ table: { name: 'node', index }, key: 'host' }, ...say.nodeRepeated(index, node.host, node.port, first));
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
    config.localSlots = reader.integer(v('local_slots'), at('local_slots'), 'local_slots', RANGES.localSlots, say.fixLocalSlots());
  }
  if (v('connect_timeout') !== undefined) {
    config.connectTimeout = reader.integer(v('connect_timeout'), at('connect_timeout'), 'connect_timeout', RANGES.connectTimeout, say.fixConnectTimeout());
  }
  if (v('entrance_port') !== undefined) {
    config.entrancePort = reader.integer(v('entrance_port'), at('entrance_port'), 'entrance_port', RANGES.entrancePort, say.fixEntrancePort());
  }
  if (v('emerge') !== undefined) {
    config.emerge = reader.named(v('emerge'), at('emerge'), 'emerge', findEmergeProblem, say.fixEmerge());
  }
  if (v('portageq') !== undefined) {
    config.portageq = reader.named(v('portageq'), at('portageq'), 'portageq', findPortageqProblem, say.fixPortageq());
  }
  if (v('resolve_native') !== undefined) {
    const value = v('resolve_native');
    if (typeof value !== 'boolean') {
      reader.fail(at('resolve_native'), ...say.resolveNativeNotBoolean(describeValue(value)));
    }
    config.resolveNative = value;
  }
  if (v('load_limit') !== undefined) {
    const limit = v('load_limit');
    const { min, max } = RANGES.loadLimit;
    if (typeof limit !== 'number' || !(limit >= min && limit <= max)) {
      reader.fail(at('load_limit'), ...say.loadLimitNotNumber(min, max, describeValue(limit)));
    }
    config.loadLimit = limit;
  }
  if (v('build_user') !== undefined) {
    config.buildUser = reader.named(v('build_user'), at('build_user'), 'build_user', findUserNameProblem, say.fixBuildUser());
  }
  if (v('transport') !== undefined) {
    const fix = say.fixTransport();
    const transport = reader.string(v('transport'), at('transport'), 'transport', fix);
    const known = TRANSPORTS.find((name) => name === transport);
    if (known === undefined) {
      const guess = suggest(transport, TRANSPORTS);
      reader.fail(at('transport'), say.transportUnknown(transport), guess === undefined ? fix : say.didYouMeanTransport(guess));
    }
    config.transport = known;
  }
  config.nodes = readNodes(reader, v('node'));
  return config;
}
