import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distccdVersion, parseRemoteOutput, renderRemoteScript } from '../../src/checks/node/remote-script.js';

// The node probe's one round trip: the script really runs under sh here, against a PATH of
// stand-in programs, and its answer is parsed back.

const MARKER = 'demerge-0123456789abcdef';

function standins(): string {
  const dir = mkdtempSync(join(tmpdir(), 'demerge-probe-'));
  const write = (name: string, body: string): void => {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  write('distccd', 'echo "distccd 3.4 x86_64-pc-linux-gnu"; echo "  (protocols 1, 2 and 3)"');
  write('x86_64-pc-linux-gnu-gcc', 'case "$1" in -dumpfullversion) echo 13.2.1;; -dumpmachine) echo x86_64-pc-linux-gnu;; esac');
  // An old gcc without -dumpfullversion answers -dumpversion.
  write('gcc', 'case "$1" in -dumpfullversion) exit 1;; -dumpversion) echo 13;; -dumpmachine) echo x86_64-pc-linux-gnu;; esac');
  return dir;
}

describe('remote probe script', () => {
  it('reports distccd, the compilers, CPUs and load when run by sh', () => {
    const dir = standins();
    const script = renderRemoteScript({ marker: MARKER, distccd: 'distccd', compilers: ['x86_64-pc-linux-gnu-gcc', 'gcc'] });
    const output = execFileSync('sh', [], { input: script, env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: 'utf8' });
    const facts = parseRemoteOutput(output, MARKER, ['x86_64-pc-linux-gnu-gcc', 'gcc']);
    expect(facts).toMatchObject({
      ran: true,
      complete: true,
      distccd: join(dir, 'distccd'),
      distccdVersion: 'distccd 3.4 x86_64-pc-linux-gnu',
      compilers: [
        { name: 'x86_64-pc-linux-gnu-gcc', path: join(dir, 'x86_64-pc-linux-gnu-gcc'), version: '13.2.1', machine: 'x86_64-pc-linux-gnu' },
        { name: 'gcc', path: join(dir, 'gcc'), version: '13', machine: 'x86_64-pc-linux-gnu' },
      ],
    });
    expect(facts.cpus).toBeGreaterThan(0);
    expect(facts.load).toBeGreaterThanOrEqual(0);
  });

  it('asks a compiler that is the same file as the previous one only once, and reports both', () => {
    const dir = standins();
    writeFileSync(join(dir, 'count'), '');
    writeFileSync(
      join(dir, 'cc-real'),
      `#!/bin/sh\necho x >>${join(dir, 'count')}\ncase "$1" in -dumpfullversion) echo 12.2.0;; -dumpmachine) echo x86_64-pc-linux-gnu;; esac\n`,
      { mode: 0o755 },
    );
    symlinkSync(join(dir, 'cc-real'), join(dir, 'cc-a'));
    symlinkSync(join(dir, 'cc-real'), join(dir, 'cc-b'));
    const script = renderRemoteScript({ marker: MARKER, distccd: 'distccd', compilers: ['cc-a', 'cc-b'] });
    const output = execFileSync('sh', [], { input: script, env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: 'utf8' });
    const facts = parseRemoteOutput(output, MARKER, ['cc-a', 'cc-b']);
    expect(facts.compilers.map((c) => [c.name, c.version, c.machine])).toEqual([
      ['cc-a', '12.2.0', 'x86_64-pc-linux-gnu'],
      ['cc-b', '12.2.0', 'x86_64-pc-linux-gnu'],
    ]);
    expect(readFileSync(join(dir, 'count'), 'utf8')).toBe('x\nx\n');
  });

  it('reports what is missing', () => {
    const script = renderRemoteScript({ marker: MARKER, distccd: '/opt/none/distccd', compilers: ['no-such-gcc'] });
    const output = execFileSync('sh', [], { input: script, env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' });
    const facts = parseRemoteOutput(output, MARKER, ['no-such-gcc']);
    expect(facts.complete).toBe(true);
    expect(facts.distccd).toBeUndefined();
    expect(facts.compilers).toEqual([{ name: 'no-such-gcc' }]);
  });

  it('quotes a hostile distccd path instead of running it', () => {
    const script = renderRemoteScript({ marker: MARKER, distccd: '$(touch /tmp/pwned); distccd', compilers: ['gcc'] });
    expect(script).toContain("command -v '$(touch /tmp/pwned); distccd'");
  });

  it.each([
    { what: 'a forced command answered instead', output: '', ran: false, complete: false },
    { what: 'a login banner around the answer', output: `Welcome!\n${MARKER} start\n${MARKER} nproc 8\n${MARKER} end\nbye\n`, ran: true, complete: true },
    { what: 'an answer cut short', output: `${MARKER} start\n${MARKER} nproc 8\n`, ran: true, complete: false },
    { what: 'another marker', output: 'demerge-ffffffffffffffff start\n', ran: false, complete: false },
  ])('parses $what', ({ output, ran, complete }) => {
    const facts = parseRemoteOutput(output, MARKER, ['gcc']);
    expect(facts.ran).toBe(ran);
    expect(facts.complete).toBe(complete);
  });

  it.each([
    ['distccd 3.4 x86_64-pc-linux-gnu', '3.4'],
    ['something else', 'something else'],
  ])('takes the version from %s', (line, version) => {
    expect(distccdVersion(line)).toBe(version);
  });
});
