import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { endWhenIdle } from '../../src/system/end-when-idle.js';

describe('endWhenIdle', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('after the grace period names what is still open and exits with the status it was given', () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const exit = vi.fn();
    endWhenIdle(3, { write: (line) => lines.push(line), exit, openResources: () => ['PipeWrap', 'TCPSocketWrap'] }, 5000);
    vi.advanceTimersByTime(4999);
    expect(exit).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(exit).toHaveBeenCalledWith(3);
    expect(lines).toEqual([
      'demerge: internal error: still running 5 s after its work ended (open: PipeWrap, TCPSocketWrap); ending now with the status it has (please report it with the command line you used)\n',
    ]);
  });

  it('keeps nothing alive itself', () => {
    const timer = endWhenIdle(0, { write: () => undefined, exit: () => undefined, openResources: () => [] }, 60_000);
    expect(timer.hasRef()).toBe(false);
    clearTimeout(timer);
  });

  // As src/index.ts uses it: a server left listening (a bug) is what it names.
  it("names a forgotten server from Node's own list of what is open", async () => {
    const server = createServer().listen(0, '127.0.0.1');
    const lines: string[] = [];
    const exited = new Promise<number>((resolve) => {
      endWhenIdle(0, { write: (line) => lines.push(line), exit: resolve, openResources: () => process.getActiveResourcesInfo() }, 50);
    });
    try {
      expect(await exited).toBe(0);
      expect(lines[0]).toContain('TCPServerWrap');
    } finally {
      server.close();
    }
  });
});
