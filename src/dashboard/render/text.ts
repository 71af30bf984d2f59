import { sanitizeTerminalText } from '../sanitize.js';

// A frame is lines of styled segments. Renderers build frames from sanitized text only; the
// screen turns them into blessed tags (escaping the braces blessed would read as tags), and
// tests and the plain status line read them as plain text. Widths are counted in UTF-16
// units: the text reaching here is sanitized and mostly ASCII (hosts, files, pids).

export type Style = 'bold' | 'dim' | 'good' | 'bad' | 'warn' | 'selected' | 'title';

interface Segment {
  text: string;
  style?: Style;
}

export type Line = Segment[];

export function seg(text: string, style?: Style): Segment {
  return style === undefined ? { text } : { text, style };
}

/** Cut to `width`, marking a cut with "…". */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

export function padRight(text: string, width: number): string {
  return fit(text, width).padEnd(width);
}

export function padLeft(text: string, width: number): string {
  return fit(text, width).padStart(width);
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}

/** Cuts a line to `width` columns, keeping styles. */
export function clipLine(line: Line, width: number): Line {
  const out: Line = [];
  let room = width;
  for (const segment of line) {
    if (room <= 0) break;
    if (segment.text.length <= room) {
      out.push(segment);
      room -= segment.text.length;
    } else {
      out.push({ ...segment, text: fit(segment.text, room) });
      room = 0;
    }
  }
  return out;
}

const TAGS: Record<Style, [string, string]> = {
  bold: ['{bold}', '{/bold}'],
  dim: ['{gray-fg}', '{/gray-fg}'],
  good: ['{green-fg}', '{/green-fg}'],
  bad: ['{red-fg}', '{/red-fg}'],
  warn: ['{yellow-fg}', '{/yellow-fg}'],
  selected: ['{inverse}', '{/inverse}'],
  title: ['{inverse}{bold}', '{/bold}{/inverse}'],
};

/** blessed reads `{...}` as tags: literal braces become {open} and {close}. */
export function escapeTags(text: string): string {
  return text.replace(/[{}]/g, (brace) => (brace === '{' ? '{open}' : '{close}'));
}

// East Asian Wide and Fullwidth code points of the BMP (Unicode's EastAsianWidth W and F,
// merged into ranges): a terminal draws each in two columns, the layout counts one. Astral
// code points are two UTF-16 units already, as wide as most of them are drawn.
const WIDE =
  /[\u1100-\u115f\u231a\u231b\u2329\u232a\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615\u2648-\u2653\u267f\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2\u26f3\u26f5\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6]/g;

/** One column per UTF-16 unit, as the layout counted: a wide character becomes "?". */
export function narrowText(text: string): string {
  return text.replace(WIDE, '?');
}

/**
 * The frame in blessed's tag markup. Every piece of text goes through the sanitizer once
 * more on its way out (blessed would obey escape sequences inside content), and wide
 * characters become "?" so that no line is wider on the terminal than the layout made it.
 */
export function toTagged(lines: readonly Line[]): string {
  return lines
    .map((line) =>
      line
        .map((segment) => {
          const text = escapeTags(narrowText(sanitizeTerminalText(segment.text, segment.text.length)));
          if (segment.style === undefined) return text;
          const [open, close] = TAGS[segment.style];
          return `${open}${text}${close}`;
        })
        .join(''),
    )
    .join('\n');
}
