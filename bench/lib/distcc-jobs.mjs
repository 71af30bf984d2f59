// Compile jobs run the way Portage's userpriv runs them: distcc as the build user, with the
// DISTCC_* variables of the transport under test and nothing else from the caller.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BUILD_USER = 'portage';

export function buildUserIds() {
  const line = spawnSync('getent', ['passwd', BUILD_USER], { encoding: 'utf8' }).stdout.trim();
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** A scratch directory the build user owns, with the trivial file of the per-job figure. */
export function scratch(owner) {
  const dir = mkdtempSync(join(tmpdir(), 'demerge-bench-'));
  for (const sub of ['', 'distcc', 'distcc/lock', 'distcc/state']) {
    mkdirSync(join(dir, sub), { recursive: true });
    chownSync(join(dir, sub), owner.uid, owner.gid);
  }
  writeFileSync(join(dir, 'trivial.c'), 'int trivial(int x) { return 2 * x + 1; }\n');
  return dir;
}

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function runAs(owner, argv, { env = {}, cwd, netns = false } = {}) {
  // setpriv as Portage's userpriv does; `unshare --net` first for the sandboxed variant.
  const prefix = netns ? ['unshare', '--net', '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh'] : [];
  const cmd = [...prefix, 'setpriv', `--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--init-groups', '--', ...argv];
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd[0], cmd.slice(1), { cwd, env: { PATH, HOME: cwd ?? '/', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => {
      output += c;
    });
    child.stderr.on('data', (c) => {
      output += c;
    });
    child.on('close', (code) => resolve({ code, ms: Number(process.hrtime.bigint() - started) / 1e6, output }));
  });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One compile of the trivial file: gcc alone when `distccEnv` is null, else through distcc. */
export async function compileOnce(owner, dir, distccEnv, { cc = 'x86_64-linux-gnu-gcc' } = {}) {
  const argv = distccEnv === null ? [cc, '-c', 'trivial.c', '-o', 'trivial.o'] : ['distcc', cc, '-c', 'trivial.c', '-o', 'trivial.o'];
  const env = distccEnv === null ? {} : { DISTCC_DIR: join(dir, 'distcc'), ...distccEnv };
  const result = await runAs(owner, argv, { env, cwd: dir });
  return { ms: result.ms, ok: result.code === 0, local: /failed to distribute|running locally/.test(result.output) };
}
