import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildEnvironment,
  compilesByNode,
  DEMERGE,
  demerge,
  lab,
  nodeAddress,
  resetCompiles,
  runDirsLeft,
  sum,
  TRANSLATION_UNITS,
  treeDigest,
  workspace,
} from './lab.js';

// Issue 2's checks, against the real lab: three nodes with their own sshd, distcc account and
// process accounting; the emerge stand-in compiles as portage inside a network namespace.

describe('demerge on the lab', () => {
  beforeAll(async () => {
    await lab('status');
  });
  beforeEach(async () => {
    await resetCompiles();
  });

  it('compiles at least 80% of the translation units on the nodes, by their own records', async () => {
    const etcBefore = treeDigest('/etc');
    const ws = workspace({ FEATURES: 'noclean' });
    const result = await demerge(['--oneshot', 'dev-util/hello'], ws);
    expect(result.exitCode, result.all).toBe(0);
    const counts = await compilesByNode();
    const remote = sum(counts.values());
    expect(remote / TRANSLATION_UNITS, `node records ${JSON.stringify([...counts])}`).toBeGreaterThanOrEqual(0.8);
    const env = buildEnvironment(ws);
    expect(env.FEATURES?.split(' ')).toContain('distcc');
    expect(env.DISTCC_HOSTS).toBe(`distcc@${nodeAddress(1)}/2 distcc@${nodeAddress(2)}/2 distcc@${nodeAddress(3)}/2`);
    expect(env.DISTCC_SSH).toMatch(/^\/run\/demerge\/\d+-\w+\/ssh$/);
    expect(env.MAKEOPTS).toBe('-j13');
    expect(treeDigest('/etc')).toBe(etcBefore);
    expect(runDirsLeft()).toEqual([]);
  });

  it('passes the arguments to emerge byte for byte', async () => {
    const ws = workspace();
    const args = ['--pretend', '--verbose', '--', 'dev-util/hello'];
    const result = await demerge(['--strict', ...args], ws);
    expect(result.exitCode, result.all).toBe(0);
    expect(JSON.parse(readFileSync(ws.env.STANDIN_ARGV_FILE as string, 'utf8'))).toEqual(['--pretend', '--verbose', 'dev-util/hello']);
  });

  describe("with one node's sshd stopped", () => {
    beforeAll(async () => {
      await lab('fault', '2', 'sshd');
    });
    afterAll(async () => {
      await lab('heal', '2', 'sshd');
    });

    it('warns, leaves the node out and still builds', async () => {
      const ws = workspace({ FEATURES: 'noclean' });
      const result = await demerge(['dev-util/hello'], ws);
      expect(result.exitCode, result.all).toBe(0);
      expect(result.stderr).toContain(`node "${nodeAddress(2)}" left out of this run: connection refused`);
      const env = buildEnvironment(ws);
      expect(env.DISTCC_HOSTS).toBe(`distcc@${nodeAddress(1)}/2 distcc@${nodeAddress(3)}/2`);
      const counts = await compilesByNode();
      expect(counts.get(2)).toBe(0);
    });
  });

  it("returns emerge's status for a failed build", async () => {
    const ws = workspace();
    const result = await demerge(['dev-util/broken'], ws);
    expect(result.exitCode, result.all).toBe(1);
    expect(runDirsLeft()).toEqual([]);
  });

  it('keeps --ask on the terminal and returns 130 when it is answered No', async () => {
    const ws = workspace();
    // A pseudo terminal, as a person at a console has: Portage refuses --ask without one.
    const result = await execa('script', ['-qec', `${DEMERGE} --ask dev-util/hello`, '/dev/null'], {
      env: ws.env,
      extendEnv: false,
      input: 'No\n',
      reject: false,
    });

    expect(result.stdout.replace(/\x1b\[[0-9;]*m/g, '')).toContain('Would you like to merge these packages? [Yes/No]');
    expect(result.exitCode, result.stdout).toBe(130);
    expect(runDirsLeft()).toEqual([]);
  });

  it.each([
    ['a host starting with -', '[[node]]\nhost = "-oProxyCommand=sh"\n', /host/],
    ['shell metacharacters', '[[node]]\nhost = "a;reboot"\n', /host/],
    ['a space in a user', '[[node]]\nhost = "a"\nuser = "dist cc"\n', /user/],
    ['a unicode host', '[[node]]\nhost = "nоde1"\n', /host/],
    ['an unknown key', 'keyy = "/x"\n', /unknown|keyy/],
    ['a TOML syntax error', '[[node]\nhost = "a"\n', /demerge\.conf:1/],
    ['a 10 MB file', `# ${'x'.repeat(10 * 1024 * 1024)}\n`, /MiB|too large|large/],
  ])('refuses a config with %s before launching anything', async (_name, text, pattern) => {
    const ws = workspace();
    const file = join(ws.dir, 'demerge.conf');
    writeFileSync(file, text);
    const result = await demerge([`--config=${file}`, 'dev-util/hello'], ws);
    expect(result.exitCode).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^demerge: /);
    expect(lines[0]).toMatch(pattern);
    expect(existsSync(ws.env.STANDIN_ARGV_FILE as string)).toBe(false);
  });
});
