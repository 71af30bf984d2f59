import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseEmergeLogLine, type EmergeLogEvent } from '../../src/dashboard/parse/emerge-log.js';
import { createDashboardState, withEmergeLogEvents } from '../../src/dashboard/state.js';
import { DashboardStore } from '../../src/dashboard/store.js';
import { startEmergeInPty } from '../../src/emerge/launch.js';
import { PtySession, type Terminal } from '../../src/run/dashboard-pty.js';

// The terminal's life under the dashboard, with a shell script in emerge's place and an
// in-memory terminal: relayed until building starts, then the dashboard, then emerge's
// output back on the normal screen when it ends.

const PYTHON = '/usr/bin/python3';

function terminal(): { term: Terminal; written(): string; type(text: string): void } {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    isRaw: false,
    setRawMode(mode: boolean) {
      input.isRaw = mode;
      return input;
    },
  });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 80, rows: 24 });
  let bytes = '';
  output.on('data', (chunk: Buffer) => {
    bytes += chunk.toString('utf8');
  });
  return { term: { input, output } as unknown as Terminal, written: () => bytes, type: (text) => input.write(text) };
}

const started = parseEmergeLogLine('1795700000:  >>> emerge (1 of 1) dev-util/hello-1.0 to /') as EmergeLogEvent;
const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await wait(25);
  expect(condition()).toBe(true);
}

describe.skipIf(!existsSync(PYTHON))('PtySession', () => {
  it('relays the question, shows the dashboard while building, then gives emerge its screen back', async () => {
    const { term, written, type } = terminal();
    const store = new DashboardStore(createDashboardState({ startedAt: Date.now(), nodes: [{ name: 'node1', slots: 2 }] }));
    const script = 'printf "\\033[32mWould you like to merge?\\033[0m "; read a; echo "answer=$a"; sleep 0.5; echo "building quietly"; sleep 0.5; echo done';
    const emerge = startEmergeInPty(PYTHON, '/bin/sh', ['-c', script], { PATH: '/usr/bin:/bin' }, { rows: 24, columns: 80 });
    const session = new PtySession(term, emerge, store);
    session.start();
    await until(() => written().includes('merge?'));
    // Colours pass through untouched while the terminal is emerge's.
    expect(written()).toContain('\x1b[32mWould you like to merge?\x1b[0m');
    expect((term.input as unknown as { isRaw: boolean }).isRaw).toBe(true);
    type('Yes\r');
    await until(() => written().includes('answer=Yes'));
    store.update((s) => withEmergeLogEvents(s, [started]));
    await until(() => written().includes('\x1b[?1049h'));
    const atDashboard = written().length;
    await until(() => written().includes('nodes up'));
    expect(await emerge.outcome).toEqual({ exitCode: 0 });
    await session.end();
    const after = written().slice(atDashboard);
    // emerge's output did not reach the alternate screen (only its last line may show,
    // cleaned, in the footer); it all came after leaving it.
    const leftAt = after.lastIndexOf('\x1b[?1049l');
    expect(leftAt).toBeGreaterThan(-1);
    expect(after.slice(0, leftAt)).not.toContain('building quietly\n');
    expect(after.slice(leftAt)).toContain('building quietly\ndone\n');
    expect((term.input as unknown as { isRaw: boolean }).isRaw).toBe(false);
  });

  it('q then q leaves the dashboard for good and the build goes on', async () => {
    const { term, written, type } = terminal();
    const store = new DashboardStore(withEmergeLogEvents(createDashboardState({ startedAt: Date.now(), nodes: [] }), [started]));
    const emerge = startEmergeInPty(
      PYTHON,
      '/bin/sh',
      ['-c', 'echo first; sleep 0.6; echo second; read x; echo "typed=$x"'],
      { PATH: '/usr/bin:/bin' },
      { rows: 24, columns: 80 },
    );
    const session = new PtySession(term, emerge, store);
    session.start();
    await until(() => written().includes('\x1b[?1049h'));
    type('q');
    await wait(50);
    type('q');
    await until(() => written().includes('\x1b[?1049l'));
    // Back on the normal screen, the keys are emerge's again.
    await until(() => written().includes('second'));
    type('abc\r');
    expect(await emerge.outcome).toEqual({ exitCode: 0 });
    await session.end();
    expect(written()).toContain('typed=abc');
  });

  it('stops the build with s and y, as Ctrl-C would', async () => {
    const { term, written, type } = terminal();
    const store = new DashboardStore(withEmergeLogEvents(createDashboardState({ startedAt: Date.now(), nodes: [] }), [started]));
    const emerge = startEmergeInPty(
      PYTHON,
      '/bin/sh',
      ['-c', 'trap "echo interrupted; exit 130" INT; while :; do sleep 0.05; done'],
      { PATH: '/usr/bin:/bin' },
      { rows: 24, columns: 80 },
    );
    const session = new PtySession(term, emerge, store);
    session.start();
    await until(() => written().includes('\x1b[?1049h'));
    for (const key of ['q', 's', 'y']) {
      type(key);
      await wait(50);
    }
    expect(await emerge.outcome).toEqual({ exitCode: 130 });
    await session.end();
    expect(written()).toContain('interrupted');
  });
});
