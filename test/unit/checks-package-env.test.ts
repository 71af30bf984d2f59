import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOptOuts, optOutSettings } from '../../src/checks/local/package-env.js';
import { packageEnvUses } from '../../src/portage/index.js';

describe('package.env opt-outs', () => {
  it.each([
    ['FEATURES="-distcc"', 1],
    ['FEATURES="${FEATURES} -distcc"', 1],
    ["export FEATURES='-distcc -ccache'", 1],
    ['FEATURES=-distcc', 1],
    ['FEATURES="ccache"', 0],
    ['FEATURES="distcc"', 0],
    ['MAKEOPTS="-j1"', 1],
    ['MAKEOPTS=-j2', 1],
    ['# FEATURES="-distcc"', 0],
    ['CFLAGS="-O2"', 0],
  ])('%s: %d setting(s)', (line, count) => {
    expect(optOutSettings('env/x.conf', `${line}\n`)).toHaveLength(count);
  });

  it('reads package.env lines with their comments', () => {
    expect(packageEnvUses('# comment\ndev-lang/rust no-distcc.conf  # heavy\n\nsys-libs/glibc a.conf b.conf\nlonely\n')).toEqual([
      { atom: 'dev-lang/rust', files: ['no-distcc.conf'], source: { file: 'package.env', line: 2 } },
      { atom: 'sys-libs/glibc', files: ['a.conf', 'b.conf'], source: { file: 'package.env', line: 4 } },
    ]);
  });

  it('finds opt-outs under a config root, with the atoms that use them', () => {
    const root = mkdtempSync(join(tmpdir(), 'demerge-penv-'));
    const portage = join(root, 'etc', 'portage');
    mkdirSync(join(portage, 'env'), { recursive: true });
    mkdirSync(join(portage, 'package.env'));
    writeFileSync(join(portage, 'env', 'no-distcc.conf'), 'FEATURES="-distcc"\nMAKEOPTS="-j1"\n');
    writeFileSync(join(portage, 'env', 'fine.conf'), 'CFLAGS="-O2"\n');
    writeFileSync(join(portage, 'env', 'backup.conf~'), 'FEATURES="-distcc"\n');
    writeFileSync(join(portage, 'package.env', 'heavy'), 'dev-lang/rust no-distcc.conf\nwww-client/firefox no-distcc.conf\n');
    const found = findOptOuts(root);
    expect(found.map((o) => [o.setting.file, o.setting.line, o.setting.variable, o.atoms])).toEqual([
      ['env/no-distcc.conf', 1, 'FEATURES', ['dev-lang/rust', 'www-client/firefox']],
      ['env/no-distcc.conf', 2, 'MAKEOPTS', ['dev-lang/rust', 'www-client/firefox']],
    ]);
  });

  it('finds nothing without /etc/portage', () => {
    expect(findOptOuts(mkdtempSync(join(tmpdir(), 'demerge-penv-')))).toEqual([]);
  });
});
