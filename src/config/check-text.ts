import { ConfigError } from '../errors.js';
import * as say from '../messages/config.js';
import { MAX_CONFIG_BYTES } from './defaults.js';

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

// A decoder turns invalid UTF-8 into U+FFFD; lone surrogates come from other decoders.
const NOT_UTF8 = /\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Refuses text no config or hosts file should contain, before any parser sees it. */
export function checkConfigText(text: string, file: string): void {
  // UTF-16 units never outnumber UTF-8 bytes, so the cheap length test settles huge input.
  const bytes = text.length > MAX_CONFIG_BYTES ? text.length : Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_CONFIG_BYTES) {
    throw new ConfigError(file, undefined, ...say.configTooBig(bytes, MAX_CONFIG_BYTES));
  }
  const nul = text.indexOf('\0');
  if (nul !== -1) {
    throw new ConfigError(file, lineAt(text, nul), ...say.configHasNul());
  }
  const bad = NOT_UTF8.exec(text);
  if (bad) {
    throw new ConfigError(file, lineAt(text, bad.index), ...say.configNotUtf8());
  }
}
