import { parse, TomlDate, TomlError } from 'smol-toml';
import { ConfigError } from '../errors.js';
import * as say from '../messages/config.js';

// smol-toml's messages continue with a multi-line code frame; keep the first line only.
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/^Invalid TOML document:\s*/, '');
}

export function parseToml(text: string, file: string): Record<string, unknown> {
  try {
    // demerge.conf nests two levels; a low depth limit keeps hostile input cheap.
    return parse(text, { maxDepth: 16 });
  } catch (error) {
    if (error instanceof TomlError) {
      throw new ConfigError(file, error.line, ...say.tomlInvalid(firstLine(error.message)));
    }
    const detail = error instanceof Error ? error.message : String(error);
    throw new ConfigError(file, undefined, ...say.tomlUnreadable(firstLine(detail)));
  }
}

/** TOML's date and time values, which no demerge.conf key takes. */
export function isTomlDate(value: unknown): boolean {
  return value instanceof TomlDate;
}
