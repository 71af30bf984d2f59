import { describe, expect, it } from 'vitest';
import { lzoSuggestion } from '../../src/checks/node/lzo-suggestion.js';
import { parseQuery, queryFrontCompiler } from '../../src/checks/local/front-compiler.js';
import type { NodeConfig } from '../../src/config/types.js';

const NODE: NodeConfig = { host: 'far.example', user: 'distcc', port: 22, slots: 4, options: [] };
const CONF = { kind: 'file' as const, path: '/etc/demerge.conf' };

describe('lzo suggestion', () => {
  it('stays silent below 5 ms, without a measurement, and when lzo is on', () => {
    expect(lzoSuggestion(NODE, 'far.example', 0.4, CONF)).toBeUndefined();
    expect(lzoSuggestion(NODE, 'far.example', 4.9, CONF)).toBeUndefined();
    expect(lzoSuggestion(NODE, 'far.example', undefined, CONF)).toBeUndefined();
    expect(lzoSuggestion({ ...NODE, options: ['lzo'] }, 'far.example', 40, CONF)).toBeUndefined();
  });

  it('is a note (ok), naming the line to write in demerge.conf', () => {
    const note = lzoSuggestion(NODE, 'far.example', 5, CONF);
    expect(note?.check).toMatchObject({ id: 'node.lzo', node: 'far.example', verdict: 'ok' });
    expect(note?.check.fix).toBeUndefined();
    expect(note?.check.message).toContain('round trip 5 ms');
    expect(note?.check.message).toContain('in /etc/demerge.conf, add options = ["lzo"] to the [[node]] table with host = "far.example"');
    expect(note?.options).toEqual(['lzo']);
  });

  it("keeps the node's other options", () => {
    const note = lzoSuggestion({ ...NODE, options: ['auth'] }, 'far.example', 30, CONF);
    expect(note?.options).toEqual(['lzo', 'auth']);
    expect(note?.check.message).toContain('options = ["lzo", "auth"]');
  });

  it("names the host spec when the nodes come from distcc's hosts file", () => {
    const note = lzoSuggestion(NODE, 'far.example', 12.5, { kind: 'distcc-hosts', path: '/etc/distcc/hosts' });
    expect(note?.check.message).toContain('in /etc/distcc/hosts, write this node as distcc@far.example/4,lzo');
  });
});

describe('front compiler query', () => {
  it('asks one shell for CHOST, version and target', async () => {
    const calls: string[][] = [];
    const result = await queryFrontCompiler(async (program, args) => {
      calls.push([program, ...args]);
      return 'chost x86_64-pc-linux-gnu\nversion 14.2.1\nmachine x86_64-pc-linux-gnu\n';
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.[0]).toBe('sh');
    expect(result).toEqual({
      ok: true,
      compiler: { chost: 'x86_64-pc-linux-gnu', name: 'x86_64-pc-linux-gnu-gcc', version: '14.2.1', machine: 'x86_64-pc-linux-gnu' },
    });
  });

  it('says which step failed', async () => {
    expect(await queryFrontCompiler(async () => 'chost \n')).toEqual({ ok: false, reason: 'gcc -dumpmachine printed nothing (is gcc installed?)' });
    expect(await queryFrontCompiler(async () => undefined)).toMatchObject({ ok: false });
    expect(await queryFrontCompiler(async () => 'chost x86_64-pc-linux-gnu\nmachine x86_64-pc-linux-gnu\n')).toEqual({
      ok: false,
      reason: 'x86_64-pc-linux-gnu-gcc does not run on the front end',
    });
  });

  it('reads tagged lines', () => {
    expect([...parseQuery('a 1\nb\nc  two words \n')]).toEqual([
      ['a', '1'],
      ['c', 'two words'],
    ]);
  });
});
