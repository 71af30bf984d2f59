import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildUserCheck } from '../../src/checks/local/build-user.js';
import { readAs, statFile } from '../../src/checks/local/file-facts.js';
import { knownHostsChecks } from '../../src/checks/local/known-hosts-checks.js';
import { findMasqueradeDir } from '../../src/checks/local/masquerade.js';
import { masqueradeDirs } from '../../src/portage/index.js';

const PORTAGE = { name: 'portage', uid: 250, gid: 250 };
const ACCOUNTS = [
  { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash' },
  { name: 'portage', uid: 250, gid: 250, home: '/var/lib/portage/home', shell: '/sbin/nologin' },
  { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice', shell: '/bin/bash' },
];
const LINE = 'node1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdD7p4HT3xUZaMk5zbBXxSfbF6RSZ4shhHpx0mLpzLS\n';

describe('known_hosts file', () => {
  const facts = (mode: number) => ({ ok: true as const, facts: { uid: 0, gid: 0, mode, isFile: true } });
  const data = { ok: true as const, data: Buffer.from(LINE) };

  it.each([
    { what: 'a readable file', input: { stat: facts(0o644), data, asBuildUser: data }, verdicts: { 'known-hosts.file': 'ok', 'known-hosts.build-user': 'ok' } },
    {
      what: 'a missing file',
      input: { stat: { ok: false as const, code: 'ENOENT' }, data: undefined, asBuildUser: undefined },
      verdicts: { 'known-hosts.file': 'fail' },
    },
    {
      what: 'a root-only file',
      input: { stat: facts(0o600), data, asBuildUser: { ok: false as const, code: 'EACCES' } },
      verdicts: { 'known-hosts.file': 'ok', 'known-hosts.build-user': 'fail' },
    },
    {
      what: 'a world-writable file',
      input: { stat: facts(0o666), data, asBuildUser: data },
      verdicts: { 'known-hosts.file': 'ok', 'known-hosts.build-user': 'ok', 'known-hosts.writable': 'warn' },
    },
  ])('$what', ({ input, verdicts }) => {
    const outcome = knownHostsChecks({ path: '/kh', buildUser: PORTAGE, ...input });
    expect(Object.fromEntries(outcome.checks.map((c) => [c.id, c.verdict]))).toEqual(verdicts);
    for (const check of outcome.checks) if (check.verdict !== 'ok') expect(check.fix).toBeTruthy();
  });

  it('hands the entries on for the per-node host key checks', () => {
    expect(knownHostsChecks({ path: '/kh', buildUser: PORTAGE, stat: facts(0o644), data, asBuildUser: data }).entries).toHaveLength(1);
  });
});

describe('build user', () => {
  it.each([
    { uid: 0, buildUser: 'portage', verdict: 'ok', identity: PORTAGE },
    { uid: 0, buildUser: 'nobody-here', verdict: 'fail', identity: undefined },
    { uid: 1000, buildUser: 'portage', verdict: 'ok', identity: { name: 'alice', uid: 1000, gid: 1000 } },
  ])('uid $uid, build_user $buildUser: $verdict', ({ uid, buildUser, verdict, identity }) => {
    const outcome = buildUserCheck(uid, uid === 0 ? 0 : 1000, { buildUser }, ACCOUNTS);
    expect(outcome.check.verdict).toBe(verdict);
    expect(outcome.identity).toEqual(identity);
  });
});

describe('masquerade directory', () => {
  it("takes the first that exists, in Portage's order", () => {
    const existing = new Set(['/usr/lib/distcc', '/usr/libexec/distcc']);
    expect(findMasqueradeDir(masqueradeDirs({ eprefix: '' }), (dir) => existing.has(dir))).toBe('/usr/lib/distcc');
    expect(findMasqueradeDir(masqueradeDirs({ eprefix: '' }), () => false)).toBeUndefined();
  });
});

describe.runIf(process.geteuid?.() === 0)('reading as the build user (root only)', () => {
  it('reads as another user and comes back as root', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demerge-readas-'));
    chmodSync(dir, 0o755);
    const secret = join(dir, 'secret');
    writeFileSync(secret, 'x', { mode: 0o600 });
    const open = join(dir, 'open');
    writeFileSync(open, 'y', { mode: 0o644 });
    const nobody = { name: 'nobody', uid: 65534, gid: 65534 };
    const groups = process.getgroups?.();
    expect(readAs(secret, nobody)).toEqual({ ok: false, code: 'EACCES' });
    expect(readAs(open, nobody)).toMatchObject({ ok: true });
    expect(readAs(secret, undefined)).toMatchObject({ ok: true });
    expect(process.geteuid?.()).toBe(0);
    expect(process.getegid?.()).toBe(0);
    expect(process.getgroups?.()).toEqual(groups);
    expect(statFile(secret)).toEqual({ ok: true, facts: { uid: 0, gid: 0, mode: 0o600, isFile: true } });
  });
});
