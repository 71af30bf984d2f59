import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demerge, runDirsLeft, treeDigest, workspace } from './lab.js';

// Issue 7's concurrency checks that need no fault on a node (its signal checks are in
// signals.test.ts).

describe('concurrency', () => {
  it("runs two builds at once without sharing or deleting each other's files", async () => {
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
