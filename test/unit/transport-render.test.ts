import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RECONNECT_DELAYS_MS, reconnectDelay } from '../../src/transport/backoff.js';
import { renderConnector } from '../../src/transport/connector.js';
import { LZO_RTT_THRESHOLD_MS, suggestLzo } from '../../src/transport/lzo.js';
import { masterArgs } from '../../src/transport/master-args.js';
import { LineReader, OutputTail } from '../../src/transport/output-tail.js';
import { relayWords } from '../../src/transport/job-relay.js';
import { NODE_PROGRAM } from '../../src/transport/node-program.js';
import {
  nodeRunName,
  NODE_BOOTSTRAP,
  NODE_PROGRAM_NAME,
  parseOthersLine,
  parseReadyLine,
  renderRemoteCommand,
  RUN_REQUEST_PREFIX,
  STATUS_REQUEST,
} from '../../src/transport/remote-command.js';

// The tunnel transport's generated text: the connector distcc runs per job, the master's ssh
// words, the node-side command, and the small policies around them.

describe('connector', () => {
  // A stand-in for the relay's interpreter that prints the words it got, one per line: what the
  // connector would run for the job.
  const dir = mkdtempSync(join(tmpdir(), 'demerge-connector-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fakePerl = join(dir, 'perl');
  writeFileSync(fakePerl, '#!/bin/sh\nprintf "%s\\n" "$@"\n');
  chmodSync(fakePerl, 0o755);
  const relay = { kind: 'perl' as const, path: fakePerl };
  const routes = [
    { host: 'builder1.lan', socket: '/run/demerge/42-abc/tunnel/1.jobs' },
    { host: '10.0.0.7', socket: "/run/demerge/42 a'b/tunnel/2.jobs" },
    { host: 'a;b', socket: '/run/x/semicolon.jobs' },
    { host: '$(touch pwned)', socket: '/run/x/dollar.jobs' },
    { host: '-dash.lan', socket: '/run/x/dash.jobs' },
    { host: 'restricted.lan', socket: '/run/x/entrance.jobs', entranceRun: '42-abc.1' },
  ];
  const connector = join(dir, 'connect');
  writeFileSync(connector, renderConnector({ runId: '42-abc', relay, routes, held: ['full.lan', '*'] }));
  chmodSync(connector, 0o755);
  const run = (args: string[]): { status: number; words: string[]; stderr: string } => {
    // The relay runs in the background on the connector's stdout: spawnSync waits for both.
    const result = spawnSync(connector, args, { encoding: 'utf8', cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: result.status ?? -1, words: result.stdout.split('\n').filter((w) => w !== ''), stderr: result.stderr };
  };

  it.each([
    ['distcc 3.4 with a user', ['-l', 'distcc', 'builder1.lan', 'distccd', '--inetd', '--enable-tcp-insecure'], 0],
    ['no user', ['10.0.0.7', 'distccd', '--inetd', '--enable-tcp-insecure'], 1],
    ['a remote command path', ['-l', 'build', '10.0.0.7', '/usr/bin/distccd', '--inetd'], 1],
    ['extra options before the host', ['-x', '-l', 'distcc', 'builder1.lan', 'distccd'], 0],
    ['a host with a shell metacharacter, matched literally', ['-l', 'distcc', 'a;b', 'distccd'], 2],
    ['a host that looks like a command substitution, matched literally', ['$(touch pwned)', 'distccd'], 3],
    ["a node with the service's TCP entrance (the run's name follows the socket)", ['-l', 'distcc', 'restricted.lan', 'distccd'], 5],
  ])("%s: relays the job to the node connection's forwarded socket", (_name, args, index) => {
    const route = routes[index] as (typeof routes)[number];
    const result = run(args);
    expect(result.status, result.stderr).toBe(0);
    // The relay's exact words (after its interpreter), the socket one word however it is spelt.
    expect(result.words).toEqual(relayWords(relay, route.socket, route.entranceRun).slice(1));
    expect(result.words.at(-1)).toBe(route.entranceRun ?? route.socket);
    // Nothing distcc appends reaches the relay: the whitelist switch least of all.
    expect(result.words).not.toContain('--enable-tcp-insecure');
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it.each([
    ['an unknown host', ['-l', 'distcc', 'other.lan', 'distccd', '--inetd']],
    ['a host differing in case', ['-l', 'distcc', 'BUILDER1.lan', 'distccd']],
    ['a glob that would match a route', ['-l', 'distcc', 'builder1.*', 'distccd']],
    ['a prefix of a route', ['-l', 'distcc', 'builder1', 'distccd']],
    // distcc never names a host with a leading "-" (ssh would take it for an option), and the
    // connector skips it as one: such a host has no route, whatever the routes say.
    ['a host starting with "-"', ['-dash.lan', 'distccd']],
    ['no host at all', ['-l', 'distcc']],
    ['nothing', []],
  ])('%s: fails with 255 and a reason, running nothing', (_name, args) => {
    const result = run(args);
    expect(result.status).toBe(255);
    expect(result.words).toEqual([]);
    expect(result.stderr).toMatch(/^demerge: no connection to node /);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it.each([['full.lan'], ['*']])("fails a held node's jobs at once and quietly, running nothing (%s)", (host) => {
    expect(run(['-l', 'distcc', host, 'distccd', '--inetd'])).toEqual({ status: 255, words: [], stderr: '' });
  });

  it('a held pattern is a literal: "*" holds no other host', () => {
    expect(run(['builder1.lan', 'distccd']).status).toBe(0);
  });

  it("returns at once and leaves the job's bytes to the relay on distcc's own pipes", () => {
    // distcc waits for this program after each job; the relay ends a round trip later.
    const echoRelay = join(dir, 'echo-relay');
    writeFileSync(echoRelay, '#!/bin/sh\nread -r line\necho "relayed to $3: $line"\n');
    chmodSync(echoRelay, 0o755);
    const script = join(dir, 'relay-connector');
    writeFileSync(script, renderConnector({ runId: '1-x', relay: { kind: 'perl', path: echoRelay }, routes: [{ host: 'a', socket: '/s.jobs' }] }));
    chmodSync(script, 0o755);
    // The job's bytes are written only after the connector has exited, as distcc may.
    const out = execFileSync('sh', ['-c', '(sleep 0.3; echo "job bytes") | { "$0" -l distcc a distccd --inetd; echo "connector exited $?"; }', script], {
      encoding: 'utf8',
    });
    expect(out).toBe('connector exited 0\nrelayed to /s.jobs: job bytes\n');
  });

  it.each(['perl', 'python3'] as const)('quotes the %s relay for sh, every word intact', (kind) => {
    // An interpreter path with a space and a quote, and the python relay's lines.
    const odd = join(dir, `in ter'p-${kind}`);
    writeFileSync(odd, '#!/bin/sh\nprintf "%s\\0" "$0" "$@"\n');
    chmodSync(odd, 0o755);
    const interpreter = { kind, path: odd };
    const script = join(dir, `connector-${kind}`);
    const text = renderConnector({ runId: '1-x', relay: interpreter, routes: [{ host: 'h', socket: "/r/1 it's.jobs" }] });
    writeFileSync(script, text);
    chmodSync(script, 0o755);
    expect(() => execFileSync('sh', ['-n', '-c', text])).not.toThrow();
    const result = spawnSync(script, ['h', 'distccd'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(relayWords(interpreter, "/r/1 it's.jobs"));
  });

  it('with no route left still parses (a run whose nodes all dropped)', () => {
    const text = renderConnector({ runId: '1-x', relay, routes: [] });
    expect(() => execFileSync('sh', ['-n', '-c', text])).not.toThrow();
  });
});

describe('master', () => {
  const args = masterArgs({
    ssh: '/usr/bin/ssh',
    node: { host: 'builder1.lan', port: 2222, user: 'distcc' },
    key: '/etc/distcc/.ssh/id_ed25519',
    knownHosts: '/var/tmp/portage/.ssh/known_hosts',
    connectTimeout: 5,
    controlPath: '/run/demerge/42-abc/tunnel/1',
    remoteCommand: 'REMOTE',
  });
  const options = args.flatMap((word, i) => (args[i - 1] === '-o' ? [word] : []));

  it('multiplexes, and only this way (ssh keeps the first value of an option)', () => {
    expect(options.filter((o) => o.startsWith('ControlMaster='))).toEqual(['ControlMaster=yes']);
    expect(options.filter((o) => o.startsWith('ControlPath='))).toEqual(['ControlPath=/run/demerge/42-abc/tunnel/1']);
    expect(options).toContain('ControlPersist=no');
  });

  it.each([
    'StrictHostKeyChecking=yes',
    'BatchMode=yes',
    'IdentitiesOnly=yes',
    'UpdateHostKeys=no',
    'IdentityFile=/etc/distcc/.ssh/id_ed25519',
    'UserKnownHostsFile=/var/tmp/portage/.ssh/known_hosts',
    'ConnectTimeout=5',
    'ServerAliveInterval=5',
    'ForwardAgent=no',
  ])("keeps the recipe's %s", (option) => {
    expect(options).toContain(option);
  });

  it('reads no ssh_config, asks for no tty, and ends with host and command', () => {
    expect(args.slice(0, 2)).toEqual(['-F', '/dev/null']);
    expect(args.slice(-7)).toEqual(['-T', '-p', '2222', '-l', 'distcc', 'builder1.lan', 'REMOTE']);
  });

  it('escapes % in paths, which ssh would expand', () => {
    const escaped = masterArgs({
      ssh: 'ssh',
      node: { host: 'a', port: 22, user: 'distcc' },
      key: '/k%h',
      knownHosts: '/kh',
      connectTimeout: 5,
      controlPath: '/run/x%/1',
      remoteCommand: 'R',
    });
    expect(escaped).toContain('ControlPath=/run/x%%/1');
    expect(escaped).toContain('IdentityFile=/k%%h');
  });
});

describe('node-side command', () => {
  it("is a fixed bootstrap in one single-quoted word, with the run's values as its arguments", () => {
    const command = renderRemoteCommand({ distccd: '/usr/bin/distccd', slots: 8, run: '42-abc.1' });
    expect(command).toBe(`exec python3 -I -S -c '${NODE_BOOTSTRAP}' ${NODE_PROGRAM_NAME} run /usr/bin/distccd 8 42-abc.1`);
    expect(command.startsWith(RUN_REQUEST_PREFIX)).toBe(true);
    expect(STATUS_REQUEST).toBe(`exec python3 -I -S -c '${NODE_BOOTSTRAP}' ${NODE_PROGRAM_NAME} status`);
    // It runs only the program of this many bytes with this SHA-256, read from stdin.
    expect(NODE_BOOTSTRAP).toContain(`p=r(${Buffer.byteLength(NODE_PROGRAM)})`);
    expect(NODE_BOOTSTRAP).toContain(`=="${createHash('sha256').update(NODE_PROGRAM).digest('hex')}"`);
    expect(NODE_BOOTSTRAP).not.toContain("'");
    expect(command.length).toBeLessThan(400);
    expect(NODE_PROGRAM).not.toContain('enable-tcp-insecure');
    expect(NODE_PROGRAM).toContain('"--listen", "127.0.0.1"');
    expect(NODE_PROGRAM).toContain('"--allow", "127.0.0.1"');
  });

  it('the program compiles under python3', () => {
    const result = spawnSync('python3', ['-I', '-S', '-c', 'import sys; compile(sys.stdin.read(), "demerge-node", "exec")'], {
      input: NODE_PROGRAM,
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
  });

  it('as sh runs it, the program refuses a bad request with one line and status 1', () => {
    // The renderer refuses these first; the program checks again (a hand-made request).
    for (const words of ['run distccd 0 r', 'run distccd 4097 r', 'run "a b" 1 r', 'run distccd 1 a/b', 'run distccd 1', 'status x', '']) {
      const result = spawnSync('sh', ['-c', `exec python3 -I -S -c '${NODE_BOOTSTRAP}' ${NODE_PROGRAM_NAME} ${words}`], {
        input: NODE_PROGRAM,
        encoding: 'utf8',
      });
      expect(result.status, words).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr, words).toMatch(/^demerge-node: (unsafe distccd path|bad slot count|bad run name|usage: .*)\n$/);
    }
  });

  it.each([
    ['distccd', 'distccd; reboot'],
    ['distccd', 'distccd reboot'],
    ['distccd', '$(id)'],
    ['distccd', "dist'ccd"],
    ['distccd', ''],
    ['distccd', '/usr/bin/distccd\n'],
    ['distccd', '/usr/bin/dïstccd'],
    ['slots', 0],
    ['slots', -1],
    ['slots', 4097],
    ['slots', 5000],
    ['slots', 1.5],
    ['slots', Number.NaN],
    ['run', ''],
    ['run', 'a b'],
    ['run', 'a/b'],
    ['run', '../x'],
    ['run', 'a;id'],
    ['run', '$(id)'],
    ['run', '`id`'],
    ['run', 'a|b'],
    ['run', 'a&b'],
    ['run', "a'b"],
    ['run', 'a\nb'],
    ['run', 'a\tb'],
    ['run', 'ränn'],
    ['run', 'run\u00a0x'],
    ['run', 'x'.repeat(65)],
  ])('refuses a bad %s: %j', (field, value) => {
    const input = { distccd: 'distccd', slots: 4, run: '42-abc.1', [field]: value };
    expect(() => renderRemoteCommand(input)).toThrow(/unsafe distccd path|bad slot count|bad run name/);
  });

  it.each([
    ['slots', 1],
    ['slots', 4096],
    ['run', 'x'.repeat(64)],
    ['run', 'a._+-9'],
    // An argument after python's -c is the program's, never an option: a leading "-" is a name.
    ['run', '-x'],
    ['distccd', '/opt/distcc-3.4/bin/distccd'],
  ])('accepts %s %j', (field, value) => {
    const input = { distccd: 'distccd', slots: 4, run: '42-abc.1', [field]: value };
    expect(renderRemoteCommand(input).split(' ').slice(-3)).toEqual([input.distccd, String(input.slots), input.run]);
  });

  it.each([
    ['ready /tmp/demerge-1000/run-42-abc.1.sock 8', { socket: '/tmp/demerge-1000/run-42-abc.1.sock', slots: 8 }],
    ['ready /tmp/x/run-a.sock 2\r', { socket: '/tmp/x/run-a.sock', slots: 2 }],
    ['  ready /tmp/x/run-a.sock 2  ', { socket: '/tmp/x/run-a.sock', slots: 2 }],
    ['ready /tmp/x/run-a.sock 9999', { socket: '/tmp/x/run-a.sock', slots: 9999 }],
    ['ready /tmp/x/run-a.sock 0', undefined],
    ['ready /tmp/x/run-a.sock 10000', undefined],
    ['ready /tmp/x/run-a.sock -1', undefined],
    ['ready /tmp/x/run-a.sock', undefined],
    ['ready tmp/x/run-a.sock 2', undefined],
    ['ready /tmp/x/run-a 2', undefined],
    ['ready /tmp/x/run a.sock 2', undefined],
    ['ready /tmp/x/$(id).sock 2', undefined],
    ['ready /tmp/x/run-a.sock 2 3', undefined],
    ['ready /tmp/x/run-a.sock 2 127.0.0.1:3633 a.1', { socket: '/tmp/x/run-a.sock', slots: 2, entrance: { port: 3633, run: 'a.1' } }],
    ['ready /tmp/x/run-a.sock 2 127.0.0.1:70000 a.1', undefined],
    ['ready /tmp/x/run-a.sock 2 127.0.0.1:0 a.1', undefined],
    ['ready /tmp/x/run-a.sock 2 10.0.0.1:3633 a.1', undefined],
    ['ready /tmp/x/run-a.sock 2 127.0.0.1:3633', undefined],
    ['ready /tmp/x/run-a.sock 2 127.0.0.1:3633 a/b', undefined],
    ['ready /tmp/x/run-a.sock 2; rm -rf /', undefined],
    ['ready /tmp/x/run-ä.sock 2', undefined],
    ['ready 23456', undefined],
    [`ready /${'a'.repeat(200)}.sock 2`, { socket: `/${'a'.repeat(200)}.sock`, slots: 2 }],
    [`ready /${'a'.repeat(201)}.sock 2`, undefined],
    ['Welcome to node 1', undefined],
    ['xready /tmp/x/run-a.sock 2', undefined],
    ['', undefined],
  ])('reads %j as %j', (line, endpoint) => {
    expect(parseReadyLine(line)).toEqual(endpoint);
  });

  it.each([
    ['others 0 0 0', { jobs: 0, waiting: 0, runs: 0 }],
    ['others 3 12 2\r', { jobs: 3, waiting: 12, runs: 2 }],
    ['others 99999 999999 99999', { jobs: 99999, waiting: 999999, runs: 99999 }],
    ['others 100000 0 0', undefined],
    ['others 0 1000000 0', undefined],
    ['others 1 2', undefined],
    ['others 1 2 3 4', undefined],
    ['others -1 0 0', undefined],
    ['others 1.5 0 0', undefined],
    ['others a b c', undefined],
    ['others 1 2 3; id', undefined],
    ['others ١ ٢ ٣', undefined],
    ['ready /tmp/x/run-a.sock 2', undefined],
    ['distccd[1] (x) ERROR: others 1 2 3', undefined],
    ['', undefined],
  ])('reads %j as %j', (line, shared) => {
    expect(parseOthersLine(line)).toEqual(shared);
  });

  it.each([
    ['42-abc', 1, '42-abc.1'],
    ['42-abc', 17, '42-abc.17'],
    ['run id/with spaces;$(x)', 2, 'run_id_with_spaces___x_.2'],
    ['ränn', 1, 'r_nn.1'],
    ['x'.repeat(100), 123456, `${'x'.repeat(48)}.123456`],
  ])('names run %j attempt %i %j, a name the renderer takes', (runId, attempt, name) => {
    expect(nodeRunName(runId, attempt)).toBe(name);
    expect(() => renderRemoteCommand({ distccd: 'distccd', slots: 1, run: name })).not.toThrow();
  });

  it('gives each attempt its own name, so a reconnect never meets its old lease', () => {
    const names = new Set(Array.from({ length: 20 }, (_, i) => nodeRunName('42-abc', i + 1)));
    expect(names.size).toBe(20);
  });
});

describe('policies', () => {
  it.each([
    [0, 1000],
    [1, 2000],
    [5, 30000],
    [50, 30000],
    [-1, 1000],
  ])('reconnect attempt %i waits %i ms', (attempt, ms) => {
    expect(reconnectDelay(attempt)).toBe(ms);
    expect(RECONNECT_DELAYS_MS.at(-1)).toBe(30000);
  });

  it.each([
    [0.2, false],
    [1, false],
    [LZO_RTT_THRESHOLD_MS - 0.01, false],
    [LZO_RTT_THRESHOLD_MS, true],
    [40, true],
    [Number.NaN, false],
    [Infinity, false],
  ])('suggestLzo(%s) is %s', (rtt, expected) => {
    expect(suggestLzo(rtt)).toBe(expected);
  });

  it("keeps the last line of a child's stderr and bounds what it keeps", () => {
    const tail = new OutputTail(64);
    tail.push('Warning: Permanently added\r\n');
    tail.push(`${'x'.repeat(500)}\nPermission denied (publickey).\r\n\n`);
    expect(tail.lastLine()).toBe('Permission denied (publickey).');
    const lines: string[] = [];
    const reader = new LineReader((line) => lines.push(line));
    reader.push('rea');
    reader.push('dy 1\nready 2\nrest');
    expect(lines).toEqual(['ready 1', 'ready 2']);
  });
});
