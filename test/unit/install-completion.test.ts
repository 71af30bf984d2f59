import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The shell completions shipped in the tarball (completions/): bash's is run for real, by
// sourcing it in bash with COMP_WORDS and COMP_CWORD set as bash sets them (`--config=FILE`
// is the three words `--config` `=` `FILE`) and calling _demerge; zsh's node reader is run
// in zsh where zsh is installed.

const root = join(import.meta.dirname, '..', '..');
const BASH = join(root, 'completions/demerge.bash');
const ZSH = join(root, 'completions/_demerge');
const hasZsh = spawnSync('zsh', ['-fc', 'true']).status === 0;

let dir: string;
let conf: string;
let other: string;
let distccHosts: string;
let xdg: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'demerge-completion-'));
  conf = join(dir, 'demerge.conf');
  writeFileSync(
    conf,
    [
      'key = "/etc/distcc/.ssh/id_ed25519"',
      'known_hosts = "/var/tmp/portage/.ssh/known_hosts"',
      '# host = "commented.lan"',
      '[[node]]',
      'host = "builder1.lan"   # the fast one',
      'slots = 8',
      '[[node]]',
      "host='192.168.1.20'",
      '',
    ].join('\n'),
  );
  other = join(dir, 'other.conf');
  writeFileSync(other, 'node = [{ host = "inline1" }, {host="inline2", port = 2222}]\n');
  distccHosts = join(dir, 'hosts');
  writeFileSync(distccHosts, '# distcc-config --set-hosts\n--randomize localhost/2 alice@b1:2222/8,lzo @b2/4\nb3,lzo,cpp *\n');
  // A stand-in for gentoo-bashcomp's emerge completion, where bash-completion looks for it.
  xdg = join(dir, 'xdg');
  mkdirSync(join(xdg, 'bash-completion/completions'), { recursive: true });
  writeFileSync(
    join(xdg, 'bash-completion/completions/emerge'),
    [
      '_emerge() {',
      '  COMPREPLY=("words=${COMP_WORDS[*]}" "cword=$COMP_CWORD" "line=$COMP_LINE" "point=$COMP_POINT")',
      '}',
      'complete -o filenames -F _emerge emerge',
      '',
    ].join('\n'),
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Options {
  /** $DEMERGE_CONFIG; null: unset. */
  config?: string | null;
  emerge?: boolean;
}

/** Completes the last of `words` as bash would, and returns COMPREPLY. */
function complete(words: string[], { config = conf, emerge = false }: Options = {}): string[] {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    XDG_DATA_DIRS: emerge ? xdg : join(dir, 'none'),
    _demerge_default_conf: join(dir, 'no-such.conf'),
    _demerge_distcc_hosts: distccHosts,
  };
  if (config !== null) env['DEMERGE_CONFIG'] = config;
  const script = [
    'set -u',
    `source ${JSON.stringify(BASH)}`,
    // sourced from the environment, these would not reach the function: set them here
    '_demerge_default_conf=$_demerge_default_conf _demerge_distcc_hosts=$_demerge_distcc_hosts',
    'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}',
    '_demerge',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', script, 'demerge', ...words], { env, encoding: 'utf8', cwd: dir });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout.split('\n').filter((line) => line !== '');
}

describe('bash completion', () => {
  it('is valid bash and registers _demerge for demerge', () => {
    expect(spawnSync('bash', ['-n', BASH]).status).toBe(0);
    const result = spawnSync('bash', ['--norc', '-c', `source ${JSON.stringify(BASH)}; complete -p demerge`], { encoding: 'utf8' });
    expect(result.stdout.trim()).toBe('complete -o filenames -F _demerge demerge');
  });

  it('offers the sub-commands as the first word', () => {
    expect(complete(['demerge', 'tr'])).toEqual(['trust']);
    expect(complete(['demerge', 're'])).toEqual(['report']);
    expect(complete(['demerge', 'report', '--'])).toEqual(['--last=', '--package=', '--json', '--help']);
    expect(complete(['demerge', 'report', '--j'])).toEqual(['--json']);
    expect(complete(['demerge', 'report', '--package', '=', ''])).toEqual([]);
    expect(complete(['demerge', 's'])).toEqual(['setup']);
    // not later: `demerge -av setup` emerges a package called setup
    expect(complete(['demerge', '-av', 'se'])).toEqual([]);
  });

  it("offers demerge's options, --help and --version only as the sole argument", () => {
    expect(complete(['demerge', '--d'])).toEqual(['--dry-check', '--dashboard', '--dashboard=']);
    expect(complete(['demerge', '--h'])).toEqual(['--help']);
    expect(complete(['demerge', '-av', '--h'])).toEqual([]);
    expect(complete(['demerge', '--no'])).toEqual(['--no-dashboard']);
  });

  it('completes the file of --config=FILE', () => {
    expect(complete(['demerge', '--config', '=', join(dir, 'oth')])).toEqual([other]);
    expect(complete(['demerge', 'setup', 'node', '--config', join(dir, 'demerge.c')])).toEqual([conf]);
  });

  it('offers the configured nodes after trust and setup node', () => {
    expect(complete(['demerge', 'trust', ''])).toEqual(['builder1.lan', '192.168.1.20']);
    expect(complete(['demerge', 'trust', 'builder1.lan', '1'])).toEqual(['192.168.1.20']);
    expect(complete(['demerge', 'setup', 'node', 'b'])).toEqual(['builder1.lan']);
    expect(complete(['demerge', 'setup', 'node', '--restrict', 'alice@'])).toEqual(['alice@builder1.lan', 'alice@192.168.1.20']);
  });

  it('reads the nodes of --config=FILE on the line, inline tables too', () => {
    expect(complete(['demerge', 'trust', '--config', '=', other, ''])).toEqual(['inline1', 'inline2']);
    expect(complete(['demerge', 'setup', 'node', '--config', other, 'in'])).toEqual(['inline1', 'inline2']);
  });

  it("falls back to distcc's hosts only without a demerge.conf, as demerge does", () => {
    expect(complete(['demerge', 'trust', ''], { config: null })).toEqual(['b1', 'b2', 'b3']);
    // a file named by DEMERGE_CONFIG that does not exist is an error to demerge: no nodes
    expect(complete(['demerge', 'trust', ''], { config: join(dir, 'missing.conf') })).toEqual([]);
  });

  it("offers each step's own options", () => {
    expect(complete(['demerge', 'setup', ''])).toEqual(['key', 'node']);
    expect(complete(['demerge', 'setup', '--r'])).toEqual(['--restrict']);
    expect(complete(['demerge', 'setup', 'key', '-'])).toEqual(['--config=', '--force', '--passphrase', '--help']);
    expect(complete(['demerge', 'setup', 'node', '--p'])).toEqual(['--print']);
    expect(complete(['demerge', 'trust', '--'])).toEqual(['--config=', '--fingerprint', '--replace', '--help']);
    expect(complete(['demerge', 'trust', '--fingerprint', ''])).toEqual([]);
  });

  it("hands the rest to emerge's completion, without demerge's options", () => {
    const seen = complete(['demerge', '--strict', '--config', '=', conf, '-av', '--', '--json', 'dev-u'], { emerge: true });
    expect(seen).toEqual(['words=emerge -av --json dev-u', 'cword=3', 'line=emerge -av --json dev-u', 'point=23']);
    // a bare --config is emerge's pkg_config action, and stays
    const bare = complete(['demerge', '--make-jobs', '=', '8', '--config', 'sys-libs/tz'], { emerge: true });
    expect(bare[0]).toBe('words=emerge --config sys-libs/tz');
    expect(bare[1]).toBe('cword=2');
  });

  it("adds demerge's options to emerge's", () => {
    const seen = complete(['demerge', '--st'], { emerge: true });
    expect(seen).toContain('--strict');
    expect(seen).toContain('words=emerge --st');
  });
});

describe.skipIf(!hasZsh)('zsh completion', () => {
  function hosts(call: string, env: Record<string, string> = {}): string[] {
    const result = spawnSync('zsh', ['-fc', `source ${JSON.stringify(ZSH)}; ${call}; print -rl -- $reply`], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, ...env },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return result.stdout.split('\n').filter((line) => line !== '');
  }

  it('is valid zsh (zsh -n), for compinit (#compdef demerge)', () => {
    expect(spawnSync('zsh', ['-n', ZSH]).status).toBe(0);
    expect(spawnSync('head', ['-1', ZSH], { encoding: 'utf8' }).stdout).toBe('#compdef demerge\n');
  });

  it('reads the configured nodes as the bash completion does', () => {
    expect(hosts('_demerge_config_hosts', { DEMERGE_CONFIG: conf })).toEqual(['builder1.lan', '192.168.1.20']);
    expect(hosts(`_demerge_config_hosts ${other}`, { DEMERGE_CONFIG: conf })).toEqual(['inline1', 'inline2']);
    expect(hosts('_demerge_config_hosts', { DEMERGE_CONFIG: join(dir, 'missing.conf') })).toEqual([]);
    expect(hosts(`_demerge_default_conf=${dir}/none _demerge_distcc_hosts=${distccHosts} _demerge_config_hosts`)).toEqual(['b1', 'b2', 'b3']);
  });
});
