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

/**
 * The frame in blessed's tag markup. Every piece of text goes through the sanitizer once
 * more on its way out: blessed would obey escape sequences inside content.
 */
export function toTagged(lines: readonly Line[]): string {
  return lines
    .map((line) =>
      line
        .map((segment) => {
          const text = escapeTags(sanitizeTerminalText(segment.text, segment.text.length));
          if (segment.style === undefined) return text;
          const [open, close] = TAGS[segment.style];
          return `${open}${text}${close}`;
        })
        .join(''),
    )
    .join('\n');
}
