import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDistccHosts } from '../../src/run-env/distcc-hosts.js';
import { buildRunEnvironment } from '../../src/run-env/environment.js';
import { extendFeatures, hasFeature } from '../../src/run-env/features.js';
import { computeMakeopts } from '../../src/run-env/makeopts.js';
import { removeStaleRunDirs } from '../../src/run-env/run-dir.js';
import { shellQuote } from '../../src/run-env/shell-quote.js';
import { renderSshConfig, renderSshWrapper, unsafeSshPathReason } from '../../src/run-env/ssh-wrapper.js';
import { isTerminalForeground } from '../../src/system/foreground.js';
import { masterArgs } from '../../src/transport/master-args.js';

const node = (host: string, slots: number, extra: object = {}) => ({ host, user: 'distcc', port: 22, slots, options: [], ...extra });

describe('FEATURES', () => {
  it.each([
    [undefined, ['distcc', '-network-sandbox'], 'distcc -network-sandbox'],
    ['noclean', ['distcc'], 'noclean distcc'],
    ['-distcc ccache', ['distcc'], 'ccache distcc'],
    ['network-sandbox distcc', ['distcc', '-network-sandbox'], 'distcc -network-sandbox'],
  ])('%s + %j = %s', (current, additions, expected) => {
    expect(extendFeatures(current, additions)).toBe(expected);
  });

  it('never emits -*', () => {
    expect(() => extendFeatures('', ['-*'])).toThrow();
  });

  it.each([
    ['distcc', true],
    ['distcc -distcc', false],
    ['-* distcc', true],
    ['distcc -*', false],
    ['', false],
  ])('hasFeature(%j, distcc) is %s', (value, expected) => {
    expect(hasFeature(value, 'distcc')).toBe(expected);
  });
});

describe('MAKEOPTS', () => {
  it.each([
    [{ totalSlots: 7, loadLimit: 2 }, '-j15 -l2'],
    [{ totalSlots: 7, loadLimit: 0 }, '-j15'],
    [{ totalSlots: 7, loadLimit: 4, jobsOverride: 3 }, '-j3 -l4'],
  ])('%j → %s', (input, expected) => {
    expect(computeMakeopts(input)).toBe(expected);
  });
});

describe('run environment', () => {
  const vars = {
    distccHosts: 'distcc@a/2 localhost/1',
    distccSsh: '/run/demerge/1-x/ssh',
    distccDir: '/run/demerge/1-x/distcc',
    makeopts: '-j7',
    liftNetworkSandbox: true,
  };

  it('sets the distcc variables, removes MAKEFLAGS and keeps the rest', () => {
    const env = buildRunEnvironment({ PATH: '/bin', MAKEFLAGS: '-j1', FEATURES: 'noclean', TERM: 'xterm', GONE: undefined }, vars);
    expect(env).toEqual({
      PATH: '/bin',
      TERM: 'xterm',
      FEATURES: 'noclean distcc -network-sandbox',
      DISTCC_HOSTS: vars.distccHosts,
      DISTCC_SSH: vars.distccSsh,
      DISTCC_DIR: vars.distccDir,
      MAKEOPTS: '-j7',
    });
  });
});

describe('DISTCC_HOSTS', () => {
  it('lists nodes first, then localhost', () => {
    expect(formatDistccHosts([node('a', 4), node('b', 2, { options: ['lzo'], user: 'build' })], 2)).toBe('distcc@a/4 build@b/2,lzo localhost/2');
  });
  it('leaves localhost out with no local slots', () => {
    expect(formatDistccHosts([node('a', 4)], 0)).toBe('distcc@a/4');
  });
});

describe('ssh wrapper', () => {
  const input = {
    runId: '1-abc',
    ssh: '/usr/bin/ssh',
    sshConfigPath: '/run/demerge/1-abc/ssh_config',
    key: '/etc/distcc/.ssh/id_%ed25519',
    knownHosts: '/var/tmp/portage/.ssh/known_hosts',
    connectTimeout: 5,
  };

  it('spells out every option the recipe needs', () => {
    const script = renderSshWrapper(input);
    for (const option of [
      'IdentitiesOnly=yes',
      'BatchMode=yes',
      'StrictHostKeyChecking=yes',
      'ConnectTimeout=5',
      'ServerAliveInterval=5',
      'UpdateHostKeys=no',
    ]) {
      expect(script).toContain(`-o ${option}`);
    }
    expect(script).toContain('IdentityFile=/etc/distcc/.ssh/id_%%ed25519');
    expect(script).toContain('UserKnownHostsFile=/var/tmp/portage/.ssh/known_hosts');
    expect(script.trimEnd().endsWith('"$@"')).toBe(true);
  });

  it('is a valid sh script that passes arguments through untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wrapper-'));
    const script = renderSshWrapper({ ...input, ssh: '/bin/echo' }).replace('exec /bin/echo', 'exec printf "%s\\n"');
    const out = execFileSync('/bin/sh', ['-c', script, 'sh', '-l', 'distcc', 'host', 'distccd', '--inetd'], { cwd: dir, encoding: 'utf8' });
    expect(out.split('\n').slice(-5, -1)).toEqual(['distcc', 'host', 'distccd', '--inetd']);
  });

  it('with an agent-held key, names the bridge and the public half, never the key file (wrapper and master alike)', () => {
    const agent = { socket: '/run/demerge/1-abc/agent/socket', identity: '/run/demerge/1-abc/agent/key.pub' };
    const script = renderSshWrapper({ ...input, agent });
    const master = masterArgs({
      ...input,
      node: { host: 'a', port: 22, user: 'distcc' },
      controlPath: '/run/demerge/1-abc/tunnel/1',
      remoteCommand: 'R',
      agent,
    });
    for (const words of [script, master.join(' ')]) {
      expect(words).toContain('-o IdentityAgent=/run/demerge/1-abc/agent/socket');
      expect(words).toContain('-o IdentityFile=/run/demerge/1-abc/agent/key.pub');
      expect(words).toContain('-o IdentitiesOnly=yes');
      expect(words).not.toContain('id_%');
    }
    // Without one, ssh is given the key file and no agent option, as always.
    expect(renderSshWrapper(input)).not.toContain('IdentityAgent');
  });

  it('writes one Host block per node', () => {
    expect(renderSshConfig('r', [node('a', 1, { port: 2222 }), node('b', 1, { user: 'x' })])).toBe(
      '# ssh_config for demerge run r: per-node port and user.\nHost a\n    Port 2222\n    User distcc\nHost b\n    Port 22\n    User x\n',
    );
  });

  it.each([
    ['relative/key', /absolute/],
    ['/a b', /whitespace/],
    ['/a"b', /quote/],
    ["/a'b", /quote/],
    ['/a\tb', /whitespace/],
    ['/a\u0001b', /control/],
  ])('refuses the path %j', (path, reason) => {
    expect(unsafeSshPathReason(path)).toMatch(reason);
  });

  it.each([
    ['plain/path-1.2', 'plain/path-1.2'],
    ["it's", `'it'\\''s'`],
    ['$(id)', `'$(id)'`],
    ['a b', `'a b'`],
  ])('quotes %j for sh', (value, quoted) => {
    expect(shellQuote(value)).toBe(quoted);
    expect(execFileSync('/bin/sh', ['-c', `printf %s ${quoted}`], { encoding: 'utf8' })).toBe(value);
  });
});

describe('stale run directories', () => {
  it('removes directories of dead runs only', () => {
    const base = mkdtempSync(join(tmpdir(), 'runs-'));
    for (const name of ['111-aaa', '222-bbb', 'unrelated']) mkdirSync(join(base, name));
    expect(removeStaleRunDirs(base, (pid) => pid === 222)).toEqual(['111-aaa']);
    expect(readdirSync(base).sort()).toEqual(['222-bbb', 'unrelated']);
  });
});

describe('terminal foreground', () => {
  it.each([
    ['1234 (node) S 1 1234 1234 34816 1234 4194560', true],
    ['1234 (node) S 1 1234 1234 34816 999 4194560', false],
    ['1234 (no de) )) S 1 1234 1234 0 -1 4194560', false],
  ])('%s', (stat, expected) => {
    expect(isTerminalForeground(stat)).toBe(expected);
  });
});
