import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { findFromProblem } from '../../src/cli/setup-args.js';
import { DemergeError } from '../../src/errors.js';

/** The error line a user would see, message and fix. */
function refusal(argv: string[]): string {
  try {
    parseArgs(argv);
  } catch (error) {
    if (error instanceof DemergeError) return `${error.message} (${error.fix})`;
    throw error;
  }
  return 'accepted';
}

const FP = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';

describe('parseArgs: setup and trust sub-commands', () => {
  it.each([
    { argv: ['setup'], mode: 'setup', step: 'all' },
    { argv: ['setup', 'key'], mode: 'setup', step: 'key' },
    { argv: ['setup', 'key', '--force'], mode: 'setup', step: 'key', force: true },
    { argv: ['setup', 'key', '--passphrase'], mode: 'setup', step: 'key', passphrase: true },
    { argv: ['setup', 'key', '--force', '--passphrase'], mode: 'setup', step: 'key', force: true, passphrase: true },
    { argv: ['setup', 'node', 'a.lan', 'b.lan'], mode: 'setup', step: 'node', hosts: [{ host: 'a.lan' }, { host: 'b.lan' }] },
    { argv: ['setup', 'node', 'alice@a.lan'], mode: 'setup', step: 'node', hosts: [{ host: 'a.lan', admin: 'alice' }] },
    { argv: ['setup', 'node', '--print', 'a.lan'], mode: 'setup', step: 'node', print: true, hosts: [{ host: 'a.lan' }] },
    {
      argv: ['setup', 'node', 'a', '--admin=alice', '--restrict', '--from=10.0.0.0/8', '--unlock'],
      mode: 'setup',
      step: 'node',
      hosts: [{ host: 'a' }],
      admin: 'alice',
      restrict: true,
      from: '10.0.0.0/8',
      unlock: true,
    },
    { argv: ['setup', '--restrict', '--config=/x.conf'], mode: 'setup', step: 'all', restrict: true, config: '/x.conf' },
    { argv: ['trust'], mode: 'trust', step: 'trust' },
    { argv: ['trust', 'a.lan', '--fingerprint', FP], mode: 'trust', step: 'trust', hosts: [{ host: 'a.lan' }], fingerprints: [FP] },
    {
      argv: ['trust', 'a.lan', `--fingerprint=${FP}=`, '--replace'],
      mode: 'trust',
      step: 'trust',
      hosts: [{ host: 'a.lan' }],
      fingerprints: [FP],
      replace: true,
    },
    { argv: ['setup', 'node', '--help'], mode: 'help' },
  ])(
    '$argv',
    ({
      argv,
      mode,
      step,
      hosts = [],
      force = false,
      print = false,
      admin = 'root',
      restrict = false,
      from,
      unlock = false,
      fingerprints = [],
      replace = false,
      passphrase,
      config,
    }) => {
      const args = parseArgs(argv);
      if (mode === 'help') {
        expect(args).toStrictEqual({ mode: 'help' });
        return;
      }
      expect(args).toStrictEqual({
        mode,
        ...(config === undefined ? {} : { config }),
        setup: {
          step,
          hosts,
          force,
          print,
          admin,
          restrict,
          unlock,
          fingerprints,
          replace,
          ...(from === undefined ? {} : { from }),
          ...(passphrase === undefined ? {} : { passphrase }),
        },
      });
    },
  );

  it.each([
    // Only the FIRST word selects a sub-command: everything else is emerge's.
    [
      ['-av', 'setup'],
      ['-av', 'setup'],
    ],
    [['--', 'setup'], ['setup']],
    [
      ['--', 'trust', 'key'],
      ['trust', 'key'],
    ],
    [['setupx'], ['setupx']],
    [['dev-util/setup'], ['dev-util/setup']],
  ])('%j goes to emerge untouched', (argv, emerge) => {
    expect(parseArgs(argv)).toStrictEqual({ mode: 'build', emergeArgs: emerge, strict: false, noDashboard: false });
  });

  it.each([
    [['setup', 'nodes'], /"setup nodes" is not a setup step/],
    [['setup', 'key', 'a.lan'], /setup key takes no host/],
    [['setup', 'a.lan'], /"setup a.lan" is not a setup step/],
    [['setup', 'key', '--restrict'], /setup key has no option "--restrict".*--config, --force, --passphrase/],
    // A passphrase never goes on the command line: ps shows every process's arguments.
    [['setup', 'key', '--passphrase=hunter2'], /--passphrase.*invalid value "hunter2"/],
    [['setup', 'key', '--passphrase', 'hunter2'], /setup key takes no host/],
    [['setup', '--passphrase'], /demerge setup has no option "--passphrase"/],
    [['setup', 'node', 'a', '--passphrase'], /setup node has no option "--passphrase"/],
    [['trust', '--force'], /trust has no option "--force"/],
    [['setup', '--print'], /demerge setup has no option "--print"/],
    [['setup', 'node', '-x'], /no option "-x"/],
    [['setup', 'node', 'a', '--from'], /--from needs a value/],
    [['setup', 'node', 'a', '--from=10.0.0.1/8'], /host bits set/],
    [['setup', 'node', 'a', '--from=10.0.0.0/8"'], /invalid value/],
    [['setup', 'node', 'a', '--from=a b'], /invalid value/],
    [['setup', 'node', 'a', '--admin=Root'], /upper-case/],
    [['setup', 'node', '--restrict=yes'], /invalid value "yes"/],
    [['setup', 'node', '-oProxyCommand=x'], /no option/],
    [['setup', 'node', 'a;b'], /host "a;b" contains/],
    [['setup', 'node', 'x@-oProxyCommand=y'], /starts with "-"/],
    [['trust', 'root@a'], /has a user part/],
    [['trust', 'a', '--fingerprint=MD5:aa'], /SHA256: and 43 base64/],
    [['trust', 'a', '--fingerprint'], /--fingerprint needs a value/],
  ])('%j is refused', (argv, pattern) => {
    expect(refusal(argv)).toMatch(pattern);
  });
});

describe('findFromProblem', () => {
  it.each([
    ['192.168.1.0/24', undefined],
    ['198.18.0.0/15', undefined],
    ['10.1.2.3', undefined],
    ['10.1.2.3/32', undefined],
    ['0.0.0.0/0', undefined],
    ['*.lan,!bad.lan', undefined],
    ['fe80::/10', undefined],
    ['192.168.1.1/24', 'host bits'],
    ['192.168.1.0/33', 'addresses'],
    ['192.168.1.0/24/1', 'addresses'],
    ['a"b', 'addresses'],
    ['', 'addresses'],
  ])('%s', (value, problem) => {
    const found = findFromProblem(value);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});
