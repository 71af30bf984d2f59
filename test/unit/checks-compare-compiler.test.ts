import { describe, expect, it } from 'vitest';
import { compareCompiler, versionParts } from '../../src/checks/node/compare-compiler.js';

const FRONT = { chost: 'x86_64-pc-linux-gnu', name: 'x86_64-pc-linux-gnu-gcc', version: '13.2.1', machine: 'x86_64-pc-linux-gnu' };
const NAME = 'x86_64-pc-linux-gnu-gcc';

describe('compiler comparison', () => {
  it.each([
    { what: 'the same compiler', remote: { path: '/usr/bin/x', version: '13.2.1', machine: FRONT.machine }, verdict: 'ok', text: /same as the front end/ },
    { what: 'another patch level', remote: { path: '/usr/bin/x', version: '13.2.0', machine: FRONT.machine }, verdict: 'ok', text: /same as the front end/ },
    {
      what: 'another minor version',
      remote: { path: '/usr/bin/x', version: '13.1.0', machine: FRONT.machine },
      verdict: 'warn',
      text: /13\.1\.0.*13\.2\.1.*compatible/,
    },
    {
      what: 'another major version',
      remote: { path: '/usr/bin/x', version: '12.3.0', machine: FRONT.machine },
      verdict: 'fail',
      text: /another major version/,
    },
    {
      what: 'another target',
      remote: { path: '/usr/bin/x', version: '13.2.1', machine: 'aarch64-unknown-linux-gnu' },
      verdict: 'fail',
      text: /builds for aarch64-unknown-linux-gnu.*objects would be wrong/,
    },
    { what: 'no compiler', remote: {}, verdict: 'fail', text: /missing on the node/ },
    { what: 'a compiler that does not answer', remote: { path: '/usr/bin/x' }, verdict: 'fail', text: /does not answer/ },
    { what: 'a major-only version', remote: { path: '/usr/bin/x', version: '13', machine: FRONT.machine }, verdict: 'ok', text: /same/ },
  ])('$what: $verdict', ({ remote, verdict, text }) => {
    const check = compareCompiler('node.compiler', 'node1', FRONT, { name: NAME, ...remote });
    expect(check.verdict).toBe(verdict);
    expect(check.message).toMatch(text);
    if (verdict !== 'ok') expect(check.fix).toBeTruthy();
  });

  it('advises the matching gcc slot', () => {
    expect(compareCompiler('node.compiler', 'node1', FRONT, { name: NAME }).fix).toContain('sys-devel/gcc:13');
  });

  it.each([
    ['13.2.1', [13, 2]],
    ['13', [13, undefined]],
    ['x.y', [undefined, undefined]],
  ])('splits %s', (version, parts) => {
    expect(versionParts(version)).toEqual(parts);
  });
});
