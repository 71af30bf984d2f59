import { describe, expect, it } from 'vitest';
import { HostSpecError } from '../../src/errors.js';
import { formatHostList, formatHostSpec, parseHostList, parseHostSpec, validateCommand, validateHostName, validateUserName } from '../../src/hosts/index.js';
import type { HostList, HostSpec } from '../../src/hosts/index.js';

const host253 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;

const valid: Array<[string, HostSpec, string?]> = [
  ['localhost', { kind: 'localhost' }],
  ['localhost/4', { kind: 'localhost', limit: 4 }],
  ['localhost/10000', { kind: 'localhost', limit: 10000 }],
  ['localhost/04', { kind: 'localhost', limit: 4 }, 'localhost/4'],
  ['distcc@node', { kind: 'ssh', user: 'distcc', host: 'node', options: [] }],
  ['@node', { kind: 'ssh', host: 'node', options: [] }],
  ['distcc@node/8', { kind: 'ssh', user: 'distcc', host: 'node', limit: 8, options: [] }],
  ['distcc@localhost', { kind: 'ssh', user: 'distcc', host: 'localhost', options: [] }],
  ['distcc@10.0.0.5/3', { kind: 'ssh', user: 'distcc', host: '10.0.0.5', limit: 3, options: [] }],
  ['distcc@node:/usr/local/bin/distccd', { kind: 'ssh', user: 'distcc', host: 'node', command: '/usr/local/bin/distccd', options: [] }],
  ['distcc@node/8:/usr/bin/distccd,lzo', { kind: 'ssh', user: 'distcc', host: 'node', limit: 8, command: '/usr/bin/distccd', options: ['lzo'] }],
  ['distcc@node,lzo,cpp', { kind: 'ssh', user: 'distcc', host: 'node', options: ['lzo', 'cpp'] }],
  ['distcc@node,cpp,lzo', { kind: 'ssh', user: 'distcc', host: 'node', options: ['cpp', 'lzo'] }],
  ['_svc.x-1@my_node.lan', { kind: 'ssh', user: '_svc.x-1', host: 'my_node.lan', options: [] }],
  ['node', { kind: 'tcp', host: 'node', options: [] }],
  ['127.0.0.1', { kind: 'tcp', host: '127.0.0.1', options: [] }],
  ['node:3633', { kind: 'tcp', host: 'node', port: 3633, options: [] }],
  ['node:3633/6', { kind: 'tcp', host: 'node', port: 3633, limit: 6, options: [] }],
  ['node/6:3633', { kind: 'tcp', host: 'node', port: 3633, limit: 6, options: [] }, 'node:3633/6'],
  ['node/6,lzo', { kind: 'tcp', host: 'node', limit: 6, options: ['lzo'] }],
  ['node,auth', { kind: 'tcp', host: 'node', options: ['auth'] }],
  ['node,lzo,cpp,auth=build.example.com', { kind: 'tcp', host: 'node', options: ['lzo', 'cpp', 'auth=build.example.com'] }],
  [host253, { kind: 'tcp', host: host253, options: [] }],
];

describe('parseHostSpec accepts distcc 3.4 specs', () => {
  it.each(valid)('%s', (word, spec, canonical) => {
    expect(parseHostSpec(word)).toEqual(spec);
    expect(formatHostSpec(spec)).toBe(canonical ?? word);
  });
});

// [word, substring of the message]
const invalid: Array<[string, string]> = [
  ['-oProxyCommand=x', 'host "-oProxyCommand=x" starts with "-", which ssh would read as an option'],
  ['distcc@-x', 'host spec "distcc@-x": host "-x" starts with "-"'],
  ['-l@node', 'user "-l" starts with "-"'],
  ['a b', 'contains a space'],
  ['a\tb', 'control character "\\t"'],
  ['$(id)', 'contains "$"'],
  ['`id`', 'contains "`"'],
  ['node;reboot', 'contains ";"'],
  ['distcc@node;id', 'contains ";"'],
  ['n|x', '"|"'],
  ['n&x', '"&"'],
  ['n<x', '"<"'],
  ['n>x', '">"'],
  ['n(x', '"("'],
  ['n)x', '")"'],
  ['n*x', '"*"'],
  ['n?x', '"?"'],
  ['n!x', '"!"'],
  ['n%x', '"%"'],
  ['n#x', '"#"'],
  ["n'x", `"'"`],
  ['n"x', '"\\""'],
  ['n\\x', '"\\\\"'],
  ['n~x', '"~"'],
  ['+zeroconf', '"+"'],
  ['builder1.l\u0430n', 'non-ASCII character "\\u0430"'],
  ['distcc@\u0431uilder', 'non-ASCII character "\\u0431"'],
  ['node\u202e', '"\\u202e"'],
  ['\u001b[31mnode', 'control character "\\u001b"'],
  ['h'.repeat(300), 'is 300 characters long'],
  ['distcc@node:2222', 'looks like a port'],
  ['distcc@node:bin/distccd', 'is not an absolute path'],
  ['distcc@node:', 'command "" is empty'],
  ['distcc@node:/usr/bin/distccd;id', 'contains ";"'],
  ['distcc@node:/opt/my distccd', 'contains a space'],
  ['distcc@', 'host "" is empty'],
  ['@', 'host "" is empty'],
  ['Distcc@node', 'upper-case letter "D"'],
  ['1abc@node', 'must start with a lower-case letter'],
  [`${'u'.repeat(33)}@node`, 'is 33 characters long'],
  ['localhost/0', 'outside 1..10000'],
  ['localhost/10001', 'outside 1..10000'],
  ['localhost/', 'not a whole number'],
  ['localhost/2,lzo', 'localhost takes only /N'],
  ['localhost:3632', 'reached over TCP'],
  ['localhost,lzo', 'reached over TCP'],
  ['node,cpp', 'cpp (pump mode) without lzo'],
  ['distcc@node,cpp', 'cpp (pump mode) without lzo'],
  ['node,lzo,lzo', 'lists "lzo" twice'],
  ['node,auth,auth=x', 'lists "auth" twice'],
  ['node,foo', 'option "foo" is not a distcc host option'],
  ['node,down', 'is not supported by demerge'],
  ['node,', 'option "" is not a distcc host option'],
  ['node,auth=-x', 'auth name "-x" that starts with "-"'],
  ['node/4x', 'job limit "4x", which is not a whole number'],
  ['node/-1', 'not a whole number'],
  ['node:', 'port "", which is not a whole number'],
  ['node:0', 'outside 1..65535'],
  ['node:65536', 'outside 1..65535'],
  ['node:+22', 'not a whole number'],
  ['node/2:3632/4', 'gives the job limit twice'],
  ['[::1]', 'IPv6 literal'],
  ['[::1]:3632', 'IPv6 literal'],
  ['distcc@[::1]', 'IPv6'],
  ['fe80::1', 'not a whole number'],
];

describe('parseHostSpec rejects', () => {
  it.each(invalid)('%j', (word, message) => {
    let error: unknown;
    try {
      parseHostSpec(word);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HostSpecError);
    const hostError = error as HostSpecError;
    expect(hostError.message).toContain(message);
    expect(hostError.spec).toBe(word);
    expect(hostError.fix.length).toBeGreaterThan(0);
    // One printable line, whatever the input held.
    expect(hostError.message).toMatch(/^[\x20-\x7e]+$/);
    expect(hostError.fix).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('error messages point at the fix', () => {
  it.each([
    ['distcc@node:2222', "demerge.conf's port"],
    ['[::1]', 'host name'],
    ['node,cpp', 'add lzo'],
    ['localhost:3632', '127.0.0.1'],
  ])('%s', (word, fix) => {
    expect(() => parseHostSpec(word)).toThrow(expect.objectContaining({ fix: expect.stringContaining(fix) }));
  });
});

const lists: Array<[string, string, HostList['entries']]> = [
  ['empty', '', []],
  ['only comments', '# nothing\n   # here\n', []],
  [
    'spaces and newlines',
    '  localhost/2   distcc@a/4\n\tdistcc@b\r\n',
    [
      { kind: 'localhost', limit: 2 },
      { kind: 'ssh', user: 'distcc', host: 'a', limit: 4, options: [] },
      { kind: 'ssh', user: 'distcc', host: 'b', options: [] },
    ],
  ],
  [
    'comment after a word',
    'a # b c\nd',
    [
      { kind: 'tcp', host: 'a', options: [] },
      { kind: 'tcp', host: 'd', options: [] },
    ],
  ],
  [
    '"#" inside a word starts a comment, as in distcc',
    'a#comment b\nc',
    [
      { kind: 'tcp', host: 'a', options: [] },
      { kind: 'tcp', host: 'c', options: [] },
    ],
  ],
  [
    '"\\r" ends a comment',
    'a # x\rb',
    [
      { kind: 'tcp', host: 'a', options: [] },
      { kind: 'tcp', host: 'b', options: [] },
    ],
  ],
  [
    'form feed and vertical tab between words',
    '\fa\f\vb',
    [
      { kind: 'tcp', host: 'a', options: [] },
      { kind: 'tcp', host: 'b', options: [] },
    ],
  ],
  [
    'globals',
    '--randomize localhost --localslots=4 --localslots_cpp=8',
    [{ kind: 'randomize' }, { kind: 'localhost' }, { kind: 'localslots', value: 4 }, { kind: 'localslots_cpp', value: 8 }],
  ],
];

describe('parseHostList', () => {
  it.each(lists)('%s', (_name, text, entries) => {
    expect(parseHostList(text)).toEqual({ entries });
  });

  it.each([
    ['--localslots=0', 'outside 1..10000'],
    ['--localslots_cpp=0', 'outside 1..10000'],
    ['--localslots=x', 'not a whole number'],
    ['--localslots', 'not one distcc knows'],
    ['--localslots/4', 'not one distcc knows'],
    ['--randomizex', 'not one distcc knows'],
    ['--', 'not one distcc knows'],
    ['localhost a\vb', 'control character "\\u000b"'],
    ['distcc@a distcc@-x', 'host "-x" starts with "-"'],
  ])('rejects %j', (text, message) => {
    expect(() => parseHostList(text)).toThrow(HostSpecError);
    expect(() => parseHostList(text)).toThrow(message);
  });

  it('formats with single spaces and canonical order', () => {
    const list = parseHostList('--randomize\n localhost/2  node/6:3633,lzo  # x\n distcc@b:/usr/bin/distccd');
    expect(formatHostList(list)).toBe('--randomize localhost/2 node:3633/6,lzo distcc@b:/usr/bin/distccd');
  });
});

describe('formatHostSpec refuses specs built in code that could not be parsed back', () => {
  const bad: Array<[string, HostSpec]> = [
    ['option-like host', { kind: 'ssh', user: 'distcc', host: '-oProxyCommand=x', options: [] }],
    ['hostile user', { kind: 'ssh', user: 'a;b', host: 'node', options: [] }],
    ['hostile command', { kind: 'ssh', host: 'node', command: '/x;reboot', options: [] }],
    ['numeric command', { kind: 'ssh', host: 'node', command: '2222', options: [] }],
    ['zero limit', { kind: 'localhost', limit: 0 }],
    ['fractional limit', { kind: 'tcp', host: 'node', limit: 1.5, options: [] }],
    ['port 0', { kind: 'tcp', host: 'node', port: 0, options: [] }],
    ['tcp localhost', { kind: 'tcp', host: 'localhost', options: [] }],
    ['cpp alone', { kind: 'tcp', host: 'node', options: ['cpp'] }],
    ['unknown option', { kind: 'tcp', host: 'node', options: ['zstd' as 'lzo'] }],
  ];
  it.each(bad)('%s', (_name, spec) => {
    expect(() => formatHostSpec(spec)).toThrow(HostSpecError);
  });

  it('refuses a bad global', () => {
    expect(() => formatHostList({ entries: [{ kind: 'localslots', value: 0 }] })).toThrow(HostSpecError);
  });
});

describe('validators for other modules', () => {
  it.each([
    ['builder1.lan', true],
    ['10.0.0.1', true],
    ['-x', false],
    ['', false],
    ['a\nb', false],
    ['*', false],
  ])('validateHostName(%j) ok=%s', (host, ok) => {
    if (ok) expect(() => validateHostName(host, 'host')).not.toThrow();
    else expect(() => validateHostName(host, 'host')).toThrow(HostSpecError);
  });

  it("names the culprit with the caller's word", () => {
    expect(() => validateHostName('-x', 'node')).toThrow('node "-x" starts with "-"');
  });

  it.each([
    ['distcc', true],
    ['_build-1.x', true],
    ['root', true],
    ['Distcc', false],
    ['-l', false],
    ['', false],
    ['a$b', false],
    ['9lives', false],
    ['u'.repeat(32), true],
    ['u'.repeat(33), false],
  ])('validateUserName(%j) ok=%s', (user, ok) => {
    if (ok) expect(() => validateUserName(user)).not.toThrow();
    else expect(() => validateUserName(user)).toThrow(HostSpecError);
  });

  it.each([
    ['/usr/bin/distccd', true],
    ['/opt/distcc-3.4/bin/distccd', true],
    ['distccd', false],
    ['/usr/bin/distccd --daemon', false],
    ['/x$(id)', false],
  ])('validateCommand(%j) ok=%s', (command, ok) => {
    if (ok) expect(() => validateCommand(command)).not.toThrow();
    else expect(() => validateCommand(command)).toThrow(HostSpecError);
  });
});
