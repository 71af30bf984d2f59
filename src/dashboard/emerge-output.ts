import { sanitizeTerminalText } from './sanitize.js';

// emerge's own output while the dashboard has the screen: kept (the newest part, bounded) to
// be written to the terminal's normal screen when the user looks at it or the build ends,
// and its last line, cleaned, for the dashboard's footer.

const DEFAULT_OUTPUT_KEEP = 2 * 1024 * 1024;

export class OutputBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Bytes dropped (oldest first) since the last take(). */
  dropped = 0;

  constructor(private readonly keep: number = DEFAULT_OUTPUT_KEEP) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.keep && this.chunks.length > 0) {
      const first = this.chunks[0] as Buffer;
      const excess = this.size - this.keep;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
        this.dropped += first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
        this.dropped += excess;
      }
    }
  }

  /** Everything kept, oldest first, and how much was dropped before it; empties the buffer. */
  take(): { data: Buffer; dropped: number } {
    const result = { data: Buffer.concat(this.chunks, this.size), dropped: this.dropped };
    this.chunks = [];
    this.size = 0;
    this.dropped = 0;
    return result;
  }
}

const MAX_PARTIAL = 4096;
const MAX_LINE = 300;

/** The last non-blank line of a terminal stream, with escape sequences and controls removed. */
export class LastLine {
  private partial = '';
  private last = '';

  push(chunk: Buffer | string): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    const parts = text.split(/[\r\n]/);
    this.partial = (parts.pop() ?? '').slice(-MAX_PARTIAL);
    for (let i = parts.length - 1; i >= 0; i--) {
      const clean = sanitizeTerminalText(parts[i] as string, MAX_LINE).trim();
      if (clean !== '') {
        this.last = clean;
        break;
      }
    }
  }

  get line(): string {
    const pending = sanitizeTerminalText(this.partial, MAX_LINE).trim();
    return pending !== '' ? pending : this.last;
  }
}
