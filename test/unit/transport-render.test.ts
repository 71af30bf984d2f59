import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECONNECT_DELAYS_MS, reconnectDelay } from '../../src/transport/backoff.js';
import { renderConnector } from '../../src/transport/connector.js';
import { LZO_RTT_THRESHOLD_MS, suggestLzo } from '../../src/transport/lzo.js';
import { masterArgs } from '../../src/transport/master-args.js';
import { LineReader, OutputTail } from '../../src/transport/output-tail.js';
import { candidatePorts, PORT_RANGE } from '../../src/transport/ports.js';
import { parseReadyLine, renderRemoteCommand, TUNNEL_SCRIPT, TUNNEL_SCRIPT_NAME } from '../../src/transport/remote-command.js';

// The tunnel transport's generated text: the connector distcc runs per job, the master's ssh
// words, the node-side command, and the small policies around them.

describe('connector', () => {
  // A stand-in for ssh that prints the words it got, one per line: what the connector would run.
  const dir = mkdtempSync(join(tmpdir(), 'demerge-connector-'));
  const fakeSsh = join(dir, 'ssh');
  writeFileSync(fakeSsh, '#!/bin/sh\nprintf "%s\\n" "$@"\n');
  chmodSync(fakeSsh, 0o755);
  const connector = join(dir, 'connect');
  writeFileSync(
    connector,
    renderConnector({
      runId: '42-abc',
      ssh: fakeSsh,
      routes: [
        { host: 'builder1.lan', controlPath: '/run/demerge/42-abc/tunnel/1', port: 23456 },
        { host: '10.0.0.7', controlPath: '/run/demerge/42-abc/tunnel/2', port: 31000 },
      ],
      held: ['full.lan'],
    }),
  );
  chmodSync(connector, 0o755);
  const run = (args: string[]): { status: number; words: string[]; stderr: string } => {
    try {
      const out = execFileSync(connector, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { status: 0, words: out.split('\n').filter((w) => w !== ''), stderr: '' };
    } catch (error) {
      const e = error as { status: number; stderr: string };
      return { status: e.status, words: [], stderr: e.stderr };
    }
  };

  it.each([
    ['distcc 3.4 with a user', ['-l', 'distcc', 'builder1.lan', 'distccd', '--inetd', '--enable-tcp-insecure'], 'builder1.lan', 1, 23456],
    ['no user', ['10.0.0.7', 'distccd', '--inetd', '--enable-tcp-insecure'], '10.0.0.7', 2, 31000],
    ['a remote command path', ['-l', 'build', '10.0.0.7', '/usr/bin/distccd', '--inetd'], '10.0.0.7', 2, 31000],
    ['extra options before the host', ['-x', '-l', 'distcc', 'builder1.lan', 'distccd'], 'builder1.lan', 1, 23456],
  ])("%s: relays to the node's run-scoped distccd over its master", (_name, args, host, index, port) => {
    const result = run(args);
    expect(result.status).toBe(0);
    expect(result.words).toEqual([
      '-F',
      '/dev/null',
      '-S',
      `/run/demerge/42-abc/tunnel/${index}`,
      '-o',
      'ControlMaster=no',
      '-o',
      'ProxyCommand=false',
      '-o',
      'BatchMode=yes',
      '-o',
      'LogLevel=QUIET',
      '-W',
      `127.0.0.1:${port}`,
      host,
    ]);
    // Nothing distcc appends reaches the node: the whitelist switch least of all.
    expect(result.words).not.toContain('--enable-tcp-insecure');
  });

  it.each([
    ['an unknown host', ['-l', 'distcc', 'other.lan', 'distccd', '--inetd']],
    ['a host differing in case', ['-l', 'distcc', 'BUILDER1.lan', 'distccd']],
    ['a glob-like host', ['-l', 'distcc', '*', 'distccd']],
    ['no host at all', ['-l', 'distcc']],
    ['nothing', []],
  ])('%s: fails with 255 and a reason, running nothing', (_name, args) => {
    const result = run(args);
    expect(result.status).toBe(255);
    expect(result.stderr).toMatch(/^demerge: no connection to node /);
  });

  it("fails a held node's jobs at once and quietly, running nothing", () => {
    expect(run(['-l', 'distcc', 'full.lan', 'distccd', '--inetd'])).toEqual({ status: 255, words: [], stderr: '' });
  });

  it("returns at once and leaves the job's bytes to ssh on distcc's own pipes", () => {
    // distcc waits for this program after each job; ssh -W would end a round trip later.
    const echoSsh = join(dir, 'echo-ssh');
    writeFileSync(echoSsh, '#!/bin/sh\nread -r line\necho "relayed: $line"\n');
    chmodSync(echoSsh, 0o755);
    const relay = join(dir, 'relay');
    writeFileSync(relay, renderConnector({ runId: '1-x', ssh: echoSsh, routes: [{ host: 'a', controlPath: '/c', port: 1 }] }));
    chmodSync(relay, 0o755);
    // The job's bytes are written only after the connector has exited, as distcc may.
    const out = execFileSync('sh', ['-c', '(sleep 0.3; echo "job bytes") | { "$0" -l distcc a distccd --inetd; echo "connector exited $?"; }', relay], {
      encoding: 'utf8',
    });
    expect(out).toBe('connector exited 0\nrelayed: job bytes\n');
  });

  it('with no route left still parses (a run whose nodes all dropped)', () => {
    const text = renderConnector({ runId: '1-x', ssh: '/usr/bin/ssh', routes: [] });
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
  it("is the fixed script with the run's values as its parameters", () => {
    const command = renderRemoteCommand({ distccd: '/usr/bin/distccd', ports: [23456, 23457], jobs: 8 });
    expect(command).toBe(`exec /bin/sh -c '${TUNNEL_SCRIPT}' ${TUNNEL_SCRIPT_NAME} /usr/bin/distccd 8 23456 23457`);
    expect(TUNNEL_SCRIPT).not.toContain("'");
    expect(TUNNEL_SCRIPT).not.toContain('\n');
    expect(TUNNEL_SCRIPT).not.toContain('enable-tcp-insecure');
    expect(TUNNEL_SCRIPT).toContain('--listen 127.0.0.1');
    expect(TUNNEL_SCRIPT).toContain('--allow 127.0.0.1');
    expect(() => execFileSync('sh', ['-n', '-c', TUNNEL_SCRIPT])).not.toThrow();
  });

  it.each([
    [{ distccd: 'distccd; reboot', ports: [1], jobs: 1 }],
    [{ distccd: 'distccd', ports: [], jobs: 1 }],
    [{ distccd: 'distccd', ports: [70000], jobs: 1 }],
    [{ distccd: 'distccd', ports: [1], jobs: 0 }],
  ])('refuses %j', (input) => {
    expect(() => renderRemoteCommand(input)).toThrow();
  });

  it.each([
    ['ready 23456', 23456],
    ['ready 23456\r', 23456],
    ['ready 0', undefined],
    ['ready 65536', undefined],
    ['ready', undefined],
    ['Welcome to node 1', undefined],
    ['ready 1 2', undefined],
  ])('reads %j as port %s', (line, port) => {
    expect(parseReadyLine(line)).toBe(port);
  });
});

describe('policies', () => {
  it('picks distinct ports below the ephemeral range', () => {
    for (let round = 0; round < 50; round++) {
      const ports = candidatePorts();
      expect(new Set(ports).size).toBe(ports.length);
      for (const port of ports) {
        expect(port).toBeGreaterThanOrEqual(PORT_RANGE.min);
        expect(port).toBeLessThanOrEqual(PORT_RANGE.max);
        expect(port).toBeLessThan(32768);
      }
    }
  });

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
