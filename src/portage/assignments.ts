// The words of VAR="value" assignments in Portage's key=value files (make.conf, package.env's
// env files), found where Portage's getconfig() would find them: a shlex lexer with `#`
// comments, "..." and '...' quotes that may span lines, `export` and `source` statements
// (lib/portage/util/__init__.py, getconfig). Offsets let a caller rewrite a word in place.

export type QuoteKind = '"' | "'" | '';

export interface ValueWord {
  /** The assigned variable, e.g. COMMON_FLAGS. */
  variable: string;
  text: string;
  /** Offsets in the file's text, end exclusive. */
  start: number;
  end: number;
  line: number;
  quote: QuoteKind;
  /** A bare word that is the whole value (VAR=-march=native). */
  wholeBareValue: boolean;
}

export interface SourceStatement {
  path: string;
  line: number;
}

export interface LexedConfig {
  words: ValueWord[];
  sources: SourceStatement[];
}

const SPACE = /[ \t\r\n]/;

export function lexAssignments(text: string): LexedConfig {
  const words: ValueWord[] = [];
  const sources: SourceStatement[] = [];
  const lineStarts = [0];
  for (let k = 0; k < text.length; k++) if (text[k] === '\n') lineStarts.push(k + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };

  let i = 0;
  let pendingSource = false;
  while (i < text.length) {
    const ch = text[i] as string;
    if (SPACE.test(ch)) {
      i++;
      continue;
    }
    if (ch === '#') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl + 1;
      continue;
    }
    // One shlex token: bare characters and quoted parts, up to unquoted whitespace.
    const tokenStart = i;
    const segments: Array<{ quote: QuoteKind; start: number; end: number }> = [];
    while (i < text.length && !SPACE.test(text[i] as string)) {
      const c = text[i] as string;
      if (c === '"' || c === "'") {
        const close = text.indexOf(c, i + 1);
        const end = close === -1 ? text.length : close;
        segments.push({ quote: c, start: i + 1, end });
        i = close === -1 ? text.length : close + 1;
      } else {
        const start = i;
        while (i < text.length && !SPACE.test(text[i] as string) && text[i] !== '"' && text[i] !== "'") i++;
        segments.push({ quote: '', start, end: i });
      }
    }
    const raw = text.slice(tokenStart, i);
    if (pendingSource) {
      sources.push({ path: segments.map((s) => text.slice(s.start, s.end)).join(''), line: lineOf(tokenStart) });
      pendingSource = false;
      continue;
    }
    if (raw === 'export') continue;
    if (raw === 'source' || raw === '.') {
      pendingSource = true;
      continue;
    }
    const eq = raw.indexOf('=');
    const first = segments[0];
    if (eq <= 0 || first === undefined || first.quote !== '' || first.start + eq >= first.end) continue;
    const variable = raw.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) continue;
    // The value: the rest of the first bare segment, then the other segments.
    const valueSegments = [{ quote: '' as QuoteKind, start: first.start + eq + 1, end: first.end }, ...segments.slice(1)].filter((s) => s.end > s.start);
    const single = valueSegments.length === 1;
    for (const segment of valueSegments) {
      if (segment.quote === '') {
        words.push({
          variable,
          text: text.slice(segment.start, segment.end),
          start: segment.start,
          end: segment.end,
          line: lineOf(segment.start),
          quote: '',
          wholeBareValue: single,
        });
        continue;
      }
      let k = segment.start;
      while (k < segment.end) {
        while (k < segment.end && SPACE.test(text[k] as string)) k++;
        const start = k;
        while (k < segment.end && !SPACE.test(text[k] as string)) k++;
        if (k > start) {
          words.push({ variable, text: text.slice(start, k), start, end: k, line: lineOf(start), quote: segment.quote, wholeBareValue: false });
        }
      }
    }
  }
  return { words, sources };
}

/**
 * The text with some words replaced. A replacement is a list of words; inside quotes they
 * are joined with spaces, and a bare whole value becomes a double-quoted one. Replacements
 * must be plain flags (checked by the caller): no quotes, `$` or backslashes.
 */
export function replaceWords(text: string, changes: ReadonlyArray<{ word: ValueWord; replacement: readonly string[] }>): string {
  const sorted = [...changes].sort((a, b) => a.word.start - b.word.start);
  let out = '';
  let at = 0;
  for (const { word, replacement } of sorted) {
    out += text.slice(at, word.start);
    const joined = replacement.join(' ');
    out += word.quote === '' ? `"${joined}"` : joined;
    at = word.end;
  }
  return out + text.slice(at);
}

/** Whether a word can be rewritten in place without changing how the rest of the value reads. */
export function canReplace(word: ValueWord): boolean {
  return word.quote !== '' || word.wholeBareValue;
}
