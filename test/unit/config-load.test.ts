import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../src/config/index.js';
import type { Config, ConfigInputs } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import { errorExit } from '../../src/cli/exit-status.js';

const FILE = '/etc/demerge.conf';

function inputs(files: Record<string, string>, more: Partial<ConfigInputs> = {}): ConfigInputs {
  return {
    flags: {},
    env: {},
    readFile: (path) => files[path],
    cpuCount: 8,
    ...more,
  };
}

function defaults(source: Config['source']): Config {
  return {
    source,
    nodes: [],
    key: '/etc/distcc/.ssh/id_ed25519',
    knownHosts: '/var/tmp/portage/.ssh/known_hosts',
    localSlots: 2,
    connectTimeout: 5,
    emerge: 'emerge',
    resolveNative: true,
    loadLimit: 8,
    buildUser: 'portage',
    transport: 'tunnel',
    entrancePort: 3633,
  };
}

const fromFile = defaults({ kind: 'file', path: FILE });

const EXAMPLE = `# /etc/demerge.conf — compile nodes for demerge
key = "/etc/distcc/.ssh/id_ed25519"          # default
known_hosts = "/var/tmp/portage/.ssh/known_hosts"   # default
local_slots = 2        # default 2 (distcc's localhost default)
connect_timeout = 5    # seconds, default 5
emerge = "emerge"      # default: emerge from PATH
load_limit = 2         # make -l; default = local CPU count (os.availableParallelism()); 0 = no -l
build_user = "portage" # default
transport = "tunnel"   # default; "ssh" is the recipe's ssh per job

[[node]]
host = "builder1.lan"
user = "distcc"        # default distcc
port = 22              # default 22
slots = 8              # default 4
options = ["lzo"]      # default []
command = "/usr/bin/distccd"

[[node]]
host = "10.0.0.7"
`;

const good: Array<[string, string, Partial<Config>]> = [
  [
    'the documented example',
    EXAMPLE,
    {
      loadLimit: 2,
      nodes: [
        { host: 'builder1.lan', user: 'distcc', port: 22, slots: 8, options: ['lzo'], command: '/usr/bin/distccd' },
        { host: '10.0.0.7', user: 'distcc', port: 22, slots: 4, options: [] },
      ],
    },
  ],
  ['an empty file', '', {}],
  ['only comments', '# nothing yet\n\n   # really\n', {}],
  ['a byte order mark', '\uFEFF[[node]]\nhost = "a"\n', { nodes: [{ host: 'a', user: 'distcc', port: 22, slots: 4, options: [] }] }],
  [
    'CRLF line ends',
    'local_slots = 0\r\n[[node]]\r\nhost = "a"\r\nslots = 10000\r\n',
    {
      localSlots: 0,
      nodes: [{ host: 'a', user: 'distcc', port: 22, slots: 10000, options: [] }],
    },
  ],
  [
    'every top-level key',
    [
      'key = "/root/.ssh/build"',
      'known_hosts = "/etc/demerge/known_hosts"',
      'local_slots = 0',
      'connect_timeout = 300',
      'emerge = "/usr/bin/emerge"',
      'load_limit = 2.5',
      'build_user = "_portage"',
    ].join('\n'),
    {
      key: '/root/.ssh/build',
      knownHosts: '/etc/demerge/known_hosts',
      localSlots: 0,
      connectTimeout: 300,
      emerge: '/usr/bin/emerge',
      loadLimit: 2.5,
      buildUser: '_portage',
    },
  ],
  ['load_limit = 0 turns -l off', 'load_limit = 0', { loadLimit: 0 }],
  ["the recipe's transport", 'transport = "ssh"', { transport: 'ssh' }],
  ["the restricted keys' port", 'entrance_port = 4242', { entrancePort: 4242 }],
  [
    'inline nodes',
    'node = [{ host = "a" }, { host = "b", port = 2222, user = "build" }]',
    {
      nodes: [
        { host: 'a', user: 'distcc', port: 22, slots: 4, options: [] },
        { host: 'b', user: 'build', port: 2222, slots: 4, options: [] },
      ],
    },
  ],
  [
    'the same host on two ports',
    '[[node]]\nhost = "a"\n[[node]]\nhost = "a"\nport = 2222\n',
    {
      nodes: [
        { host: 'a', user: 'distcc', port: 22, slots: 4, options: [] },
        { host: 'a', user: 'distcc', port: 2222, slots: 4, options: [] },
      ],
    },
  ],
  [
    'all options',
    '[[node]]\nhost = "a"\noptions = ["cpp", "lzo", "auth=a.example"]\n',
    {
      nodes: [{ host: 'a', user: 'distcc', port: 22, slots: 4, options: ['cpp', 'lzo', 'auth=a.example'] }],
    },
  ],
  ['no nodes', 'node = []', {}],
];

describe('good files', () => {
  it.each(good)('%s', (_name, text, expected) => {
    expect(loadConfig(inputs({ [FILE]: text }))).toEqual({ ...fromFile, ...expected });
  });
});

// [name, file text, substring of the message, line, substring of the fix]
const bad: Array<[string, string, string, number | undefined, string?]> = [
  ['TOML syntax', 'local_slots = 2\nkey = \n', 'invalid TOML: invalid value', 2, 'correct the TOML'],
  ['an unclosed string', '[[node]]\nhost = "a\n', 'invalid TOML', 2],
  ['a redefined key', 'local_slots = 1\nlocal_slots = 2\n', 'invalid TOML', 2],
  ['a misspelt key', '# c\nknown-hosts = "/x"\n', 'unknown key "known-hosts"', 2, 'did you mean known_hosts?'],
  ['camelCase', 'connectTimeout = 3', 'unknown key "connectTimeout"', 1, 'did you mean connect_timeout?'],
  ['a node key at the top', 'slots = 4\n', 'unknown key "slots"', 1, 'put it after a [[node]] line'],
  ['a stranger', 'colour = "blue"', 'unknown key "colour"', 1, 'known keys: key, known_hosts'],
  ['__proto__', '__proto__ = 1', 'unknown key "__proto__"', 1],
  ['[[nodes]]', 'local_slots = 1\n[[nodes]]\nhost = "a"\n', 'unknown key "nodes"', 2, 'did you mean node?'],
  ['a node key misspelt', '[[node]]\nhost = "a"\n\nslot = 4\n', 'unknown key "slot" in node 1', 4, 'did you mean slots?'],
  [
    'slots = 0 in the second node',
    '[[node]]\nhost = "a"\n[[node]]\nhost = "b"\nslots = 0\n',
    'slots in node 2 must be a whole number from 1 to 10000, got 0',
    5,
    "distcc's default is 4",
  ],
  ['slots too high', '[[node]]\nhost = "a"\nslots = 10001', 'from 1 to 10000, got 10001', 3],
  ['slots as a string', '[[node]]\nhost = "a"\nslots = "8"', 'got the string "8"', 3],
  ['slots fractional', '[[node]]\nhost = "a"\nslots = 4.5', 'got 4.5', 3],
  ['slots inf', '[[node]]\nhost = "a"\nslots = inf', 'got inf', 3],
  ['port 0', '[[node]]\nhost = "a"\nport = 0', 'port in node 1 must be a whole number from 1 to 65535, got 0', 3],
  ['port 70000', '[[node]]\nhost = "a"\nport = 70000', 'got 70000', 3],
  ['entrance_port 0', 'entrance_port = 0', 'entrance_port must be a whole number from 1 to 65535, got 0', 1, 'run demerge setup node --restrict again'],
  ['entrance_port a string', 'entrance_port = "3633"', 'got the string "3633"', 1],
  ['connect_timeout 0', 'connect_timeout = 0', 'connect_timeout must be a whole number from 1 to 300', 1],
  ['connect_timeout 301', '\nconnect_timeout = 301', 'got 301', 2],
  ['local_slots -1', 'local_slots = -1', 'local_slots must be a whole number from 0 to 10000, got -1', 1],
  ['local_slots true', 'local_slots = true', 'got true', 1],
  ['load_limit -1', 'load_limit = -1', 'load_limit must be a number from 0 to 10000, got -1', 1],
  ['load_limit a date', 'load_limit = 1979-05-27', 'got a date', 1],
  ['a relative key', 'key = "id_ed25519"', 'key must be an absolute path, got "id_ed25519"', 1, 'give the full path'],
  ['an empty key', 'key = ""', 'key must be an absolute path', 1],
  ['known_hosts a number', '\n\nknown_hosts = 5', 'known_hosts must be a string, got 5', 3],
  ['a key with a newline', 'key = "/x\\ny"', 'contains a control character', 1],
  ['an option-like host', '[[node]]\nhost = "-oProxyCommand=x"', 'host in node 1 "-oProxyCommand=x" starts with "-"', 2],
  ['a host with a space', '[[node]]\nhost = "a b"', 'contains a space', 2],
  ['a host with $(...)', '[[node]]\nhost = "$(id)"', 'contains "$"', 2],
  ['a look-alike host', '[[node]]\nhost = "bu\\u0456lder"', 'non-ASCII character "\\u0456"', 2],
  ['an escape sequence host', '[[node]]\nhost = "\\u001b[31m"', 'control character "\\u001b"', 2],
  ['a 300-character host', `[[node]]\nhost = "${'h'.repeat(300)}"`, 'is 300 characters long', 2],
  ['a host with a port', '[[node]]\nhost = "builder1:22"', 'contains ":"', 2, "demerge.conf's port"],
  ['an IPv6 host', '[[node]]\nhost = "[::1]"', 'contains "["', 2, 'IPv6'],
  ['no host', 'local_slots = 1\n\n[[node]]\nport = 22\n', 'node 1 has no host', 3, 'add host = "NAME"'],
  ['host a number', '[[node]]\nhost = 5', 'host in node 1 must be a string, got 5', 2],
  ['an upper-case user', '[[node]]\nhost = "a"\nuser = "Distcc"', 'upper-case letter "D"', 3],
  ['an option-like user', '[[node]]\nhost = "a"\nuser = "-x"', 'user in node 1 "-x" starts with "-"', 3],
  ['a hostile build_user', 'build_user = "root;id"', 'build_user "root;id" contains ";"', 1],
  ['cpp without lzo', '[[node]]\nhost = "a"\noptions = ["cpp"]', 'options in node 1 uses cpp (pump mode) without lzo', 3, 'add lzo'],
  ['an unknown option', '[[node]]\nhost = "a"\noptions = ["lz4"]', 'option "lz4" in options in node 1 is not a distcc host option', 3],
  ['options a string', '[[node]]\nhost = "a"\noptions = "lzo"', 'must be an array of strings, got the string "lzo"', 3],
  ['an option twice', '[[node]]\nhost = "a"\noptions = ["lzo", "lzo"]', 'lists "lzo" twice', 3],
  ['a port as command', '[[node]]\nhost = "a"\ncommand = "2222"', 'looks like a port', 3, "demerge.conf's port"],
  ['a relative command', '[[node]]\nhost = "a"\ncommand = "distccd"', 'is not an absolute path', 3],
  ['a command with arguments', '[[node]]\nhost = "a"\ncommand = "/usr/bin/distccd --log-stderr"', 'contains a space', 3],
  ['a duplicate node', '[[node]]\nhost = "a.lan"\n[[node]]\nslots = 2\nhost = "A.lan"\n', 'node 2 (A.lan port 22) repeats node 1', 5],
  ['[node] instead of [[node]]', '[node]\nhost = "a"', 'node must be a list of [[node]] sections, got a table', 1, 'two brackets'],
  ['a node that is not a table', 'node = ["a"]', 'node 1 must be a table, got the string "a"', 1],
  ['a misspelt transport', 'transport = "tunel"', 'transport "tunel" is not available', 1, 'did you mean transport = "tunnel"?'],
  ['an unknown transport', 'transport = "tcp"', 'transport "tcp" is not available', 1, 'transport = "ssh"'],
  ['transport a number', 'transport = 1', 'transport must be a string, got 1', 1],
  ['a relative emerge', 'emerge = "bin/emerge"', 'neither a plain command name nor an absolute path', 1],
  ['an option-like emerge', 'emerge = "-x"', 'emerge "-x" starts with "-"', 1],
  ['emerge with arguments', 'emerge = "emerge --quiet"', 'neither a plain command name', 1],
  ['a NUL byte', 'local_slots = 1\n\0', 'contains a NUL byte', 2],
  ['invalid UTF-8 (decoded to U+FFFD)', '# caf\uFFFD\nlocal_slots = 1', 'is not valid UTF-8', 1],
  ['a lone surrogate', 'local_slots = 1\n# \uD800', 'is not valid UTF-8', 2],
  // A line-ending backslash folds the string, so the value is a valid path.
  ['a fake header in a multi-line string', 'key = """/x\\\n[[node]]"""\n[[node]]\nhost = "a"\nslots = 0\n', 'slots in node 1', 5],
];

describe('bad files', () => {
  it.each(bad)('%s', (_name, text, message, line, fix) => {
    let error: unknown;
    try {
      loadConfig(inputs({ [FILE]: text }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.file).toBe(FILE);
    expect(configError.message).toContain(message);
    expect(configError.line).toBe(line);
    expect(configError.message.startsWith(line === undefined ? `${FILE}: ` : `${FILE}:${line}: `)).toBe(true);
    if (fix !== undefined) expect(configError.fix).toContain(fix);
    expect(configError.message).toMatch(/^[\x20-\x7e]+$/);
    expect(configError.fix).toMatch(/^[\x20-\x7e]+$/);
    expect(errorExit(configError)).toEqual({ exitCode: 2 });
  });
});

describe('size limit', () => {
  it('refuses a 10 MB file at once, without parsing it', () => {
    const huge = `key = "${'a'.repeat(10 * 1024 * 1024)}"`;
    const started = performance.now();
    expect(() => loadConfig(inputs({ [FILE]: huge }))).toThrow(/over the limit of 1048576 \(1 MiB\)/);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('counts bytes, not characters', () => {
    const text = `# ${'é'.repeat(600 * 1024)}\n`;
    expect(() => parseConfigText(text, FILE, 1)).toThrow(/over the limit/);
  });

  it('accepts a file just under the limit', () => {
    const text = `${'#'.repeat(1024 * 1024 - 1)}\n`;
    expect(parseConfigText(text, FILE, 1).nodes).toEqual([]);
  });
});

describe('which file', () => {
  const files = {
    '/flag.conf': '[[node]]\nhost = "from-flag"',
    '/env.conf': '[[node]]\nhost = "from-env"',
    [FILE]: '[[node]]\nhost = "from-default"',
  };
  const hostOf = (config: Config) => config.nodes.map((node) => node.host);

  it.each([
    ['--config wins', { config: '/flag.conf' }, { DEMERGE_CONFIG: '/env.conf' }, '/flag.conf', ['from-flag']],
    ['then DEMERGE_CONFIG', {}, { DEMERGE_CONFIG: '/env.conf' }, '/env.conf', ['from-env']],
    ['then /etc/demerge.conf', {}, {}, FILE, ['from-default']],
    ['an empty DEMERGE_CONFIG is unset', {}, { DEMERGE_CONFIG: '' }, FILE, ['from-default']],
  ])('%s', (_name, flags, env, path, hosts) => {
    const config = loadConfig(inputs(files, { flags, env }));
    expect(config.source).toEqual({ kind: 'file', path });
    expect(hostOf(config)).toEqual(hosts);
  });

  it.each([
    ['--config', { config: '/missing.conf' }, {}],
    ['DEMERGE_CONFIG', {}, { DEMERGE_CONFIG: '/missing.conf' }],
  ])('a missing file named by %s is an error', (by, flags, env) => {
    expect(() => loadConfig(inputs(files, { flags, env }))).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        message: `/missing.conf: does not exist (named by ${by})`,
        fix: `create it, or point ${by} at an existing file`,
      }),
    );
  });

  it('refuses an empty --config', () => {
    expect(() => loadConfig(inputs(files, { flags: { config: '' } }))).toThrow(ConfigError);
  });

  it('lets read errors other than "missing" through', () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const readFile = () => {
      throw denied;
    };
    expect(() => loadConfig({ ...inputs({}), readFile })).toThrow(denied);
  });

  it('without any file: no nodes, defaults, source none', () => {
    expect(loadConfig(inputs({}))).toEqual(defaults({ kind: 'none' }));
  });

  it('load_limit defaults to the CPU count', () => {
    expect(loadConfig(inputs({}, { cpuCount: 3 })).loadLimit).toBe(3);
  });
});

describe('DEMERGE_EMERGE', () => {
  it.each([
    ['beats the file', { DEMERGE_EMERGE: '/opt/emerge' }, 'emerge = "/usr/bin/emerge"', '/opt/emerge'],
    ['beats the default', { DEMERGE_EMERGE: 'emerge-webrsync' }, '', 'emerge-webrsync'],
    ['empty means unset', { DEMERGE_EMERGE: '' }, 'emerge = "/usr/bin/emerge"', '/usr/bin/emerge'],
    ['the file beats the default', {}, 'emerge = "/usr/bin/emerge"', '/usr/bin/emerge'],
  ])('%s', (_name, env, text, emerge) => {
    expect(loadConfig(inputs({ [FILE]: text }, { env })).emerge).toBe(emerge);
  });

  it("is checked like the file's emerge", () => {
    expect(() => loadConfig(inputs({}, { env: { DEMERGE_EMERGE: '-rf' } }))).toThrow(
      expect.objectContaining({ message: 'DEMERGE_EMERGE: emerge "-rf" starts with "-"' }),
    );
  });
});

describe('/etc/distcc/hosts fallback', () => {
  const HOSTS = '/etc/distcc/hosts';
  const node = (host: string, more: object = {}) => ({ host, user: 'distcc', port: 22, slots: 4, options: [], ...more });

  it.each([
    [
      'what distcc-config writes',
      '# --- /etc/distcc/hosts -----------\n# See the "Hosts Specification" section of\n# "man distcc" for the format of this file.\n#\n# By default, just test that it works in loopback mode.\n127.0.0.1\n',
      { localSlots: 0, nodes: [node('127.0.0.1')] },
    ],
    [
      'ssh, tcp and localhost',
      '--randomize localhost/3 distcc@a/8,lzo root@b:/usr/local/bin/distccd # comment\n c/6 d:3633 --localslots=2\n@e\n',
      {
        localSlots: 3,
        nodes: [
          node('a', { slots: 8, options: ['lzo'] }),
          node('b', { user: 'root', command: '/usr/local/bin/distccd' }),
          node('c', { slots: 6 }),
          node('d'),
          node('e'),
        ],
      },
    ],
    ["a bare localhost keeps distcc's 2", 'localhost distcc@a', { localSlots: 2, nodes: [node('a')] }],
    ['repeated localhost shares its slots', 'localhost/2 distcc@a localhost/5', { localSlots: 5, nodes: [node('a')] }],
    ['only comments', '# nothing\n', { localSlots: 0, nodes: [] }],
  ])('%s', (_name, text, expected) => {
    expect(loadConfig(inputs({ [HOSTS]: text }))).toEqual({
      ...defaults({ kind: 'distcc-hosts', path: HOSTS }),
      ...expected,
    });
  });

  it.each([
    ['a bad spec, with its line', 'localhost\n# x\ndistcc@node:2222\n', 3, 'looks like a port'],
    ['an option-like host', 'distcc@-oProxyCommand=x', 1, 'starts with "-"'],
    ['the same node twice', 'distcc@a\na/4\n', 2, 'a is listed again (first on line 1)'],
    ['a NUL byte', 'distcc@a\0', 1, 'NUL byte'],
  ])('%s', (_name, text, line, message) => {
    expect(() => loadConfig(inputs({ [HOSTS]: text }))).toThrow(
      expect.objectContaining({ name: 'ConfigError', file: HOSTS, line, message: expect.stringContaining(message) }),
    );
  });

  it('is not read when demerge.conf exists', () => {
    const config = loadConfig(inputs({ [FILE]: '', [HOSTS]: 'distcc@a' }));
    expect(config.source).toEqual({ kind: 'file', path: FILE });
    expect(config.nodes).toEqual([]);
  });

  it('is not read when the named file is missing', () => {
    expect(() => loadConfig(inputs({ [HOSTS]: 'distcc@a' }, { flags: { config: '/x.conf' } }))).toThrow(ConfigError);
  });
});
