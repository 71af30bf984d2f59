import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DistccLogInterpreter } from '../../src/dashboard/parse/distcc-log.js';
import { parseEmergeLogLine, type EmergeLogEvent } from '../../src/dashboard/parse/emerge-log.js';
import { remoteJobsOf } from '../../src/dashboard/packages.js';
import { createDashboardState, withDistccLogEvents, withEmergeLogEvents, withPackageLogEvents } from '../../src/dashboard/state.js';
import { summarize } from '../../src/dashboard/summary.js';
import { packageLogName, packageOfLogName, preparePackageLogs, wrapperScript } from '../../src/run-env/package-logs.js';
import { which } from '../../src/system/which.js';

// Each package's distcc jobs in a log of its own: the names, the wrapper (run with real bash and,
// where installed, real distcc), and the figures per package that the dashboard keeps.

const BASH = which('bash', '/usr/bin:/bin') as string;
const DISTCC = which('distcc', '/usr/bin:/bin');

describe('per-package log names', () => {
  it.each([
    ['dev-util', 'hello-1.0', 'dev-util:hello-1.0.log'],
    ['sys-libs', 'gcc-13.2.0_p1-r3', 'sys-libs:gcc-13.2.0_p1-r3.log'],
    ['x11-libs', 'gtk+-3.24.41', 'x11-libs:gtk+-3.24.41.log'],
    ['../etc', 'passwd', undefined],
    ['dev-util', 'a/b', undefined],
    ['dev-util', '', undefined],
    ['-x', 'y-1', undefined],
    ['dev-util', '.hidden-1', undefined],
    ['dev util', 'x-1', undefined],
    ['dév', 'x-1', undefined],
    ['a', 'b\n-1', undefined],
  ])('%s + %s -> %s', (category, pf, name) => {
    expect(packageLogName(category, pf)).toBe(name);
    if (name !== undefined) expect(packageOfLogName(name)).toBe(`${category}/${pf}`);
  });

  it.each(['run.log', 'a:b', 'a:b.log.1', ':b.log', 'a:.log', 'a/b:c.log', 'a:b:c.log'])('%s is no package log', (name) => {
    expect(packageOfLogName(name)).toBeUndefined();
  });
});

function fakeCompiler(dir: string): string {
  // Prints what it was started with, one line each: argv (bash cannot see argv[0] of a script,
  // so the wrapper's $0 is checked through real distcc below), DISTCC_LOG.
  const path = join(dir, 'fake-distcc');
  writeFileSync(path, '#!/bin/sh\nprintf "%s\\n" "log=$DISTCC_LOG" "$@"\n', { mode: 0o755 });
  return path;
}

describe('the wrapper', () => {
  const dir = mkdtempSync(join(tmpdir(), 'demerge-wrapper-'));
  const logs = join(dir, 'logs');
  const defaultLog = join(logs, 'run.log');
  const wrapper = join(dir, 'gcc');
  const BUILD_UID = 250;
  chmodSync(dir, 0o755);
  writeFileSync(wrapper, wrapperScript(BASH, fakeCompiler(dir), defaultLog, logs, BUILD_UID), { mode: 0o755 });
  const run = (env: Record<string, string>, args: string[] = ['-c', 'x.c'], uid?: number) =>
    execFileSync(wrapper, args, {
      env: { PATH: '/usr/bin:/bin', DISTCC_LOG: defaultLog, ...env },
      encoding: 'utf8',
      ...(uid === undefined ? {} : { uid }),
    }).split('\n');
  const asRoot = process.getuid?.() === 0;

  it.skipIf(!asRoot)("points DISTCC_LOG at the package's own file, in root's directory for a job run as root", () => {
    expect(run({ CATEGORY: 'dev-util', PF: 'hello-1.0' })[0]).toBe(`log=${logs}/root/dev-util:hello-1.0.log`);
  });

  it.skipIf(!asRoot)("and in the build user's directory for the build user's jobs", () => {
    expect(run({ CATEGORY: 'dev-util', PF: 'hello-1.0' }, ['-c', 'x.c'], BUILD_UID)[0]).toBe(`log=${logs}/build-user/dev-util:hello-1.0.log`);
  });

  it.skipIf(!asRoot)('keeps the default log for any other user', () => {
    expect(run({ CATEGORY: 'dev-util', PF: 'hello-1.0' }, ['-c', 'x.c'], BUILD_UID + 1)[0]).toBe(`log=${defaultLog}`);
  });

  it.each([
    ['no package', {}],
    ['a category with a slash', { CATEGORY: '../../etc', PF: 'x-1' }],
    ['a pf with a slash', { CATEGORY: 'a', PF: '../../x' }],
    ['shell in the name', { CATEGORY: '$(touch /tmp/demerge-pwned)', PF: 'x-1' }],
    ['a newline', { CATEGORY: 'a\nb', PF: 'x-1' }],
  ])('keeps the default log with %s', (_name, env) => {
    expect(run(env)[0]).toBe(`log=${defaultLog}`);
    expect(existsSync('/tmp/demerge-pwned')).toBe(false);
  });

  it('leaves a DISTCC_LOG the build changed alone', () => {
    expect(run({ CATEGORY: 'a', PF: 'b-1', DISTCC_LOG: '/elsewhere/log' })[0]).toBe('log=/elsewhere/log');
  });

  it('passes every argument through as it is', () => {
    const args = ['-DX="a b"', '', '-o', 'with space.o', '$(x)', '`y`', '-march=native', '--', 'ü.c'];
    expect(run({}, args).slice(1, -1)).toEqual(args);
  });

  it('runs no BASH_ENV and no exported function', () => {
    const hook = join(dir, 'hook.sh');
    writeFileSync(hook, `touch ${join(dir, 'hooked')}\n`);
    run({ BASH_ENV: hook, 'BASH_FUNC_exec%%': '() { echo hijacked; }', SHELLOPTS: 'xtrace' });
    expect(existsSync(join(dir, 'hooked'))).toBe(false);
  });
});

describe.skipIf(DISTCC === undefined)('the wrapper in front of real distcc', () => {
  it('masquerades as before: the same compile, PATH past the directory, the log in its place', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demerge-masq-'));
    const compile = (masq: string, log: string, env: Record<string, string> = {}) => {
      mkdirSync(join(dir, 'dcc'), { recursive: true });
      execFileSync('gcc', ['-c', 'x.c', '-o', 'x.o'], {
        cwd: dir,
        env: { PATH: `${masq}:/usr/bin:/bin`, DISTCC_LOG: log, DISTCC_HOSTS: 'localhost', DISTCC_DIR: join(dir, 'dcc'), ...env },
      });
      return readFileSync(join(dir, 'x.o'));
    };
    writeFileSync(join(dir, 'x.c'), 'int x(void) { return 1; }\n');
    // Portage's masquerade directory as distcc-config makes it, and the run's copy of it.
    const plain = join(dir, 'plain');
    mkdirSync(plain);
    symlinkSync(DISTCC as string, join(plain, 'gcc'));
    const before = compile(plain, join(dir, 'plain.log'));
    const masq = join(dir, 'masq');
    const logs = join(dir, 'logs');
    mkdirSync(masq);
    mkdirSync(join(logs, 'root'), { recursive: true });
    mkdirSync(join(logs, 'build-user'));
    const defaultLog = join(logs, 'run.log');
    writeFileSync(join(masq, 'gcc'), wrapperScript(BASH, DISTCC as string, defaultLog, logs, 250), { mode: 0o755 });
    const after = compile(masq, defaultLog, { CATEGORY: 'dev-util', PF: 'x-1' });
    expect(after.equals(before)).toBe(true);
    const execs = (text: string) =>
      text
        .split('\n')
        .filter((l) => / exec on /.test(l))
        .map((l) => l.replace(/^distcc\[[0-9]+\] /, ''));
    const log = readFileSync(join(logs, process.getuid?.() === 0 ? 'root' : 'build-user', 'dev-util:x-1.log'), 'utf8');
    expect(execs(log)).toEqual(execs(readFileSync(join(dir, 'plain.log'), 'utf8')));
    expect(execs(log)).toHaveLength(1);
    expect(log).not.toMatch(/recursive/);
    expect(existsSync(defaultLog)).toBe(false);
  });
});

describe.skipIf(process.getuid?.() !== 0)('the run directory (root)', () => {
  it('copies the masquerade directory as wrappers and links, root-owned, and a log dir for the build user only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demerge-run-'));
    const masq = join(dir, 'usr-lib-distcc');
    mkdirSync(masq);
    const distcc = join(dir, 'distcc');
    writeFileSync(distcc, '#!/bin/sh\n', { mode: 0o755 });
    symlinkSync('../distcc', join(masq, 'gcc'));
    symlinkSync(distcc, join(masq, 'x86_64-pc-linux-gnu-g++'));
    symlinkSync('/usr/bin/true', join(masq, 'not-distcc'));
    const run = join(dir, 'run');
    mkdirSync(run);
    const outcome = preparePackageLogs({ runDir: run, buildUser: { uid: 250, gid: 250 }, masqueradeDir: masq, bash: BASH });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const { logs } = outcome;
    expect(logs.bind).toMatchObject({ source: join(run, 'masquerade'), target: masq });
    expect(readdirSync(logs.bind.source).sort()).toEqual(['gcc', 'not-distcc', 'x86_64-pc-linux-gnu-g++']);
    for (const name of ['gcc', 'x86_64-pc-linux-gnu-g++']) {
      const info = statSync(join(logs.bind.source, name));
      expect([info.uid, info.mode & 0o7777]).toEqual([0, 0o755]);
      expect(readFileSync(join(logs.bind.source, name), 'utf8')).toContain(`exec -a "$0" ${distcc} "$@"`);
    }
    expect(readlinkSync(join(logs.bind.source, 'not-distcc'))).toBe('/usr/bin/true');
    const wrappers = statSync(logs.bind.source);
    expect([wrappers.uid, wrappers.gid, wrappers.mode & 0o7777]).toEqual([0, 250, 0o750]);
    // Root's jobs never write where the build user could plant a symlink.
    const owners = (path: string) => {
      const info = statSync(path);
      return [info.uid, info.gid, info.mode & 0o7777];
    };
    expect(owners(logs.dir)).toEqual([0, 250, 0o750]);
    expect(owners(join(logs.dir, 'build-user'))).toEqual([250, 250, 0o700]);
    expect(owners(join(logs.dir, 'root'))).toEqual([0, 0, 0o700]);
    expect(lstatSync(logs.defaultLog).uid).toBe(250);
  });

  it('refuses a masquerade directory that holds something other than distcc', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demerge-run-'));
    const masq = join(dir, 'masq');
    mkdirSync(masq);
    writeFileSync(join(masq, 'gcc'), '#!/bin/sh\n');
    chmodSync(join(masq, 'gcc'), 0o755);
    const outcome = preparePackageLogs({ runDir: dir, buildUser: { uid: 250, gid: 250 }, masqueradeDir: masq, bash: BASH });
    expect(outcome).toEqual({ ok: false, reason: `${join(masq, 'gcc')} is not distcc` });
  });
});

// Two packages whose distcc clients have the same pids, as two PID namespaces give them.
const remote = (pid: number, file: string) => [
  `distcc[${pid}] exec on distcc@node1/4: gcc -c ${file}`,
  `distcc[${pid}] compile ${file} on distcc@node1/4 completed ok`,
];
const local = (pid: number, file: string) => [
  `distcc[${pid}] compile from ${file} to x.o`,
  `distcc[${pid}] exec on localhost: gcc -c ${file}`,
  `distcc[${pid}] compile ${file} on localhost completed ok`,
];
const link = (pid: number) => [`distcc[${pid}] exec on localhost: gcc -o prog a.o b.o`, `distcc[${pid}] compile (null) on localhost completed ok`];

function events(lines: string[]) {
  const interpreter = new DistccLogInterpreter();
  return lines.flatMap((line) => interpreter.pushLine(line));
}

const emerge = (lines: string[]) => lines.map(parseEmergeLogLine).filter((e): e is EmergeLogEvent => e !== undefined);

describe('jobs per package', () => {
  const nodes = [{ name: 'node1', slots: 4 }];

  it("counts each package's own log apart, and the run's totals are their sum", () => {
    let state = createDashboardState({ startedAt: 0, nodes, attribution: 'package-logs' });
    state = withEmergeLogEvents(
      state,
      emerge([
        '100:  >>> emerge (1 of 2) dev-util/hello-1.0 to /',
        '100:  >>> emerge (2 of 2) dev-util/tiny-1.0 to /',
        '101:  ::: completed emerge (2 of 2) dev-util/tiny-1.0 to /',
      ]),
    );
    state = withPackageLogEvents(state, 'dev-util/hello-1.0', events([...remote(7, 'a.c'), ...remote(8, 'b.c'), ...local(9, 'c.c'), ...link(10)]));
    state = withPackageLogEvents(state, 'dev-util/tiny-1.0', events([...remote(7, 'tiny.c')]));
    state = withDistccLogEvents(state, events(local(3, 'conftest.c')));
    state = withEmergeLogEvents(state, emerge(['160:  ::: completed emerge (1 of 2) dev-util/hello-1.0 to /']));
    // The dashboard's PORTAGE lines read the same figures as tallies.
    expect(state.packageTallies?.map((t) => [t.atom, t.remote, t.local, t.localCauses.filter((c) => c.count > 0).length])).toEqual([
      ['dev-util/hello-1.0', 2, 2, 2],
      ['dev-util/tiny-1.0', 1, 0, 0],
    ]);
    const summary = summarize(state, 1000);
    expect(summary.attribution).toBe('package-logs');
    expect(summary.packages).toEqual([
      {
        atom: 'dev-util/hello-1.0',
        remoteJobs: 2,
        localJobs: 2,
        remoteSharePercent: (2 / 3) * 100,
        localCauses: { byChoice: 1, afterFallback: 0, localOnly: [{ cause: 'linking (several outputs)', count: 1 }] },
        seconds: 60,
        merged: true,
      },
      {
        atom: 'dev-util/tiny-1.0',
        remoteJobs: 1,
        localJobs: 0,
        remoteSharePercent: 100,
        localCauses: { byChoice: 0, afterFallback: 0, localOnly: [] },
        seconds: 1,
        merged: true,
      },
    ]);
    expect(summary.unattributed).toMatchObject({ remoteJobs: 0, localJobs: 1 });
    expect(summary.remoteJobs).toBe(3);
    expect(remoteJobsOf(state.distcc)).toBe(summary.packages.reduce((n, p) => n + p.remoteJobs, 0) + (summary.unattributed?.remoteJobs ?? 0));
  });

  it("gives a shared log's jobs to the one package building, and to nobody while two are", () => {
    let state = createDashboardState({ startedAt: 0, nodes });
    state = withEmergeLogEvents(state, emerge(['100:  >>> emerge (1 of 2) dev-util/hello-1.0 to /']));
    state = withDistccLogEvents(state, events(remote(7, 'a.c')));
    state = withEmergeLogEvents(state, emerge(['101:  >>> emerge (2 of 2) dev-util/tiny-1.0 to /']));
    state = withDistccLogEvents(state, events(remote(8, 'b.c')));
    state = withEmergeLogEvents(state, emerge(['102:  ::: completed emerge (1 of 2) dev-util/hello-1.0 to /']));
    state = withDistccLogEvents(state, events(remote(9, 'tiny.c')));
    // Read in one round with a start: the package that just started and the one before both qualify.
    state = withDistccLogEvents(state, events(remote(10, 'late.c')), ['dev-util/tiny-1.0', 'dev-util/other-1']);
    const summary = summarize(state, 1000);
    expect(summary.packages.map((p) => [p.atom, p.remoteJobs])).toEqual([
      ['dev-util/hello-1.0', 1],
      ['dev-util/tiny-1.0', 1],
    ]);
    expect(summary.unattributed?.remoteJobs).toBe(2);
    expect(summary.remoteJobs).toBe(4);
  });
});
