import { quote } from '../errors.js';
import { MAX_PORT, MAX_SLOTS, MIN_PORT, MIN_SLOTS } from './limits.js';
import type { Problem } from './problem.js';

// distcc reads numbers with atoi/strtol, which accept signs and stop at the first
// non-digit ("4x" is 4); demerge wants plain decimal digits and nothing after them.
function parseBounded(text: string, what: string, min: number, max: number, fix: string): number | Problem {
  if (!/^[0-9]+$/.test(text)) return { reason: `has ${what} ${quote(text)}, which is not a whole number`, fix };
  const value = Number(text);
  if (value < min || value > max) {
    return { reason: `has ${what} ${quote(text)}, outside ${min}..${max}`, fix };
  }
  return value;
}

export function parseLimit(text: string): number | Problem {
  return parseBounded(text, 'job limit', MIN_SLOTS, MAX_SLOTS,
    `give the number of jobs at once, from ${MIN_SLOTS} to ${MAX_SLOTS}`);
}

export function parsePort(text: string): number | Problem {
  return parseBounded(text, 'port', MIN_PORT, MAX_PORT, `give a TCP port from ${MIN_PORT} to ${MAX_PORT}`);
}

export function isInRange(value: number, min: number, max: number): boolean {
  return Number.isSafeInteger(value) && value >= min && value <= max;
}
