// Turns the chunks a tail reads (emerge.log, DISTCC_LOG) into whole lines. Works on bytes
// so that a UTF-8 character split across two reads is decoded whole. A line longer than
// the cap is dropped, not buffered: a writer that never sends '\n' must not grow memory.

const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

const NEWLINE = 0x0a;
const CR = 0x0d;

export class LineSplitter {
  private parts: Buffer[] = [];
  private pendingBytes = 0;
  // True while skipping the rest of an over-long line, up to its newline.
  private discarding = false;
  /** Lines dropped for being longer than the cap. */
  droppedLines = 0;

  constructor(private readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES) {}

  /** Complete lines in this chunk (and any partial line before it), without "\n" or "\r\n". */
  push(chunk: Buffer | string): string[] {
    const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const lines: string[] = [];
    let start = 0;
    while (start <= data.length) {
      const nl = data.indexOf(NEWLINE, start);
      const end = nl === -1 ? data.length : nl;
      this.append(data.subarray(start, end));
      if (nl === -1) break;
      const line = this.take();
      if (line !== undefined) lines.push(line);
      start = nl + 1;
    }
    return lines;
  }

  /** The unterminated last line, if any (for when the file is known to be complete). */
  flush(): string[] {
    if (this.pendingBytes === 0 && !this.discarding) return [];
    const line = this.take();
    return line === undefined ? [] : [line];
  }

  private append(piece: Buffer): void {
    if (piece.length === 0 || this.discarding) return;
    if (this.pendingBytes + piece.length > this.maxLineBytes) {
      this.parts = [];
      this.pendingBytes = 0;
      this.discarding = true;
      this.droppedLines++;
      return;
    }
    // Copy: the caller may reuse its read buffer.
    this.parts.push(Buffer.from(piece));
    this.pendingBytes += piece.length;
  }

  private take(): string | undefined {
    if (this.discarding) {
      this.discarding = false;
      return undefined;
    }
    let bytes = Buffer.concat(this.parts, this.pendingBytes);
    this.parts = [];
    this.pendingBytes = 0;
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, -1);
    return bytes.toString('utf8');
  }
}
