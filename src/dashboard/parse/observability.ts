// Portage's live status file (FEATURES=observability, Portage >= 3.0.82):
// /run/portage/emerge-<pid>.json, written atomically by lib/_emerge/_observability.py
// (build_snapshot). Objects carry a "type"; only "snapshot" (schema 1) is read, and unknown
// fields are ignored, as that module asks of its consumers. Every string is sanitized.

import { sanitizeTerminalText } from '../sanitize.js';

export const OBSERVABILITY_DIR = '/run/portage';
// Portage's own files are a few KiB; a bigger one is not worth parsing.
export const MAX_OBSERVABILITY_BYTES = 1024 * 1024;
const MAX_TASKS = 256;
const MAX_CPV = 256;
const MAX_PHASE = 32;

interface PortageTask {
  cpv: string;
  /** "build" or "merge". */
  kind: string;
  /** Ebuild phase ("compile", ...), "merge-wait", or absent before the first phase. */
  phase?: string;
  elapsedSeconds?: number;
}

export interface PortageSnapshot {
  emergePid: number;
  /** When Portage wrote it, epoch milliseconds. */
  writtenAt: number;
  running: number;
  completed: number;
  total: number;
  failed: number;
  tasks: PortageTask[];
}

const NAME = /^emerge-([0-9]{1,10})\.json$/;

/** The pid in an `emerge-<pid>.json` name, or undefined. */
export function pidFromObservabilityName(name: string): number | undefined {
  const match = NAME.exec(name);
  if (!match) return undefined;
  const pid = Number(match[1]);
  return pid > 0 ? pid : undefined;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 1e9 ? value : 0;
}

function seconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 1e9 ? value : undefined;
}

function text(value: unknown, max: number): string | undefined {
  return typeof value === 'string' ? sanitizeTerminalText(value, max) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function task(value: unknown): PortageTask | undefined {
  if (!isRecord(value)) return undefined;
  const cpv = text(value.cpv, MAX_CPV);
  if (cpv === undefined || cpv === '') return undefined;
  const result: PortageTask = { cpv, kind: text(value.kind, MAX_PHASE) ?? 'build' };
  const phase = text(value.phase, MAX_PHASE);
  if (phase !== undefined && phase !== '') result.phase = phase;
  const elapsed = seconds(value.elapsed);
  if (elapsed !== undefined) result.elapsedSeconds = elapsed;
  return result;
}

/** One status file's text; undefined for anything that is not a schema-1 snapshot. */
export function parseObservability(json: string): PortageSnapshot | undefined {
  if (json.length > MAX_OBSERVABILITY_BYTES) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isRecord(data) || data.type !== 'snapshot' || data.schema !== 1) return undefined;
  const pid = count(data.emerge_pid);
  if (pid === 0) return undefined;
  const jobs = isRecord(data.jobs) ? data.jobs : {};
  const tasks = Array.isArray(data.tasks)
    ? data.tasks
        .slice(0, MAX_TASKS)
        .map(task)
        .filter((t): t is PortageTask => t !== undefined)
    : [];
  return {
    emergePid: pid,
    writtenAt: typeof data.timestamp === 'number' && data.timestamp > 0 && data.timestamp < 1e11 ? data.timestamp * 1000 : 0,
    running: count(jobs.running),
    completed: count(jobs.completed),
    total: count(jobs.total),
    failed: count(jobs.failed),
    tasks,
  };
}
