import { isTomlDate } from './parse-toml.js';
import * as say from '../messages/config.js';

function shapeOf(value: unknown): say.ValueShape {
  if (typeof value === 'string') return { kind: 'string', text: value };
  if (typeof value === 'number') return { kind: 'number', value };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  if (Array.isArray(value)) return { kind: 'array' };
  if (isTomlDate(value)) return { kind: 'date' };
  return { kind: 'table' };
}

// How a TOML value that has the wrong type or range reads in an error line.
export function describeValue(value: unknown): string {
  return say.describeValue(shapeOf(value));
}

export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isTomlDate(value);
}
