import { padLeft, padRight, seg, type Line, type Style } from './text.js';

// A table whose columns drop out, least important first, when the terminal is narrow; one
// column (flex) takes the width that is left.

export interface Column<Row> {
  title: string;
  width: number;
  align: 'left' | 'right';
  /** Lower goes first when space runs out; the flex column never goes. */
  priority: number;
  flex?: boolean;
  minWidth?: number;
  cell(row: Row): string;
  style?(row: Row): Style | undefined;
}

export function layoutColumns<Row>(columns: readonly Column<Row>[], width: number): Column<Row>[] {
  let kept = [...columns];
  const need = (cols: readonly Column<Row>[]): number => cols.reduce((sum, c) => sum + (c.flex ? (c.minWidth ?? 8) : c.width), 0) + cols.length;
  while (need(kept) > width) {
    const candidates = kept.filter((c) => !c.flex);
    if (candidates.length === 0) break;
    const drop = candidates.reduce((low, c) => (c.priority < low.priority ? c : low));
    kept = kept.filter((c) => c !== drop);
  }
  const fixed = kept.reduce((sum, c) => sum + (c.flex ? 0 : c.width), 0) + kept.length;
  return kept.map((c) => (c.flex ? { ...c, width: Math.max(c.minWidth ?? 8, width - fixed) } : c));
}

function cellText<Row>(column: Column<Row>, text: string): string {
  return column.align === 'left' ? padRight(text, column.width) : padLeft(text, column.width);
}

export function headerLine<Row>(columns: readonly Column<Row>[], lead = ' '): Line {
  return [seg(lead + columns.map((c) => cellText(c, c.title)).join(' '), 'bold')];
}

export function rowLine<Row>(columns: readonly Column<Row>[], row: Row, lead = ' ', rowStyle?: Style): Line {
  const line: Line = [seg(lead, rowStyle)];
  columns.forEach((column, i) => {
    if (i > 0) line.push(seg(' ', rowStyle));
    line.push(seg(cellText(column, column.cell(row)), rowStyle ?? column.style?.(row)));
  });
  return line;
}
