import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { adminSshArgs, remoteShellCommand } from '../../src/setup/admin-ssh.js';
import { nodeScript, readScriptRun, type NodeTarget } from '../../src/setup/setup-node.js';

// The node script's shape and quoting (the lab runs it for real, on bare nodes), and how its
// report and the admin's ssh failures are read back.

const target: NodeTarget = { host: 'node.lan', name: 'node.lan', user: 'distcc', admin: 'root' };
const key = { type: 'ssh-ed25519', blob: 'AAAAC3NzaC1lZDI1NTE5AAAAIBUILD', comment: 'demerge@fe' };
const base = { key, restrict: false, unlock: false, version: 'test' };

describe('nodeScript', () => {
  it.each([
    ['plain', base],
    ['restricted', { ...base, restrict: true, from: '10.0.0.0/8', unlock: true }],
  ])('%s: parses as POSIX sh (dash and bash --posix)', async (_, options) => {
    const script = nodeScript(target, options);
    for (const [shell, flags] of [
      ['dash', ['-n']],
      ['bash', ['--posix', '-n']],
    ] as const) {
      const result = await execa(shell, [...flags], { input: script, reject: false });
      expect(result.exitCode, `${shell}: ${result.stderr}`).toBe(0);
    }
  });

  it('holds every value in a quoted assignment, whatever it contains', async () => {
    const hostile = { ...key, comment: `x'$(touch /tmp/demerge-pwned)\`id\`"$HOME` };
    const script = nodeScript({ ...target, user: 'dist.cc-1' }, { ...base, key: hostile, restrict: true, from: '10.0.0.0/8' });
    // Run the assignments only (up to PATH=), then print them back.
    const assignments = script.slice(0, script.indexOf('\nPATH='));
    const result = await execa('sh', ['-c', `${assignments}\nprintf '%s\\n' "$user" "$key_line" "$set_options" "$command_file"`]);
    expect(result.stdout.split('\n')).toEqual([
      'dist.cc-1',
      `restrict,from="10.0.0.0/8",command="/etc/distcc/demerge-command" ssh-ed25519 ${key.blob} ${hostile.comment}`,
      '1',
      '/etc/distcc/demerge-command',
    ]);
  });

  it('writes the forced command only when restricting, and keeps options when none are asked', () => {
    expect(nodeScript(target, base)).not.toContain('write_command_file()');
    expect(nodeScript(target, base)).toContain('set_options=0');
    const restricted = nodeScript(target, { ...base, restrict: true });
    expect(restricted).toContain('write_command_file()');
    expect(restricted).toContain('set_options=1');
    expect(restricted).toContain('then exec distccd --inetd; fi');
  });
});

describe('readScriptRun', () => {
  const ok = (stdout: string) => ({ exitCode: 0, stdout, stderr: '' });
  it.each([
    ['nothing to do', ok('@@demerge done\n'), [], [], undefined],
    [
      'changes and a warning, among login noise',
      ok('Welcome!\n@@demerge changed created the account distcc\n@@demerge warning the account is locked\n@@demerge changed added the key\n@@demerge done\n'),
      ['created the account distcc', 'added the key'],
      ['the account is locked'],
      undefined,
    ],
    [
      "the script's own error",
      { exitCode: 1, stdout: '@@demerge changed x\n@@demerge error useradd failed\n', stderr: 'useradd: oops\n' },
      ['x'],
      [],
      'useradd failed',
    ],
    [
      'an unknown host key',
      { exitCode: 255, stdout: '', stderr: 'Host key verification failed.\n' },
      [],
      [],
      /^the admin login root@node.lan failed: Host key verification failed\. \(trust the node's host key first \(demerge trust node.lan\)/,
    ],
    ['a refused admin key', { exitCode: 255, stdout: '', stderr: 'root@node.lan: Permission denied (publickey).\n' }, [], [], /--admin-key=FILE/],
    ['sudo wants a password', { exitCode: 1, stdout: '', stderr: 'sudo: a password is required\n' }, [], [], /password-less sudo/],
    ['cut short before the end', ok('@@demerge changed created /etc/distcc\n'), ['created /etc/distcc'], [], /stopped before its end/],
    [
      'the script died',
      { exitCode: 2, stdout: '', stderr: 'sh: 3: syntax error\n\n' },
      [],
      [],
      /^the setup script failed on the node \(exit 2\): sh: 3: syntax error \(/,
    ],
  ])('%s', (_, run, changes, notes, error) => {
    const result = readScriptRun('node.lan', run, target);
    expect(result.changes).toEqual(changes);
    expect(result.notes).toEqual(notes);
    if (error === undefined) expect(result.error).toBeUndefined();
    else expect(result.error).toMatch(error);
  });
});

describe('the admin ssh command line', () => {
  it('holds no value of the script, only options and sh -s', () => {
    expect(
      adminSshArgs(
        { host: 'node.lan', user: 'root', port: 2222 },
        { knownHosts: '/var/tmp/portage/.ssh/known_hosts', connectTimeout: 5, identity: '/root/.ssh/admin%key' },
      ),
    ).toEqual([
      '-T',
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=5',
      '-o',
      'GlobalKnownHostsFile=/etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2 /var/tmp/portage/.ssh/known_hosts',
      '-o',
      'UpdateHostKeys=no',
      '-o',
      'ForwardAgent=no',
      '-o',
      'ClearAllForwardings=yes',
      '-i',
      '/root/.ssh/admin%%key',
      '-o',
      'IdentitiesOnly=yes',
      '-p',
      '2222',
      '-l',
      'root',
      '--',
      'node.lan',
      'sh -s',
    ]);
  });

  it.each([
    ['root', 'sh -s'],
    ['alice', 'sudo -n sh -s'],
  ])('%s runs %s', (user, command) => {
    expect(remoteShellCommand(user)).toBe(command);
  });
});
