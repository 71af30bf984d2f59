// The last lines a child wrote to stderr, kept small: a failing ssh or distccd says why in its
// last line, and nothing a node sends may grow demerge's memory without bound.

export class OutputTail {
  private text = '';

  constructor(private readonly maxChars = 2048) {}

  push(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.maxChars);
  }

  clear(): void {
    this.text = '';
  }

  /** The last non-empty line, without ssh's "\r" noise. */
  lastLine(): string | undefined {
    const lines = this.text
      .split(/\r?\n/)
      .map((line) => line.replace(/\r/g, '').trim())
      .filter((line) => line !== '');
    return lines.at(-1);
  }
}

/** Splits a byte stream into lines, for reading the node's "ready PORT". */
export class LineReader {
  private pending = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLine = 1024,
  ) {}

  push(chunk: Buffer | string): void {
    this.pending += chunk.toString();
    let end = this.pending.indexOf('\n');
    while (end !== -1) {
      this.onLine(this.pending.slice(0, end));
      this.pending = this.pending.slice(end + 1);
      end = this.pending.indexOf('\n');
    }
    if (this.pending.length > this.maxLine) this.pending = this.pending.slice(-this.maxLine);
  }

  /** Hands on an unfinished last line: the stream ended. */
  flush(): void {
    if (this.pending === '') return;
    const line = this.pending;
    this.pending = '';
    this.onLine(line);
  }
}
