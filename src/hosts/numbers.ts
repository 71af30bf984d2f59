import * as say from '../messages/hosts.js';
import { MAX_PORT, MAX_SLOTS, MIN_PORT, MIN_SLOTS } from './limits.js';
import type { Problem } from './problem.js';

// distcc reads numbers with atoi/strtol, which accept signs and stop at the first
// non-digit ("4x" is 4); demerge wants plain decimal digits and nothing after them.
function parseBounded(text: string, min: number, max: number, problem: (whole: boolean) => Problem): number | Problem {
  if (!/^[0-9]+$/.test(text)) return problem(false);
  const value = Number(text);
  if (value < min || value > max) return problem(true);
  return value;
}

export function parseLimit(text: string): number | Problem {
  return parseBounded(text, MIN_SLOTS, MAX_SLOTS, (whole) => say.badJobLimit(text, whole, MIN_SLOTS, MAX_SLOTS));
}

export function parsePort(text: string): number | Problem {
  return parseBounded(text, MIN_PORT, MAX_PORT, (whole) => say.badPort(text, whole, MIN_PORT, MAX_PORT));
}

export function isInRange(value: number, min: number, max: number): boolean {
  return Number.isSafeInteger(value) && value >= min && value <= max;
}
