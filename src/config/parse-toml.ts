import { parse, TomlError } from 'smol-toml';
import { ConfigError, printable } from '../errors.js';

const FIX = 'correct the TOML at that line: strings in "double quotes", one key = value per line, [[node]] before each node';

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
      throw new ConfigError(file, error.line, `invalid TOML: ${printable(firstLine(error.message))}`, FIX);
    }
    const detail = error instanceof Error ? error.message : String(error);
    throw new ConfigError(file, undefined, `could not be read as TOML: ${printable(firstLine(detail))}`, FIX);
  }
}
