import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startEmergeInPty, type PtyEmergeProcess } from '../../src/emerge/launch.js';

// The pseudo terminal emerge runs on under the dashboard, with real programs standing in for
// emerge: what they see, what comes back, and that status and signals are untouched.

const PYTHON = '/usr/bin/python3';
const SIZE = { rows: 30, columns: 100 };

function run(script: string, env: Record<string, string> = {}): PtyEmergeProcess & { text(): string; waitFor(s: string): Promise<void> } {
  const child = startEmergeInPty(PYTHON, '/bin/sh', ['-c', script], { PATH: '/usr/bin:/bin', ...env }, SIZE);
  let text = '';
  const waiters: Array<() => void> = [];
  child.output.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const wake of waiters.splice(0)) wake();
  });
  return Object.assign(child, {
    text: () => text,
    waitFor: async (s: string) => {
      while (!text.includes(s)) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  });
}

describe.skipIf(!existsSync(PYTHON))('emerge on its own pseudo terminal', () => {
  it('sees a terminal of the given size on stdin and stdout', async () => {
    const child = run('test -t 0 && test -t 1 && test -t 2 && echo TERMINAL; stty size');
    expect(await child.outcome).toEqual({ exitCode: 0 });
    expect(child.text()).toBe('TERMINAL\n30 100\n');
  });

  it.each([
    ['exit 0', { exitCode: 0 }],
    ['exit 1', { exitCode: 1 }],
    ['exit 130', { exitCode: 130 }],
    ['kill -TERM $$', { signal: 'SIGTERM' }],
    ['kill -INT $$', { signal: 'SIGINT' }],
  ])('passes on `%s` as %j', async (script, outcome) => {
    expect(await run(script).outcome).toEqual(outcome);
  });

  it('returns 127 for a program that does not exist', async () => {
    const child = startEmergeInPty(PYTHON, '/nonexistent/emerge', [], { PATH: '/usr/bin:/bin' }, SIZE);
    child.output.resume();
    expect(await child.outcome).toEqual({ exitCode: 127 });
  });

  it('forwards a signal sent to it, once, and waits for the program', async () => {
    const child = run('trap "echo got INT; exit 7" INT; echo ready; while :; do sleep 0.05; done');
    await child.waitFor('ready');
    expect(child.signal('SIGINT')).toBe(true);
    expect(await child.outcome).toEqual({ exitCode: 7 });
    expect(child.text()).toContain('got INT');
  });

  it('delivers typed answers through the line discipline, Ctrl-C included', async () => {
    const child = run('read answer; echo "answer=$answer"; trap "echo interrupted; exit 130" INT; echo waiting; while :; do sleep 0.05; done');
    child.input.write('No\r');
    await child.waitFor('waiting');
    child.input.write('\x03');
    expect(await child.outcome).toEqual({ exitCode: 130 });
    // The terminal echoes what was typed, as a terminal does.
    expect(child.text()).toMatch(/^No\r?\nanswer=No\nwaiting\n(\^C)?interrupted\n$/);
  });

  it('tells the program when the window changes', async () => {
    const child = run('trap "stty size; exit 0" WINCH; echo ready; while :; do sleep 0.05; done');
    await child.waitFor('ready');
    child.resize(40, 120);
    expect(await child.outcome).toEqual({ exitCode: 0 });
    expect(child.text()).toContain('40 120');
  });

  it('stops and continues the program for Ctrl-Z and fg', async () => {
    const child = run('i=0; while [ $i -lt 20 ]; do echo tick; i=$((i+1)); sleep 0.05; done');
    await child.waitFor('tick');
    await new Promise<void>((resolve) => child.stop(resolve));
    await new Promise((r) => setTimeout(r, 150));
    const frozen = child.text();
    await new Promise((r) => setTimeout(r, 300));
    expect(child.text()).toBe(frozen);
    child.continue();
    expect(await child.outcome).toEqual({ exitCode: 0 });
    expect(child.text().split('tick').length - 1).toBe(20);
  });

  it('passes the environment unchanged', async () => {
    const child = run('echo "$DEMERGE_TEST_VALUE"', { DEMERGE_TEST_VALUE: 'a b$c', PYTHONPATH: '/nonexistent' });
    expect(await child.outcome).toEqual({ exitCode: 0 });
    expect(child.text()).toBe('a b$c\n');
  });
});
