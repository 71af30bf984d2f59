import { chmodSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSample } from '../../src/dashboard/parse/ps.js';
import { SAMPLE_BEGIN, SAMPLE_COMMAND, SAMPLE_LOOP_COMMAND } from '../../src/system/node-sample.js';
import { compilesByNode, DEMERGE, lab, LAB_DIR, nodeAddress, resetCompiles, sum, TRANSLATION_UNITS, treeDigest, workspace } from './lab.js';

// Issue 6's checks: the whole recipe by `demerge setup` on nodes that start bare (lab up --bare:
// no distcc account, no build key), as root over the lab's admin key, then a real build whose
// remote compiles the nodes' own process accounting confirms.

const NODES = [1, 2, 3];
const ADDRESSES = NODES.map(nodeAddress);
const ADMIN_KEY = join(LAB_DIR, 'frontend/admin_ed25519');
const FROM = '198.18.0.0/15'; // the front end reaches node I from 198.18.I.1

let dir: string;
let conf: string;
let key: string;
let knownHosts: string;

function writeConf(transport: 'ssh' | 'tunnel'): void {
  const nodes = ADDRESSES.map((address) => `\n[[node]]\nhost = "${address}"\nslots = 2\n`).join('');
  writeFileSync(
    conf,
    `key = "${key}"\nknown_hosts = "${knownHosts}"\nlocal_slots = 0\nconnect_timeout = 3\nload_limit = 0\ntransport = "${transport}"\n${nodes}`,
  );
}

function env(extra: Record<string, string> = {}): Record<string, string> {
  return workspace({ DEMERGE_CONFIG: conf, ...extra }).env;
}

function demergeSetup(args: string[], extra: Record<string, string> = {}) {
  return execa(DEMERGE, args, { reject: false, env: env(extra), extendEnv: false, all: true, stdin: 'ignore' });
}

const nodeArgs = [`--admin-key=${ADMIN_KEY}`, '--restrict', `--from=${FROM}`];

async function hostFingerprint(node: number): Promise<string> {
  const { stdout } = await execa('ssh-keygen', ['-lf', join(LAB_DIR, `nodes/${node}/ssh_host_ed25519_key.pub`)]);
  return stdout.split(' ')[1] as string;
}

async function fingerprintArgs(): Promise<string[]> {
  return (await Promise.all(NODES.map(hostFingerprint))).flatMap((fp) => ['--fingerprint', fp]);
}

/** A login with the build key, as the build makes it, with extra options and a command (or none). */
function buildSsh(node: number, options: string[], command?: string, input = '') {
  return execa(
    'ssh',
    [
      '-F',
      '/dev/null',
      '-i',
      key,
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      `UserKnownHostsFile=${knownHosts}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'ConnectTimeout=3',
      '-l',
      'distcc',
      ...options,
      nodeAddress(node),
      ...(command === undefined ? [] : [command]),
    ],
    { reject: false, input, all: true },
  );
}

/** Each node's log of requests its forced command refused (the lab's nodes have no syslog). */
function refusalLogs(): string[] {
  return NODES.map((node) => {
    try {
      return readFileSync(join(LAB_DIR, `nodes/${node}/distcc/demerge-command.log`), 'utf8');
    } catch {
      return '';
    }
  });
}

/** Everything setup may touch: each node's /etc/distcc tree and account files, the key, known_hosts. */
function setupDigest(): Record<string, string> {
  const digest: Record<string, string> = {};
  for (const node of NODES) {
    const base = join(LAB_DIR, `nodes/${node}`);
    digest[`node ${node} /etc/distcc`] = treeDigest(realpathSync(join(base, 'distcc')));
    for (const file of ['passwd', 'shadow', 'group']) digest[`node ${node} ${file}`] = treeDigest(realpathSync(join(base, file)));
  }
  digest.key = treeDigest(join(dir, 'keys'));
  digest.known_hosts = treeDigest(join(dir, 'kh'));
  return digest;
}

describe('demerge setup from bare nodes', () => {
  beforeAll(async () => {
    await lab('up', '3', '--bare');
    dir = mkdtempSync(join(tmpdir(), 'demerge-setup-'));
    chmodSync(dir, 0o755); // the build user reads the key below it
    conf = join(dir, 'demerge.conf');
    key = join(dir, 'keys/id_ed25519');
    knownHosts = join(dir, 'kh/known_hosts');
    writeConf('ssh');
  });
  afterAll(async () => {
    await lab('up', '3');
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts from nodes without a distcc account', async () => {
    for (const node of NODES) {
      const result = await execa(join(import.meta.dirname, '../../lab/lab'), ['exec', String(node), 'getent', 'passwd', 'distcc'], { reject: false });
      expect(result.exitCode).toBe(2);
    }
  });

  it('trust with a wrong pinned fingerprint writes nothing and exits non-zero', async () => {
    const wrong = await hostFingerprint(2); // node 2's key, pinned for node 1
    const result = await demergeSetup(['trust', ADDRESSES[0] as string, '--fingerprint', wrong]);
    expect(result.exitCode, result.all).toBe(1);
    expect(result.stderr).toContain(`demerge: ${ADDRESSES[0]}: the host key is ${await hostFingerprint(1)}, not the pinned ${wrong}`);
    expect(result.stderr).toContain(`nothing written to ${knownHosts}`);
    expect(existsSync(join(dir, 'kh'))).toBe(false);
  });

  it('setup key creates the build key for portage', async () => {
    const result = await demergeSetup(['setup', 'key']);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toContain(`${key}: created the directory ${join(dir, 'keys')} (0755); created an ed25519 key`);
    const { stdout } = await execa('stat', ['-c', '%U:%G %a', key]);
    expect(stdout).toBe('portage:portage 600');
  });

  it("trust --fingerprint writes the nodes' host keys, printed as ssh-keygen prints them", async () => {
    const result = await demergeSetup(['trust', ...ADDRESSES, ...(await fingerprintArgs())]);
    expect(result.exitCode, result.all).toBe(0);
    for (const node of NODES) {
      expect(result.stdout).toContain(`256 ${await hostFingerprint(node)} ${nodeAddress(node)} (ED25519)`);
      expect(result.stdout).toContain(`${nodeAddress(node)}: trusted for the build: ${await hostFingerprint(node)}`);
    }
    expect(readFileSync(knownHosts, 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('setup node creates the account and the restricted key on every node, as root over the admin key', async () => {
    const result = await demergeSetup(['setup', 'node', ...ADDRESSES, ...nodeArgs]);
    expect(result.exitCode, result.all).toBe(0);
    for (const address of ADDRESSES) {
      expect(result.stdout).toMatch(
        new RegExp(`^${address.replace(/\./g, '\\.')}: created the account distcc .*added the build key .*wrote /etc/distcc/demerge-command`, 'm'),
      );
    }
    const node1 = join(LAB_DIR, 'nodes/1');
    expect(readFileSync(join(node1, 'passwd'), 'utf8')).toMatch(/^distcc:x:\d+:\d+::\/etc\/distcc:\/bin\/bash$/m);
    const keys = readFileSync(join(node1, 'distcc/.ssh/authorized_keys'), 'utf8');
    expect(keys).toMatch(/^restrict,from="198\.18\.0\.0\/15",command="\/etc\/distcc\/demerge-command" ssh-ed25519 \S+ demerge@\S+\n$/);
    const { stdout } = await execa('stat', [
      '-c',
      '%n %U:%G %a',
      ...['distcc', 'distcc/.ssh', 'distcc/.ssh/authorized_keys', 'distcc/demerge-command'].map((p) => realpathSync(join(node1, p))),
    ]);
    expect(stdout.split('\n').map((line) => line.split(' ').slice(1).join(' '))).toEqual([
      'distcc:daemon 755',
      'distcc:daemon 700',
      'distcc:daemon 644',
      'root:root 755',
    ]);
  });

  it("a build through the stand-in compiles on every node, by the nodes' own records", async () => {
    await resetCompiles();
    const refusedBefore = refusalLogs();
    const ws = workspace({ DEMERGE_CONFIG: conf });
    const result = await execa(DEMERGE, ['--oneshot', 'dev-util/hello'], { reject: false, env: ws.env, extendEnv: false, all: true });
    expect(result.exitCode, result.all).toBe(0);
    // The run's checks and its dashboard sampler (which runs without a terminal too) asked
    // nothing the forced command refuses.
    expect(refusalLogs()).toEqual(refusedBefore);
    const counts = await compilesByNode();
    for (const node of NODES) expect(counts.get(node), `node ${node}: ${JSON.stringify([...counts])}`).toBeGreaterThan(0);
    expect(sum(counts.values()) / TRANSLATION_UNITS).toBeGreaterThanOrEqual(0.8);
  });

  it('running the whole setup again changes no file, and says so', async () => {
    const before = setupDigest();
    const whole = await demergeSetup(['setup', ...nodeArgs]);
    expect(whole.exitCode, whole.all).toBe(0);
    expect(whole.stdout).toContain(`${key}: already fine`);
    for (const address of ADDRESSES) expect(whole.stdout).toContain(`${address}: already fine`);
    const key2 = await demergeSetup(['setup', 'key']);
    expect(key2.stdout).toBe(`${key}: already fine`);
    const trust2 = await demergeSetup(['trust', ...ADDRESSES, ...(await fingerprintArgs())]);
    expect(trust2.exitCode, trust2.all).toBe(0);
    for (const address of ADDRESSES) expect(trust2.stdout).toContain(`${address}: already fine`);
    const node2 = await demergeSetup(['setup', 'node', ...ADDRESSES, ...nodeArgs]);
    expect(node2.stdout).toBe(ADDRESSES.map((address) => `${address}: already fine`).join('\n'));
    expect(setupDigest()).toEqual(before);
  });

  describe('the restricted key', () => {
    it("runs the dashboard's sampling command", async () => {
      const result = await buildSsh(1, [], SAMPLE_COMMAND);
      expect(result.exitCode, result.all).toBe(0);
      const sample = parseSample(result.stdout);
      expect(sample.complete).toBe(true);
      expect(sample.cpus).toBeGreaterThan(0);
    });

    it("runs the dashboard sampler's loop, a sample for each line it reads, and logs nothing", async () => {
      const refusedBefore = refusalLogs();
      const result = await buildSsh(1, [], SAMPLE_LOOP_COMMAND, '\n\n');
      expect(result.exitCode, result.all).toBe(0);
      const samples = result.stdout.split(`${SAMPLE_BEGIN}\n`).slice(1);
      expect(samples).toHaveLength(2);
      for (const text of samples) expect(parseSample(text).complete, text).toBe(true);
      expect(refusalLogs()).toEqual(refusedBefore);
    });

    it.each([
      ['a shell', ['-T'], undefined, 1, 'demerge-command: refused'],
      // restrict denies the terminal; ssh -tt then gives up itself.
      ['a shell with a terminal', ['-tt'], undefined, 255, 'PTY allocation request failed'],
      ['another command', [], 'id', 1, 'demerge-command: refused'],
      ['distccd with other options', [], 'distccd --daemon --allow 0.0.0.0/0', 1, 'demerge-command: refused'],
    ])('refuses %s, and logs it', async (_, options, command, exitCode, message) => {
      const result = await buildSsh(1, options, command);
      expect(result.exitCode, result.all).toBe(exitCode);
      expect(result.stdout).not.toMatch(/uid=|\$ $/);
      expect(result.stderr).toContain(message);
      // The lab's nodes have no syslog: refusals go to the account's home.
      const log = readFileSync(join(LAB_DIR, 'nodes/1/distcc/demerge-command.log'), 'utf8');
      expect(log.trim().split('\n').pop()).toMatch(/ refused for distcc from 198\.18\.1\.1: /);
    });

    it('refuses port forwarding', async () => {
      const result = await buildSsh(1, ['-W', '127.0.0.1:22']);
      expect(result.exitCode).toBe(255);
      expect(result.stdout).not.toContain('SSH-2.0');
      expect(result.stderr).toMatch(/administratively prohibited|forwarding/i);
    });
  });

  it('setup node puts back what was broken: a duplicate key, a nologin shell, a locked account', async () => {
    const keys = realpathSync(join(LAB_DIR, 'nodes/2/distcc/.ssh/authorized_keys'));
    const ours = readFileSync(keys, 'utf8');
    const other = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM7lZIvAzaTI9bzKw6TH1xEvGWXwRHrLWcGyXVc4bRPz someone@else\n';
    writeFileSync(keys, `${other}${ours}${ours.replace(/\S+\n$/, 'copy\n')}`);
    await lab('fault', '2', 'shell');
    await lab('fault', '2', 'lock');
    const locked = await demergeSetup(['setup', 'node', nodeAddress(2), ...nodeArgs]);
    expect(locked.exitCode, locked.all).toBe(0);
    expect(locked.stdout).toContain('shell of distcc set to /bin/bash (was /usr/sbin/nologin');
    expect(locked.stdout).toContain(`removed 1 duplicate line(s) of the build key from /etc/distcc/.ssh/authorized_keys`);
    expect(locked.stdout).toContain(`${nodeAddress(2)}: note: the account distcc is locked`);
    expect(readFileSync(keys, 'utf8')).toBe(`${other}${ours}`);
    const result = await demergeSetup(['setup', 'node', nodeAddress(2), ...nodeArgs, '--unlock']);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toBe(`${nodeAddress(2)}: unlocked the account distcc`);
    const status = (await lab('status')).split('\n').find((line) => line.startsWith('2 '));
    expect(status).toMatch(/faults=none$/);
  });

  it('setup node --print prints the exact script, which does the same run by hand', async () => {
    const printed = await demergeSetup(['setup', 'node', '--print', nodeAddress(3), ...nodeArgs]);
    expect(printed.exitCode, printed.all).toBe(0);
    expect(printed.stdout).toMatch(/^# ---- node 198\.18\.3\.2: run as root there/);
    const script = printed.stdout.slice(printed.stdout.indexOf('\n') + 1);
    const byHand = await execa(
      'ssh',
      [
        '-F',
        '/dev/null',
        '-i',
        ADMIN_KEY,
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'BatchMode=yes',
        '-o',
        `UserKnownHostsFile=${knownHosts}`,
        '-o',
        'GlobalKnownHostsFile=/dev/null',
        `root@${nodeAddress(3)}`,
        'sh -s',
      ],
      { input: script, reject: false },
    );
    expect(byHand.exitCode, byHand.stderr).toBe(0);
    expect(byHand.stdout).toBe('@@demerge done');
  });

  it('with transport "tunnel", the restricted key opens the node service\'s entrance only; no other user of the node gets a job through it; the build is >= 95% remote', async () => {
    writeConf('tunnel');
    const setup = await demergeSetup(['setup', 'node', ...ADDRESSES, ...nodeArgs]);
    expect(setup.exitCode, setup.all).toBe(0);
    expect(setup.stdout).toContain("set the build key's options");
    expect(readFileSync(join(LAB_DIR, 'nodes/1/distcc/.ssh/authorized_keys'), 'utf8')).toMatch(
      /^restrict,port-forwarding,permitopen="127\.0\.0\.1:3633",permitlisten="none\.invalid:1",from=/,
    );
    // No TCP listener on the node for the key (permitlisten), and no destination but the entrance.
    const listened = await buildSsh(1, ['-o', 'ExitOnForwardFailure=yes', '-R', '127.0.0.1:4000:127.0.0.1:22'], 'true');
    expect(listened.exitCode, listened.all).toBe(255);
    expect(listened.all).toContain('remote port forwarding failed');
    const elsewhere = await buildSsh(1, ['-W', '127.0.0.1:22']);
    expect(elsewhere.exitCode, elsewhere.all).toBe(255);
    expect(elsewhere.all).toMatch(/administratively prohibited|open failed/);
    // The dry check's trial job takes the same way (its own ssh client, ssh2).
    const checked = await demergeSetup(['--dry-check']);
    expect(checked.exitCode, checked.all).toBe(0);
    await resetCompiles();
    const ws = workspace({ DEMERGE_CONFIG: conf });
    const run = execa(DEMERGE, ['--oneshot', 'dev-util/hello'], { reject: false, env: ws.env, extendEnv: false, all: true });
    // While it builds: the run's name on node 1 (the session's argv), then nobody tries the entrance with it.
    // The build's, not the dry check's: that session may still be ending, and the service with it.
    let session: string | undefined;
    for (let i = 0; i < 300 && session === undefined; i++) {
      const stdout = await lab('exec', '1', 'ps', '-eo', 'args=');
      session = /demerge-node run \S+ \d+ ((?!dry-check-)\S+) 3633$/m.exec(stdout)?.[1];
      if (session === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(session, "the run's session on node 1").toBeDefined();
    // The session is in ps from its exec; it binds the entrance a moment later.
    let listening = '';
    for (let i = 0; i < 300 && !listening.includes('127.0.0.1:3633'); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      listening = await lab('exec', '1', 'ss', '-Hltn');
    }
    const attempts = await lab(
      'exec',
      '1',
      'setpriv',
      '--reuid=nobody',
      '--regid=nogroup',
      '--clear-groups',
      '/usr/bin/python3',
      '-c',
      [
        'import socket,sys',
        'for first in (b"DEMR %s\\nDEMP" % sys.argv[1].encode(), b"DEMR %s\\nDIST00000001" % sys.argv[1].encode(), b"DEMP"):',
        ' s=socket.create_connection(("127.0.0.1",3633))',
        ' s.settimeout(5)',
        ' try:\n  s.sendall(first); print("answer", repr(s.recv(100)))\n except OSError as e:\n  print("closed", e.errno)',
      ].join('\n'),
      session ?? 'none',
    );
    const result = await run;
    expect(result.exitCode, result.all).toBe(0);
    const sockets = listening
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[3])
      .filter(Boolean)
      .sort();
    expect(sockets, listening).toEqual(['127.0.0.1:3633', `${nodeAddress(1)}:22`].sort());
    // The service closed each without a byte: an empty answer or a reset.
    expect(attempts).not.toMatch(/answer b'.+'/);
    expect(attempts.split('\n').filter(Boolean), attempts).toHaveLength(3);
    const counts = await compilesByNode();
    expect(sum(counts.values()) / TRANSLATION_UNITS, `${JSON.stringify([...counts])}\n${result.all}`).toBeGreaterThanOrEqual(0.95);
  });
});
