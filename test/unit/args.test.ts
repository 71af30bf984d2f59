import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { DemergeError } from '../../src/errors.js';

describe('parseArgs', () => {
  it.each([
    { argv: ['-av', 'dev-util/hello'], emerge: ['-av', 'dev-util/hello'] },
    { argv: ['--strict', '-uDN', '@world'], emerge: ['-uDN', '@world'], strict: true },
    { argv: ['-uDN', '@world', '--strict'], emerge: ['-uDN', '@world'], strict: true },
    { argv: ['--config=/x.conf', 'hello'], emerge: ['hello'], config: '/x.conf' },
    // emerge's own pkg_config action, and emerge's parallel-package option
    { argv: ['--config', 'sys-libs/timezone-data'], emerge: ['--config', 'sys-libs/timezone-data'] },
    { argv: ['-j4', '--jobs=3', '--jobs', '2'], emerge: ['-j4', '--jobs=3', '--jobs', '2'] },
    { argv: ['--make-jobs=9', 'hello'], emerge: ['hello'], makeJobs: 9 },
    { argv: ['--', '--strict', '--dry-check'], emerge: ['--strict', '--dry-check'] },
    { argv: ['--strict', '--', '--', 'x'], emerge: ['--', 'x'], strict: true },
    { argv: ['--help', 'x'], emerge: ['--help', 'x'] },
    { argv: ['-h', 'x'], emerge: ['-h', 'x'] },
    { argv: ['a b', '$(id)', '`x`', 'é', ''], emerge: ['a b', '$(id)', '`x`', 'é', ''] },
    { argv: ['--dry-check', '--json'], emerge: [], mode: 'dry-check', json: true },
  ])('$argv', ({ argv, emerge, mode = 'build', strict = false, json = false, config, makeJobs }) => {
    const given = { ...(config === undefined ? {} : { config }), ...(makeJobs === undefined ? {} : { makeJobs }) };
    expect(parseArgs(argv)).toStrictEqual(
      mode === 'dry-check' ? { mode, emergeArgs: emerge, json, ...given } : { mode, emergeArgs: emerge, strict, noDashboard: false, ...given },
    );
  });

  it.each([
    // Each mode keeps its own options; the others' are accepted and change nothing.
    { argv: ['--dry-check', '--strict', '--no-dashboard', '--sample-interval=2', 'x'], args: { mode: 'dry-check', emergeArgs: ['x'], json: false } },
    { argv: ['--json', '--make-jobs=3', 'x'], args: { mode: 'build', emergeArgs: ['x'], strict: false, noDashboard: false, makeJobs: 3 } },
    { argv: ['--dashboard=7', '--strict', '--config=/x.conf', '--json'], args: { mode: 'dashboard', watchPid: 7 } },
    { argv: ['--dashboard', '--dry-check'], args: { mode: 'dry-check', emergeArgs: [], json: false } },
  ])("only the mode's own arguments: $argv", ({ argv, args }) => {
    expect(parseArgs(argv)).toStrictEqual(args);
  });

  it.each([
    { argv: ['--dashboard'], mode: 'dashboard', watchPid: undefined },
    { argv: ['--dashboard=4242'], mode: 'dashboard', watchPid: 4242 },
    { argv: ['--config=/x.conf', '--dashboard'], mode: 'dashboard', watchPid: undefined },
    { argv: ['--no-dashboard', '-av', 'hello'], mode: 'build', noDashboard: true, emerge: ['-av', 'hello'] },
    { argv: ['--sample-interval=0.5', 'hello'], mode: 'build', sampleIntervalMs: 500, emerge: ['hello'] },
    { argv: ['--sample-interval=60', 'hello'], mode: 'build', sampleIntervalMs: 60_000, emerge: ['hello'] },
    { argv: ['--', '--dashboard'], mode: 'build', emerge: ['--dashboard'] },
  ])('dashboard options: $argv', ({ argv, mode, watchPid, noDashboard = false, sampleIntervalMs, emerge = [] }) => {
    expect(parseArgs(argv)).toStrictEqual(
      mode === 'dashboard'
        ? { mode, ...(watchPid === undefined ? {} : { watchPid }) }
        : { mode, emergeArgs: emerge, strict: false, noDashboard, ...(sampleIntervalMs === undefined ? {} : { sampleIntervalMs }) },
    );
  });

  it.each([
    [['--dashboard=abc'], /invalid value "abc"/],
    [['--dashboard=0'], /invalid value "0"/],
    [['--dashboard', 'dev-util/hello'], /takes no emerge arguments, got "dev-util\/hello"/],
    [['--no-dashboard=1'], /invalid value "1"/],
    [['--sample-interval=0.1', 'x'], /invalid value "0.1"/],
    [['--sample-interval=61', 'x'], /invalid value "61"/],
    [['--sample-interval=1s', 'x'], /invalid value "1s"/],
    [['--sample-interval', 'x'], /--sample-interval.*needs a value/],
  ])('dashboard option %j is refused', (argv, pattern) => {
    expect(() => parseArgs(argv)).toThrow(DemergeError);
    expect(() => parseArgs(argv)).toThrow(pattern);
  });

  it.each([['--help'], ['-h']])('%s alone is demerge help', (word) => {
    expect(parseArgs([word])).toStrictEqual({ mode: 'help' });
  });

  it.each([['--version'], ['-V']])('%s alone is demerge version', (word) => {
    expect(parseArgs([word])).toStrictEqual({ mode: 'version' });
  });

  it.each([
    [['--make-jobs'], /--make-jobs.*needs a value/],
    [['--make-jobs=0'], /invalid value "0"/],
    [['--make-jobs=-1'], /invalid value "-1"/],
    [['--make-jobs=4x'], /invalid value "4x"/],
    [['--config='], /--config.*needs a value/],
    [['--strict=yes'], /invalid value "yes"/],
  ])('%j is refused', (argv, pattern) => {
    expect(() => parseArgs(argv)).toThrow(DemergeError);
    expect(() => parseArgs(argv)).toThrow(pattern);
  });
});
