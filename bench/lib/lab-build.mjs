// The whole lab build without Portage: make -jN of the 121-unit fixture project as the build
// user, through distcc's masquerade directory as Portage's FEATURES=distcc would put it on PATH,
// counted remote by the nodes' own process accounting (lab/lab compiles).
import { execFileSync } from 'node:child_process';
import { chownSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runAs } from './distcc-jobs.mjs';

export const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURE = join(ROOT, 'test/fixtures/hello-project');
const LAB = join(ROOT, 'lab/lab');
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function lab(...args) {
  return execFileSync(LAB, args, { encoding: 'utf8' });
}

export function remoteCompiles() {
  return lab('compiles', 'all')
    .trim()
    .split('\n')
    .reduce((total, line) => total + Number(line.trim().split(/\s+/)[1] ?? 0), 0);
}

export function unitCount() {
  return Number(execFileSync('sh', ['-c', `ls ${FIXTURE}/src/*.c | wc -l`], { encoding: 'utf8' }).trim());
}

function mkdirLock(distccDir, owner) {
  mkdirSync(join(distccDir, 'lock'));
  chownSync(join(distccDir, 'lock'), owner.uid, owner.gid);
}

/** One build; `distccEnv` null builds locally with gcc alone. */
export async function labBuild(owner, distccEnv, { jobs, netns = false, distccDir }) {
  const dir = mkdtempSync(join(tmpdir(), 'demerge-bench-build-'));
  cpSync(FIXTURE, dir, { recursive: true, filter: (source) => !/\.o$|\/hello$/.test(source) });
  execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, dir]);
  lab('compiles-reset', 'all');
  // A host an earlier transport failed on must not be sidelined for this one.
  if (distccDir) {
    rmSync(join(distccDir, 'lock'), { recursive: true, force: true });
    mkdirLock(distccDir, owner);
  }
  const env =
    distccEnv === null
      ? { CC: 'x86_64-linux-gnu-gcc', PATH }
      : { CC: 'x86_64-linux-gnu-gcc', PATH: `/usr/lib/distcc:${PATH}`, DISTCC_DIR: distccDir, ...distccEnv };
  const result = await runAs(owner, ['make', `-j${jobs}`, 'hello'], { env, cwd: dir, netns });
  const remote = remoteCompiles();
  rmSync(dir, { recursive: true, force: true });
  if (result.code !== 0) throw new Error(`build failed (${JSON.stringify(distccEnv)}):\n${result.output.slice(-2000)}`);
  return { seconds: result.ms / 1000, remote, fellBack: (result.output.match(/failed to distribute/g) ?? []).length };
}
