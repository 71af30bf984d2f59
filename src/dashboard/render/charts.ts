// Small charts drawn with characters: one column per sample, newest on the right. Unicode
// block elements where the terminal and locale take UTF-8, plain ASCII elsewhere; which one
// is decided once, by chooseCharset, and handed down as a Glyphs.

export type Charset = 'unicode' | 'ascii';

export interface Glyphs {
  /** From empty to full: index 0 is an empty cell. */
  levels: readonly string[];
  /** A sample that is missing (the node did not answer). */
  missing: string;
}

const GLYPHS: Record<Charset, Glyphs> = {
  unicode: { levels: [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'], missing: '×' },
  ascii: { levels: [' ', '.', ':', '-', '=', '+', '*', '#'], missing: 'x' },
};

export function glyphsFor(charset: Charset): Glyphs {
  return GLYPHS[charset];
}

/** Whether the locale's character type is UTF-8: the first of LC_ALL, LC_CTYPE, LANG that is set (POSIX's order). */
export function localeIsUtf8(env: Readonly<Record<string, string | undefined>>): boolean {
  const locale = [env.LC_ALL, env.LC_CTYPE, env.LANG].find((value) => value !== undefined && value !== '');
  return locale !== undefined && /utf-?8/i.test(locale);
}

/**
 * The one decision: block characters only when the locale is UTF-8 and the terminal takes it
 * (blessed's own verdict from terminfo and the environment, when there is a terminal); else
 * ASCII. blessed itself turns characters beyond ASCII into "?" on a terminal it thinks has no
 * UTF-8, so both must agree.
 */
export function chooseCharset(env: Readonly<Record<string, string | undefined>>, terminalUnicode: boolean | undefined): Charset {
  return localeIsUtf8(env) && terminalUnicode !== false ? 'unicode' : 'ascii';
}

/** The cell for `value` out of `max`; any non-zero value shows at least the lowest mark. */
function level(value: number, max: number, glyphs: Glyphs): string {
  const top = glyphs.levels.length - 1;
  if (!(value > 0) || !(max > 0)) return glyphs.levels[0] as string;
  const index = Math.max(1, Math.min(top, Math.round((value / max) * top)));
  return glyphs.levels[index] as string;
}

/**
 * One row, `width` cells: the last `width` values, right-aligned (newest at the right edge),
 * undefined drawn as missing, values scaled to `max`.
 */
export function stripText(values: readonly (number | undefined)[], max: number, width: number, glyphs: Glyphs): string {
  if (width <= 0) return '';
  const shown = values.slice(Math.max(0, values.length - width));
  const cells = shown.map((v) => (v === undefined ? glyphs.missing : level(v, max, glyphs)));
  return (glyphs.levels[0] as string).repeat(width - cells.length) + cells.join('');
}

/**
 * `height` rows of `width` cells, top row first: each value a bar of height × (levels - 1)
 * steps. A missing value is marked on the bottom row.
 */
export function chartRows(values: readonly (number | undefined)[], max: number, width: number, height: number, glyphs: Glyphs): string[] {
  if (height <= 1) return [stripText(values, max, width, glyphs)];
  const top = glyphs.levels.length - 1;
  const shown = values.slice(Math.max(0, values.length - width));
  const pad = width - shown.length;
  const rows: string[] = [];
  for (let r = height - 1; r >= 0; r--) {
    let row = (glyphs.levels[0] as string).repeat(Math.max(0, pad));
    for (const v of shown) {
      if (v === undefined) {
        row += r === 0 ? glyphs.missing : (glyphs.levels[0] as string);
        continue;
      }
      const steps = v > 0 && max > 0 ? Math.max(1, Math.round((Math.min(v, max) / max) * height * top)) : 0;
      row += glyphs.levels[Math.max(0, Math.min(top, steps - r * top))] as string;
    }
    rows.push(row);
  }
  return rows;
}
