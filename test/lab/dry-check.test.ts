import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '../unit/checks-schema-validator.js';
import { DEMERGE, LAB_CONFIG, LAB_DIR, lab, nodeAddress, runDirsLeft, workspace } from './lab.js';

// Issue 3's checks against the real lab: for each fault, `demerge --dry-check` names the node,
// the cause and the fix, exits with the right status, and is done within the connect timeout
// (3 s in the lab's config) plus one second.

const SCHEMA = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../schema/dry-check.schema.json'), 'utf8')) as Record<string, unknown>;
const CONNECT_TIMEOUT_MS = 3000;
// The bound, plus room for starting Node.js on a machine other tests keep busy.
const BOUND_MS = CONNECT_TIMEOUT_MS + 1000;
const START_MARGIN_MS = 1000;
const NODE = 2;
const NAME = nodeAddress(NODE);
const FRONTEND = join(LAB_DIR, 'frontend');
const AUTHORIZED_KEYS = join(LAB_DIR, 'nodes', String(NODE), 'distcc', '.ssh', 'authorized_keys');

interface Check {
  id: string;
  node: string | null;
  verdict: 'ok' | 'warn' | 'fail';
  message: string;
  fix?: string;
}
interface Document {
  nodes: Array<{ name: string; usable: boolean }>;
  checks: Check[];
  summary: { exitCode: number; usableNodes: number; distccHosts: string };
}

async function dryCheck(
  options: { config?: string; json?: boolean } = {},
): Promise<{ exitCode: number; stdout: string; stderr: string; ms: number; doc?: Document }> {
  const ws = workspace(options.config === undefined ? {} : { DEMERGE_CONFIG: options.config });
  const started = performance.now();
  const result = await execa(DEMERGE, ['--dry-check', ...(options.json === false ? [] : ['--json'])], { reject: false, env: ws.env, extendEnv: false });
  const ms = Math.round(performance.now() - started);
  console.log(`dry-check: exit ${result.exitCode} in ${ms} ms`);
  const doc = options.json === false ? undefined : (JSON.parse(result.stdout) as Document);
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr, ms, ...(doc === undefined ? {} : { doc }) };
}

function failures(doc: Document): Check[] {
  return doc.checks.filter((check) => check.verdict !== 'ok');
}

/** A copy of the lab's config with other key or known_hosts paths, or another transport. */
function configWith(dir: string, replace: { key?: string; knownHosts?: string; transport?: 'ssh' | 'tunnel' }): string {
  let text = readFileSync(LAB_CONFIG, 'utf8');
  if (replace.transport !== undefined) text = `transport = "${replace.transport}"\n${text}`;
  if (replace.key !== undefined) text = text.replace(/^key = .*$/m, `key = "${replace.key}"`);
  if (replace.knownHosts !== undefined) text = text.replace(/^known_hosts = .*$/m, `known_hosts = "${replace.knownHosts}"`);
  const path = join(dir, 'demerge.conf');
  writeFileSync(path, text);
  return path;
}

const scratchDirs: string[] = [];

/** A directory the build user can enter, on the host's file system (visible inside the nodes). */
function scratch(): string {
  const dir = mkdtempSync('/var/tmp/demerge-dry-check-');
  chmodSync(dir, 0o755);
  scratchDirs.push(dir);
  return dir;
}

function portageIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('portage:')) as string;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function inNode(script: string): Promise<void> {
  await lab('exec', String(NODE), 'sh', '-c', script);
}

// The compiler distcc forwards (${CHOST}-gcc), resolved on the host: the nodes share its /usr,
// and inside a node whose gcc is faked the name could no longer be worked out.
const COMPILER = realpathSync(`/usr/bin/${execFileSync('gcc', ['-dumpmachine'], { encoding: 'utf8' }).trim()}-gcc`);

async function healNode(): Promise<void> {
  await lab('heal', String(NODE), 'all');
  // Whatever a test bind-mounted inside the node, and the build key's line as `up` wrote it.
  await inNode(`umount /usr/bin/distccd 2>/dev/null; umount ${COMPILER} 2>/dev/null; umount /usr/lib/distcc 2>/dev/null; true`);
  writeFileSync(AUTHORIZED_KEYS, readFileSync(join(FRONTEND, 'id_ed25519.pub')));
}

function expectWithinBound(ms: number): void {
  expect(ms, `finished in ${ms} ms`).toBeLessThan(BOUND_MS + START_MARGIN_MS);
}

describe('demerge --dry-check on the lab', () => {
  beforeAll(async () => {
    await lab('status');
    await healNode();
  });
  afterEach(async () => {
    await healNode();
  });
  afterAll(async () => {
    await healNode();
    for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('passes a healthy lab with exit 0 and a JSON document that fits the schema', async () => {
    const run = await dryCheck();
    expect(run.exitCode, run.stdout).toBe(0);
    expect(validate(SCHEMA, run.doc)).toEqual([]);
    expect(failures(run.doc!)).toEqual([]);
    expect(run.doc!.summary.usableNodes).toBe(3);
    expect(run.doc!.summary.distccHosts).toBe(`distcc@${nodeAddress(1)}/2 distcc@${nodeAddress(2)}/2 distcc@${nodeAddress(3)}/2`);
    // The slow check ran, through the build's transport, on every node.
    expect(run.doc!.checks.filter((c) => c.id === 'node.trial-compile' && c.verdict === 'ok')).toHaveLength(3);
    expectWithinBound(run.ms);
    expect(runDirsLeft()).toEqual([]);
  });

  it("logs in once per node: the trial compile goes over the probe's connection", async () => {
    const log = join(LAB_DIR, 'nodes', String(NODE), 'sshd.log');
    const logins = (): number =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => line.includes('Accepted publickey for distcc')).length;
    const before = logins();
    await lab('compiles-reset', String(NODE));
    const run = await dryCheck();
    expect(run.exitCode, run.stdout).toBe(0);
    const trial = run.doc!.checks.find((c) => c.id === 'node.trial-compile' && c.node === NAME);
    expect(trial, run.stdout).toMatchObject({ verdict: 'ok' });
    expect(trial?.message).toMatch(/by distcc as the build user over the node's ssh connection/);
    expect(logins() - before).toBe(1);
    // The compile ran on the node, as the node's user.
    expect(Number((await lab('compiles', String(NODE))).trim())).toBeGreaterThan(0);
  });

  it('prints one plain line per check when not on a terminal', async () => {
    const run = await dryCheck({ json: false });
    expect(run.exitCode).toBe(0);
    const lines = run.stdout.split('\n').filter((line) => /^(ok|warn|FAIL) /.test(line));
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) expect(line).toMatch(/^(ok {2}|warn|FAIL) {2}\S+ +[a-z-]+(\.[a-z-]+)*: \S/);
    expect(run.stdout).toContain(`ok    ${NAME}  node.login: key login as distcc in`);
    expect(run.stdout).toContain('MAKEOPTS="-j13"');
  });

  it('shows a task list on a terminal', async () => {
    const ws = workspace();
    const result = await execa('script', ['-qec', `stty cols 120; ${DEMERGE} --dry-check`, '/dev/null'], { env: ws.env, extendEnv: false, reject: false });

    const text = result.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    expect(result.exitCode, text).toBe(0);
    expect(text).toContain(`${NAME}: usable, 2 slots`);
    expect(text).toContain('compile nodes (3)');
    expect(text).toContain('all checks passed (exit 0)');
  });

  // Faults of one node: the others stay usable, so the exit status is 1.
  it.each([
    { fault: 'sshd', id: 'node.tcp', message: /^connection refused: nothing listens on 198\.18\.2\.2 port 22/, fix: /start sshd/ },
    { fault: 'link', id: 'node.tcp', message: /no answer from 198\.18\.2\.2 port 22 within 3 s|no route to 198\.18\.2\.2/, fix: /reachable|route/ },
    { fault: 'drop', id: 'node.tcp', message: /no answer from 198\.18\.2\.2 port 22 within 3 s/, fix: /firewall/ },
    {
      fault: 'hostkey',
      id: 'node.host-key',
      message: /^HOST KEY CHANGED for 198\.18\.2\.2: the node presents SHA256:\S+.*man-in-the-middle/,
      fix: /ssh-keygen -lf .*ssh-keygen -R '198\.18\.2\.2'/,
    },
    { fault: 'lock', id: 'node.login', message: /refused key or locked account/, fix: /sshd's log.*usermod -U distcc/ },
    { fault: 'shell', id: 'node.exec', message: /login shell of distcc is nologin/, fix: /usermod -s \/bin\/sh distcc/ },
  ])('names node, cause and fix with a $fault fault', async ({ fault, id, message, fix }) => {
    await lab('fault', String(NODE), fault);
    const run = await dryCheck();
    expect(run.exitCode, run.stdout).toBe(1);
    const [problem, ...more] = failures(run.doc!);
    expect(more, JSON.stringify(more)).toEqual([]);
    expect(problem).toMatchObject({ id, node: NAME, verdict: 'fail' });
    expect(problem?.message).toMatch(message);
    expect(problem?.fix).toMatch(fix);
    expect(run.doc!.summary.distccHosts).toBe(`distcc@${nodeAddress(1)}/2 distcc@${nodeAddress(3)}/2`);
    expectWithinBound(run.ms);
  });

  it('names a node missing from known_hosts, with its fingerprint and ssh-keyscan', async () => {
    const dir = scratch();
    const knownHosts = join(dir, 'known_hosts');
    const lines = readFileSync(join(FRONTEND, 'known_hosts'), 'utf8').split('\n');
    writeFileSync(knownHosts, lines.filter((line) => !line.startsWith(`${NAME} `)).join('\n'), { mode: 0o644 });
    const run = await dryCheck({ config: configWith(dir, { knownHosts }) });
    expect(run.exitCode, run.stdout).toBe(1);
    const [problem, ...more] = failures(run.doc!);
    expect(more).toEqual([]);
    expect(problem).toMatchObject({ id: 'node.host-key', node: NAME, verdict: 'fail' });
    const expected = (await execa('ssh-keygen', ['-lf', join(LAB_DIR, 'nodes', String(NODE), 'ssh_host_ed25519_key.pub')])).stdout.split(' ')[1];
    expect(problem?.message).toBe(`known_hosts has no entry for ${NAME}; the node presents ${expected}`);
    expect(problem?.fix).toContain(`ssh-keyscan ${NAME} >> ${knownHosts}`);
    expectWithinBound(run.ms);
  });

  // Faults of the front end's key: no node can be used, exit 2, named as "local".
  it.each([
    {
      what: 'mode 0644',
      id: 'key.permissions',
      owner: 'portage',
      mode: 0o644,
      file: 'id_ed25519',
      message: /mode 0644 and belongs to portage: ssh refuses it/,
      fix: /^chmod 0600 /,
    },
    {
      what: 'unreadable by portage',
      id: 'key.build-user',
      owner: 'root',
      mode: 0o600,
      file: 'id_ed25519',
      message: /the build user portage cannot read the SSH key .* \(EACCES\)/,
      fix: /chown portage: .* && chmod 0600/,
    },
    {
      what: 'DSA',
      id: 'key.type',
      owner: 'portage',
      mode: 0o600,
      file: 'dsa',
      message: /is a DSA key/,
      fix: /ssh-keygen -t ed25519 -N '' -f .*authorized_keys/,
    },
  ])('names the key, the cause and the fix for a key $what', async ({ id, owner, mode, file, message, fix }) => {
    const dir = scratch();
    const key = join(dir, 'id_ed25519');
    copyFileSync(file === 'dsa' ? resolve(import.meta.dirname, '../fixtures/keys/dsa') : join(FRONTEND, 'id_ed25519'), key);
    const ids = owner === 'portage' ? portageIds() : { uid: 0, gid: 0 };
    chownSync(key, ids.uid, ids.gid);
    chmodSync(key, mode);
    const run = await dryCheck({ config: configWith(dir, { key }) });
    expect(run.exitCode, run.stdout).toBe(2);
    const problem = failures(run.doc!).find((check) => check.id === id);
    expect(problem, run.stdout).toMatchObject({ node: null, verdict: 'fail' });
    expect(problem?.message).toMatch(message);
    expect(problem?.fix).toMatch(fix);
    expect(run.doc!.summary.usableNodes).toBe(0);
    expectWithinBound(run.ms);
    expect(runDirsLeft()).toEqual([]);
  });

  it('names a node without distccd', async () => {
    await inNode('mount --bind /dev/null /usr/bin/distccd');
    const run = await dryCheck();
    expect(run.exitCode, run.stdout).toBe(1);
    const [problem, ...more] = failures(run.doc!);
    expect(more).toEqual([]);
    expect(problem).toMatchObject({ id: 'node.distccd', node: NAME, verdict: 'fail' });
    expect(problem?.message).toMatch(/^distccd is not in the PATH of distcc on the node/);
    expect(problem?.fix).toMatch(/install distcc on the node/);
    expectWithinBound(run.ms);
  });

  it.each([
    {
      what: 'another target',
      fake: 'case "$1" in -dumpmachine) echo aarch64-unknown-linux-gnu;; esac',
      message: /builds for aarch64-unknown-linux-gnu, the front end for \S+: its objects would be wrong/,
    },
    { what: 'no compiler', fake: undefined, message: /-gcc is missing on the node/ },
  ])('names a node whose compiler has $what', async ({ fake, message }) => {
    const dir = scratch();
    const script = join(dir, 'fake-gcc');
    const version = (await execa('gcc', ['-dumpfullversion'])).stdout;
    writeFileSync(script, `#!/bin/sh\ncase "$1" in -dumpfullversion) echo ${version};; esac\n${fake ?? ''}\n`, { mode: 0o755 });
    await inNode(fake === undefined ? `mount --bind /dev/null ${COMPILER}` : `mount --bind ${script} ${COMPILER}`);
    const run = await dryCheck();
    expect(run.exitCode, run.stdout).toBe(1);
    const problems = failures(run.doc!);
    expect(problems.map((p) => p.node)).toEqual(problems.map(() => NAME));
    const problem = problems.find((p) => p.id === 'node.compiler');
    expect(problem, run.stdout).toMatchObject({ verdict: 'fail' });
    expect(problem?.message).toMatch(message);
    expect(problem?.fix).toMatch(/install gcc \d+|compiler named/);
    expectWithinBound(run.ms);
  });

  it('names a forced command whose compiler whitelist refuses the compiler (transport = "ssh")', async () => {
    writeFileSync(AUTHORIZED_KEYS, `command="distccd --inetd" ${readFileSync(join(FRONTEND, 'id_ed25519.pub'), 'utf8')}`);
    const empty = scratch();
    await inNode(`mount --bind ${empty} /usr/lib/distcc`);
    const run = await dryCheck({ config: configWith(scratch(), { transport: 'ssh' }) });
    expect(run.exitCode, run.stdout).toBe(1);
    const problems = failures(run.doc!);
    expect(problems.map((p) => [p.id, p.node, p.verdict])).toEqual([
      ['node.exec', NAME, 'warn'],
      ['node.trial-compile', NAME, 'fail'],
    ]);
    expect(problems[0]?.message).toContain('forced command');
    expect(problems[1]?.message).toMatch(/refused \S+-gcc: it is not in the node's compiler whitelist/);
    expect(problems[1]?.fix).toMatch(/ln -s \/usr\/bin\/distcc \/usr\/lib\/distcc\/\S+-gcc.*--enable-tcp-insecure/);
    expectWithinBound(run.ms);
  });
});

describe('the trial compile over the tunnel transport (the default)', () => {
  afterEach(async () => {
    await healNode();
  });

  it("says that the recipe's forced command leaves the tunnel no way in", async () => {
    writeFileSync(AUTHORIZED_KEYS, `command="distccd --inetd" ${readFileSync(join(FRONTEND, 'id_ed25519.pub'), 'utf8')}`);
    const run = await dryCheck();
    expect(run.exitCode, run.stdout).toBe(1);
    const problems = failures(run.doc!);
    expect(problems.map((p) => [p.id, p.node, p.verdict])).toEqual([
      ['node.exec', NAME, 'warn'],
      ['node.trial-compile', NAME, 'fail'],
    ]);
    expect(problems[1]?.message).toMatch(/runs instead of demerge's tunnel/);
    expect(problems[1]?.fix).toMatch(/setup node --restrict|transport = "ssh"/);
    expectWithinBound(run.ms);
  });

  it('names a node that refuses to forward to a unix socket', async () => {
    writeFileSync(AUTHORIZED_KEYS, `no-port-forwarding ${readFileSync(join(FRONTEND, 'id_ed25519.pub'), 'utf8')}`);
    const run = await dryCheck();
    expect(run.exitCode, run.stdout).toBe(1);
    const problems = failures(run.doc!);
    expect(problems.map((p) => [p.id, p.node, p.verdict])).toEqual([['node.trial-compile', NAME, 'fail']]);
    expect(problems[0]?.message).toMatch(/refuses to forward to a unix socket/);
    expectWithinBound(run.ms);
  });

  it("names the tunnel distccd's compiler whitelist when the node has no masquerade entry", async () => {
    const empty = scratch();
    await inNode(`mount --bind ${empty} /usr/lib/distcc`);
    const run = await dryCheck();
    expect(run.exitCode, run.stdout).toBe(1);
    const problems = failures(run.doc!);
    expect(problems.map((p) => [p.id, p.node, p.verdict])).toEqual([['node.trial-compile', NAME, 'fail']]);
    expect(problems[0]?.message).toMatch(/compiler whitelist .* transport = "tunnel"/);
    expect(problems[0]?.fix).toMatch(/ln -s \/usr\/bin\/distcc \/usr\/lib\/distcc\//);
    expectWithinBound(run.ms);
  });
});

describe('the checks before a build', () => {
  afterEach(async () => {
    await healNode();
  });
  afterAll(() => {
    for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('leave every node out when the key is unusable, and --strict refuses', async () => {
    const dir = scratch();
    const key = join(dir, 'id_ed25519');
    copyFileSync(join(FRONTEND, 'id_ed25519'), key);
    const ids = portageIds();
    chownSync(key, ids.uid, ids.gid);
    chmodSync(key, 0o644);
    const ws = workspace({ DEMERGE_CONFIG: configWith(dir, { key }) });
    const local = await execa(DEMERGE, ['dev-util/tiny'], { reject: false, env: ws.env, extendEnv: false });
    expect(local.exitCode, local.stderr).toBe(0);
    expect(local.stderr).toContain('ssh refuses it ("UNPROTECTED PRIVATE KEY FILE")');
    for (const node of [1, 2, 3]) expect(local.stderr).toContain(`node "${nodeAddress(node)}" left out of this run: the front end's checks failed`);
    const strict = await execa(DEMERGE, ['--strict', 'dev-util/tiny'], { reject: false, env: ws.env, extendEnv: false });
    expect(strict.exitCode).toBe(2);
    expect(strict.stderr.trim().split('\n')).toHaveLength(1);
    expect(strict.stderr).toMatch(/^demerge: SSH key .* ssh refuses it .*\(chmod 0600 /);
  });

  it('name a faulty node, its cause and fix on one line, and build with the rest', async () => {
    await lab('fault', String(NODE), 'shell');
    const ws = workspace();
    const result = await execa(DEMERGE, ['dev-util/tiny'], { reject: false, env: ws.env, extendEnv: false });
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stderr.split('\n').filter((line) => line.includes('left out'));
    expect(lines).toEqual([
      `demerge: warning: node "${NAME}" left out of this run: the key login works, but the login shell of distcc is nologin ("This account is currently not available"): distcc's ssh runs distccd through that shell (on the node: usermod -s /bin/sh distcc)`,
    ]);
    expect(result.stderr).toContain(`DISTCC_HOSTS="distcc@${nodeAddress(1)}/2 distcc@${nodeAddress(3)}/2"`);
  });
});
