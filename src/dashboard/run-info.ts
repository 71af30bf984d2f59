import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// What a running build tells a dashboard started from another terminal (`demerge
// --dashboard`): a small JSON file in its run directory. Everything the collectors need is
// here, so the viewer reads no configuration and never touches the build.

const RUN_INFO_FILE = 'run.json';

interface RunNode {
  host: string;
  port: number;
  user: string;
  slots: number;
}

/** A log the dashboard tails, from `offset` (its size when the run started). */
interface TailedFile {
  path: string;
  offset: number;
}

export interface RunInfo {
  version: 1;
  /** demerge's pid: the run is live while it is. */
  pid: number;
  /** Epoch milliseconds. */
  startedAt: number;
  nodes: RunNode[];
  localSlots: number;
  distccDir: string;
  distccLog?: TailedFile;
  /** The directory of the per-package DISTCC_LOGs (run-env/package-logs.ts), each read from its start. */
  packageLogs?: { dir: string };
  /** The run's node-events file (parse/node-events.ts), with the tunnel transport. */
  nodeEvents?: TailedFile;
  emergeLog: TailedFile;
  ssh: { key: string; knownHosts: string; connectTimeoutSeconds: number };
  sampleIntervalMs: number;
  /** DISTCC_BACKOFF_PERIOD of the run, in milliseconds. */
  backoffPeriodMs: number;
}

export function renderRunInfo(info: RunInfo): string {
  return `${JSON.stringify(info, null, 2)}\n`;
}

/** Written by root into the run directory (0750 root:portage): readable, not changeable, by the build. */
export function writeRunInfo(runDir: string, info: RunInfo): string {
  const path = join(runDir, RUN_INFO_FILE);
  writeFileSync(path, renderRunInfo(info), { mode: 0o640, flag: 'wx' });
  return path;
}

// --- reading: the file is root's, but a viewer still checks every field it relies on -----

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
}

function isPath(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('/') && value.length < 4096 && !value.includes('\0');
}

function tailed(value: unknown): TailedFile | undefined {
  if (!isRecord(value) || !isPath(value.path) || !isCount(value.offset)) return undefined;
  return { path: value.path, offset: value.offset };
}

function node(value: unknown): RunNode | undefined {
  if (!isRecord(value)) return undefined;
  const { host, port, user, slots } = value;
  if (typeof host !== 'string' || host === '' || host.length > 255 || /[\s\0]/.test(host)) return undefined;
  if (typeof user !== 'string' || user === '' || user.length > 64 || /[\s\0]/.test(user)) return undefined;
  if (!isCount(port, 65535) || port === 0 || !isCount(slots, 10_000)) return undefined;
  return { host, port, user, slots };
}

export function parseRunInfo(text: string): RunInfo | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(data) || data.version !== 1) return undefined;
  const { pid, startedAt, localSlots, distccDir, ssh, sampleIntervalMs, backoffPeriodMs } = data;
  if (!isCount(pid) || pid === 0 || !isCount(startedAt) || !isCount(localSlots, 10_000) || !isPath(distccDir)) return undefined;
  if (!isCount(sampleIntervalMs) || sampleIntervalMs < 100 || !isCount(backoffPeriodMs)) return undefined;
  if (!Array.isArray(data.nodes) || data.nodes.length > 1024) return undefined;
  const nodes = data.nodes.map(node);
  if (nodes.some((n) => n === undefined)) return undefined;
  const emergeLog = tailed(data.emergeLog);
  if (emergeLog === undefined) return undefined;
  if (!isRecord(ssh) || !isPath(ssh.key) || !isPath(ssh.knownHosts) || !isCount(ssh.connectTimeoutSeconds, 300)) return undefined;
  const info: RunInfo = {
    version: 1,
    pid,
    startedAt,
    nodes: nodes as RunNode[],
    localSlots,
    distccDir,
    emergeLog,
    ssh: { key: ssh.key, knownHosts: ssh.knownHosts, connectTimeoutSeconds: ssh.connectTimeoutSeconds },
    sampleIntervalMs,
    backoffPeriodMs,
  };
  if (data.distccLog !== undefined) {
    const log = tailed(data.distccLog);
    if (log === undefined) return undefined;
    info.distccLog = log;
  }
  if (data.packageLogs !== undefined) {
    if (!isRecord(data.packageLogs) || !isPath(data.packageLogs.dir)) return undefined;
    info.packageLogs = { dir: data.packageLogs.dir };
  }
  if (data.nodeEvents !== undefined) {
    const events = tailed(data.nodeEvents);
    if (events === undefined) return undefined;
    info.nodeEvents = events;
  }
  return info;
}

export interface FoundRun {
  dir: string;
  info: RunInfo;
}

/** Runs under `base` whose demerge is still alive, newest first. */
export function findRuns(base: string, io: { readFile(path: string): string | undefined; isAlive(pid: number): boolean }): FoundRun[] {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return [];
  }
  const runs: FoundRun[] = [];
  for (const name of names) {
    const match = /^(\d+)-[A-Za-z0-9]+$/.exec(name);
    if (!match) continue;
    const dir = join(base, name);
    let text: string | undefined;
    try {
      text = io.readFile(join(dir, RUN_INFO_FILE));
    } catch {
      continue;
    }
    const info = text === undefined ? undefined : parseRunInfo(text);
    // The directory's name and the file must agree on whose run it is.
    if (info === undefined || info.pid !== Number(match[1]) || !io.isAlive(info.pid)) continue;
    runs.push({ dir, info });
  }
  return runs.sort((a, b) => b.info.startedAt - a.info.startedAt);
}

/** The run of demerge `pid`, or the newest one. */
export function pickRun(runs: readonly FoundRun[], pid?: number): FoundRun | undefined {
  return pid === undefined ? runs[0] : runs.find((run) => run.info.pid === pid);
}
