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
    const args = parseArgs(argv);
    expect(args.emergeArgs).toEqual(emerge);
    expect(args.mode).toBe(mode);
    expect(args.strict).toBe(strict);
    expect(args.json).toBe(json);
    expect(args.config).toBe(config);
    expect(args.makeJobs).toBe(makeJobs);
  });

  it.each([['--help'], ['-h']])('%s alone is demerge help', (word) => {
    expect(parseArgs([word]).mode).toBe('help');
  });

  it.each([['--version'], ['-V']])('%s alone is demerge version', (word) => {
    expect(parseArgs([word]).mode).toBe('version');
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
