import { HostSpecError } from '../errors.js';
import * as say from '../messages/hosts.js';
import { parseLimit } from './numbers.js';
import { parseHostSpec } from './parse-host-spec.js';
import type { GlobalOption, HostList } from './types.js';

// Same word rules as distcc's scanner (hosts.c:508-530), for DISTCC_HOSTS and hosts
// files alike: "#" starts a comment wherever it appears, even inside a word, and runs to
// the next "\n" or "\r"; words end at space, tab, "\n", "\f" or "\r". A vertical tab
// between words is skipped but does not end a word, so "a\vb" stays one (invalid) word.
const WORD_END = ' \t\n\f\r#';
const SPACE = ' \t\n\v\f\r';

function splitHostWords(text: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (SPACE.includes(ch)) {
      i++;
    } else {
      const start = i;
      while (i < text.length && !WORD_END.includes(text[i] as string)) i++;
      words.push(text.slice(start, i));
    }
  }
  return words;
}

// distcc matches globals as prefixes (hosts.c:533-555): "--randomizeX" randomizes, and a
// "--localslots=0" it cannot read falls through to become a TCP host of that name.
// demerge matches whole words and says what is wrong.
function parseGlobal(word: string): GlobalOption {
  if (word === '--randomize') return { kind: 'randomize' };
  const match = /^--(localslots|localslots_cpp)=(.*)$/s.exec(word);
  if (!match) {
    throw new HostSpecError(word, ...say.unknownGlobalOption(word));
  }
  const kind = match[1] === 'localslots' ? 'localslots' : 'localslots_cpp';
  const value = parseLimit(match[2] ?? '');
  if (typeof value !== 'number') {
    throw new HostSpecError(word, say.badGlobalOption(word, value.reason), value.fix);
  }
  return { kind, value };
}

/**
 * Parses a DISTCC_HOSTS value or a distcc hosts file. An empty list is not an error
 * here (distcc refuses it); the caller knows whether it needs hosts.
 */
export function parseHostList(text: string): HostList {
  return {
    entries: splitHostWords(text).map((word) => (word.startsWith('--') ? parseGlobal(word) : parseHostSpec(word))),
  };
}
