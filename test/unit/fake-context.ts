import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Context } from '../../src/system/context.js';

/** A Context for a command under test: its config in `dir`, stdout and stderr kept as text. */
export function fakeContext(dir: string, ids: { uid: number; gid: number }, now: () => number = Date.now): Context & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += String(chunk)));
  stderr.on('data', (chunk) => (err += String(chunk)));
  return {
    argv: [],
    env: { PATH: process.env.PATH, DEMERGE_CONFIG: join(dir, 'demerge.conf') },
    uid: ids.uid,
    gid: ids.gid,
    cpuCount: 2,
    stdout,
    stderr,
    signals: { on: () => undefined, off: () => undefined },
    inTerminalForeground: () => false,
    readFile: (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined),
    readBinary: (path) => (existsSync(path) ? readFileSync(path) : undefined),
    now,
    out: () => out,
    err: () => err,
  };
}
