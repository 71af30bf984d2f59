import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLoadavg, parseNproc, parsePsLine, parsePsOutput, parseSample } from '../../src/dashboard/parse/ps.js';
import { PS_COMMAND, SAMPLE_COMMAND } from '../../src/system/node-sample.js';

const runs = { seed: 42, numRuns: 2000 };
const CLEAN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

// Lines as procps-ng 4.0.2 prints PS_FORMAT. The cc1 line has a 6-digit rss: ps then pads
// comm to 14 instead of 15 to realign (seen on Debian 12).
const CC1 =
  ' 4242  4240 R         3 98.5 123456 cc1            /usr/libexec/gcc/x86_64-pc-linux-gnu/13/cc1 -fpreprocessed /tmp/distccd_1a2b3c4d.i -quiet -dumpdir /tmp/ -dumpbase distccd_1a2b3c4d.i -dumpbase-ext .i -mtune=generic -march=x86-64 -O2 -o /tmp/ccAbCdEf.s';
const LINES = {
  distccd: '  900   899 Ss       42  0.0  2048 distccd         distccd --inetd --enable-tcp-insecure',
  sshd: '  899   880 S        42  0.0  6400 sshd            sshd: distcc@notty',
  cc1: CC1,
  cc1plus:
    ' 4250  4249 R        12 99.0 512000 cc1plus        /usr/libexec/gcc/x86_64-pc-linux-gnu/13/cc1plus -fpreprocessed /tmp/distccd_9f8e7d6c.ii -quiet -o /tmp/ccX.s',
  driver: ' 4240   900 S         3  0.0  3000 x86_64-pc-linux /usr/bin/x86_64-pc-linux-gnu-gcc -O2 -c -o /tmp/distccd_out.o /tmp/distccd_1a2b3c4d.i',
  as: ' 4260  4240 R         0  0.0  2100 as              as --64 -o /tmp/distccd_out.o /tmp/ccAbCdEf.s',
  // The "as" case with a realigned column: argv[0] decides where args start.
  asShifted: ' 4261  4240 R         0  0.0 212100 as             as --64 -o /tmp/x.o /tmp/y.s',
  zombie: ' 4243  4240 Z         1  0.0     0 cc1             [cc1] <defunct>',
  clang:
    ' 4270  4240 R         1 50.0  9000 clang-17        /usr/lib/llvm/17/bin/clang-17 -cc1 -triple x86_64-pc-linux-gnu -emit-obj -main-file-name distccd_ab.i -o /tmp/x.o -x cpp-output /tmp/distccd_ab.i',
  spaces: ' 5000     1 S       100  0.1  8000 Web Content     /usr/lib/firefox/firefox -contentproc',
  evil: ' 6000     1 S       100  0.1  8000 evil            evil \x1b]0;pwned\x07 \x1b[2J\u202egnp.exe',
};

describe('parsePsLine', () => {
  it('reads a cc1 under distccd, keeping its temp file name', () => {
    expect(parsePsLine(LINES.cc1)).toEqual({
      pid: 4242,
      ppid: 4240,
      stat: 'R',
      elapsedSeconds: 3,
      cpuPercent: 98.5,
      rssKiB: 123456,
      comm: 'cc1',
      args: CC1.slice(CC1.indexOf('/usr/')),
      role: 'compiler',
      compiler: 'cc1',
      sourceFile: 'distccd_1a2b3c4d.i',
    });
  });

  it.each([
    ['distccd', { comm: 'distccd', role: 'distccd', stat: 'Ss' }],
    ['sshd', { comm: 'sshd', role: 'other', args: 'sshd: distcc@notty' }],
    ['cc1plus', { comm: 'cc1plus', compiler: 'cc1plus', sourceFile: 'distccd_9f8e7d6c.ii', rssKiB: 512000 }],
    ['driver', { comm: 'x86_64-pc-linux', compiler: 'x86_64-pc-linux-gnu-gcc', sourceFile: 'distccd_1a2b3c4d.i' }],
    ['as', { comm: 'as', compiler: 'as', sourceFile: 'ccAbCdEf.s' }],
    ['asShifted', { comm: 'as', args: 'as --64 -o /tmp/x.o /tmp/y.s', compiler: 'as', sourceFile: 'y.s' }],
    ['zombie', { comm: 'cc1', stat: 'Z', role: 'compiler', compiler: 'cc1', args: '[cc1] <defunct>' }],
    ['clang', { comm: 'clang-17', compiler: 'clang-17', sourceFile: 'distccd_ab.i' }],
    ['spaces', { comm: 'Web Content', args: '/usr/lib/firefox/firefox -contentproc', role: 'other' }],
    ['evil', { comm: 'evil', args: 'evil  gnp.exe', role: 'other' }],
  ] as const)('reads %s', (key, expected) => {
    expect(parsePsLine(LINES[key])).toMatchObject(expected);
  });

  it('skips option values when looking for the source', () => {
    const line = ' 1 1 R 0 0.0 1 cc1             /usr/libexec/gcc/x/13/cc1 -quiet -I . -MD foo.d -MF foo.d -MT foo.o foo.c -dumpbase foo.c -o /tmp/cc.s';
    expect(parsePsLine(line)?.sourceFile).toBe('foo.c');
  });

  it('has no source file for a zombie or a piped as', () => {
    expect(parsePsLine(LINES.zombie)?.sourceFile).toBeUndefined();
    expect(parsePsLine(' 1 1 R 0 0.0 1 as              as --64 -o /tmp/x.o')?.sourceFile).toBeUndefined();
  });

  it.each(['', 'PID PPID STAT', 'garbage', '  12 abc S 1 0.0 1 x x', '  0     1 S 1 0.0 1 x x', ' 12 1 S 1 0,5 100 x x'])('rejects %j', (line) => {
    expect(parsePsLine(line)).toBeUndefined();
  });

  it('never throws, strings clean and capped (fuzz)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(' 4242  4240 R         3 98.5 123456 ', ' 1 1 S 0 0.0 0 ', '', ' 1 1 '),
        fc.string({ unit: 'binary', maxLength: 400 }),
        (head, tail) => {
          const process = parsePsLine(head + tail);
          if (!process) return;
          expect(process.comm).not.toMatch(CLEAN);
          expect(process.args).not.toMatch(CLEAN);
          expect(process.comm.length).toBeLessThanOrEqual(64);
          expect(process.args.length).toBeLessThanOrEqual(1024);
          if (process.sourceFile !== undefined) expect(process.sourceFile).not.toMatch(CLEAN);
        },
      ),
      runs,
    );
  });

  it('is quick on a huge line', () => {
    const started = performance.now();
    parsePsLine(` 1 1 S 0 0.0 0 cc1             cc1 ${'-x '.repeat(500_000)}`);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('parseLoadavg and parseNproc', () => {
  it.each([
    ['0.52 0.58 0.59 2/1234 56789\n', { one: 0.52, five: 0.58, fifteen: 0.59, running: 2, total: 1234 }],
    ['12.00 8.50 4.25', { one: 12, five: 8.5, fifteen: 4.25 }],
    ['x 1 2', undefined],
    ['', undefined],
    ['\x1b[2J1.0 1.0 1.0', undefined],
  ])('loadavg %j', (text, expected) => {
    expect(parseLoadavg(text)).toEqual(expected);
  });

  it.each([
    ['8\n', 8],
    ['  2 ', 2],
    ['0', undefined],
    ['-1', undefined],
    ['eight', undefined],
    ['9999999', undefined],
    ['', undefined],
  ])('nproc %j', (text, expected) => {
    expect(parseNproc(text)).toBe(expected);
  });
});

describe('parseSample', () => {
  const stdout = [
    '@@demerge:loadavg',
    '3.10 2.00 1.50 4/321 9999',
    '@@demerge:nproc',
    '16',
    '@@demerge:ps 7000',
    LINES.distccd,
    LINES.cc1,
    ' 7000   899 S         0  0.0  1000 sh              sh -c echo @@demerge:loadavg; ...',
    ' 7003  7000 R         0  0.0  3000 ps              ps -u 1001 -ww -o pid=,ppid=,stat=,etimes=,pcpu=,rss=,comm=,args=',
    '@@demerge:end',
    '',
  ].join('\r\n');

  it('reads all three sections and drops its own shell and ps', () => {
    const sample = parseSample(stdout);
    expect(sample.complete).toBe(true);
    expect(sample.load).toEqual({ one: 3.1, five: 2, fifteen: 1.5, running: 4, total: 321 });
    expect(sample.cpus).toBe(16);
    expect(sample.processes.map((p) => p.pid)).toEqual([900, 4242]);
  });

  it('survives missing and truncated sections', () => {
    const truncated = parseSample(stdout.slice(0, stdout.indexOf('@@demerge:nproc') + 10));
    expect(truncated).toMatchObject({ complete: false, processes: [] });
    expect(truncated.load?.one).toBe(3.1);
    expect(truncated.cpus).toBeUndefined();
    expect(parseSample('')).toEqual({ processes: [], complete: false });
    expect(parseSample('@@demerge:ps\n' + LINES.as + '\n@@demerge:end\n').processes).toHaveLength(1);
  });

  it('never throws (fuzz)', () => {
    const pieces = ['@@demerge:loadavg', '@@demerge:nproc', '@@demerge:ps 1', '@@demerge:end', '1.0 1.0 1.0 1/1 1', '4', ...Object.values(LINES)];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ unit: 'binary', maxLength: 60 })), { maxLength: 30 }), (lines) => {
        const sample = parseSample(lines.join('\n'));
        expect(Array.isArray(sample.processes)).toBe(true);
      }),
      runs,
    );
  });

  it('is one sh -c command with no single quotes inside', () => {
    expect(SAMPLE_COMMAND.startsWith("sh -c '")).toBe(true);
    expect(SAMPLE_COMMAND.slice(7, -1)).not.toContain("'");
    expect(SAMPLE_COMMAND).toContain(PS_COMMAND);
    expect(PS_COMMAND).toBe('LC_ALL=C ps -u "$(id -u)" -ww -o pid=,ppid=,stat=,etimes=,pcpu=,rss=,comm=,args=');
  });

  it.skipIf(process.platform !== 'linux')('parses what SAMPLE_COMMAND prints on this machine', () => {
    let stdout: string;
    try {
      stdout = execFileSync('/bin/sh', ['-c', SAMPLE_COMMAND], { encoding: 'utf8', timeout: 5000 });
    } catch {
      return; // no procps here: nothing to compare against
    }
    const sample = parseSample(stdout);
    expect(sample.complete).toBe(true);
    expect(sample.load).toBeDefined();
    expect(sample.cpus).toBeGreaterThanOrEqual(1);
    const psLines = stdout.split('@@demerge:ps')[1]?.split('\n').slice(1, -2) ?? [];
    // Every ps line parses; only the sampling shell and its ps are dropped.
    expect(parsePsOutput(psLines.join('\n')).length).toBe(psLines.filter((l) => l.trim()).length);
    expect(sample.processes.some((p) => p.comm === 'ps' && p.args.includes('pid=,ppid='))).toBe(false);
  });
});
