import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { demerge, runDirsLeft, treeDigest, waitFor, workspace } from './lab.js';

// Issue 7's signal and concurrency checks that need no fault on a node.

describe('signals and concurrency', () => {
  it('forwards SIGHUP to emerge once and leaves nothing behind', async () => {
    const ws = workspace();
    const run = demerge(['dev-util/slow'], ws);
    await waitFor(() => existsSync(ws.env.STANDIN_ARGV_FILE as string) && runDirsLeft().length > 0);
    await new Promise((r) => setTimeout(r, 2000));
    run.kill('SIGHUP');
    const result = await run;
    expect(result.exitCode ?? 129, result.all).toBe(129);
    const received = readFileSync(ws.env.STANDIN_SIGNAL_LOG as string, 'utf8').trim().split('\n');
    expect(received).toHaveLength(1);
    expect(received[0]).toContain('SIGHUP');
    expect(runDirsLeft()).toEqual([]);
  });

  it('removes the run directory a SIGKILLed run left behind', async () => {
    const ws = workspace();
    const run = demerge(['dev-util/slow'], ws);
    await waitFor(() => existsSync(ws.env.STANDIN_ARGV_FILE as string) && runDirsLeft().length > 0);
    const left = runDirsLeft();
    run.kill('SIGKILL');
    await run;
    // emerge outlives a SIGKILLed demerge, as it would any killed wrapper: stop it.
    await execa('pkill', ['-TERM', '-f', 'emerge-standin/emerge dev-util/slow'], { reject: false });
    expect(runDirsLeft()).toEqual(left);
    const next = await demerge(['--pretend', 'dev-util/tiny'], workspace());
    expect(next.exitCode, next.all).toBe(0);
    expect(runDirsLeft()).toEqual([]);
  });

  it('runs two builds at once without sharing or deleting each other\'s files', async () => {
    const etcBefore = treeDigest('/etc');
    const [a, b] = await Promise.all([
      demerge(['dev-util/tiny'], workspace({ FEATURES: 'noclean' })),
      demerge(['dev-util/hello'], workspace({ FEATURES: 'noclean' })),
    ]);
    expect(a.exitCode, a.all).toBe(0);
    expect(b.exitCode, b.all).toBe(0);
    expect(runDirsLeft()).toEqual([]);
    expect(treeDigest('/etc')).toBe(etcBefore);
  });

  it('leaves a user-chosen DISTCC_DIR in place and clears only the backoff of nodes just verified', async () => {
    const ws = workspace();
    const distccDir = join(ws.dir, 'distcc');
    mkdirSync(join(distccDir, 'lock'), { recursive: true });
    const stale = join(distccDir, 'lock', 'backoff_ssh_198.18.1.2_0');
    const other = join(distccDir, 'lock', 'backoff_ssh_elsewhere_0');
    writeFileSync(stale, '');
    writeFileSync(other, '');
    const result = await demerge(['--pretend', 'dev-util/tiny'], { ...ws, env: { ...ws.env, DISTCC_DIR: distccDir } });
    expect(result.exitCode, result.all).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(other)).toBe(true);
  });
});
