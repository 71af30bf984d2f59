// smol-toml returns values without positions, so errors found after parsing get their
// line number from this scan of the text. It understands only what demerge.conf uses
// (top-level keys, [[node]] tables) and skips multi-line strings; when it cannot find
// the key it falls back to the table's header, and then to no line at all.

export interface KeyPlace {
  table?: { name: string; index: number }; // index counts [[name]] headers from 0
  key?: string;
}

const HEADER = /^\s*(\[\[?)\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)/;

function unquote(name: string): string {
  return /^["']/.test(name) ? name.slice(1, -1) : name;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// `key =`, `"key" =`, and dotted `key.sub =` all start the key's line.
function keyLine(key: string): RegExp {
  const k = escapeRegExp(key);
  return new RegExp(`^\\s*(${k}|"${k}"|'${k}')\\s*[=.]`);
}

interface Line {
  number: number;
  text: string;
  header?: { array: boolean; name: string };
}

// Lines outside multi-line strings, each with its header if it is one.
function codeLines(text: string): Line[] {
  const lines: Line[] = [];
  let inString: string | undefined;
  text.split('\n').forEach((raw, i) => {
    const wasInString = inString !== undefined;
    for (const match of raw.matchAll(/"""|'''/g)) {
      if (inString === undefined) inString = match[0];
      else if (inString === match[0]) inString = undefined;
    }
    if (wasInString) return;
    const line: Line = { number: i + 1, text: raw };
    const header = HEADER.exec(raw);
    if (header) line.header = { array: header[1] === '[[', name: unquote(header[2] ?? '') };
    lines.push(line);
  });
  return lines;
}

export function locateKey(text: string, place: KeyPlace): number | undefined {
  const lines = codeLines(text);
  if (place.table === undefined) {
    if (place.key === undefined) return undefined;
    const isKey = keyLine(place.key);
    let inTable = false; // top-level keys end at the first header
    for (const line of lines) {
      if (line.header) {
        if (line.header.name === place.key) return line.number;
        inTable = true;
      } else if (!inTable && isKey.test(line.text)) {
        return line.number;
      }
    }
    return undefined;
  }
  const { name, index } = place.table;
  let seen = -1;
  let headerLine: number | undefined;
  const isKey = place.key === undefined ? undefined : keyLine(place.key);
  for (const line of lines) {
    if (line.header) {
      if (headerLine !== undefined) break;
      if (line.header.array && line.header.name === name && ++seen === index) {
        headerLine = line.number;
        if (place.key === undefined) return headerLine;
      }
    } else if (headerLine !== undefined && isKey?.test(line.text)) {
      return line.number;
    }
  }
  // Nodes written inline (node = [{ host = ... }]) have no header: point at `node =`.
  return headerLine ?? locateKey(text, { key: name });
}
