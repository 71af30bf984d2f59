import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSample } from '../../src/dashboard/parse/ps.js';
import { SAMPLE_BEGIN, SAMPLE_COMMAND, SAMPLE_LOOP_COMMAND } from '../../src/system/node-sample.js';
import { renderRemoteScript } from '../../src/checks/node/remote-script.js';
import { commandShapes, renderForcedCommand, type CommandShape } from '../../src/setup/forced-command.js';
import { renderRemoteCommand } from '../../src/transport/index.js';

// The generated forced command, run by the real sh with SSH_ORIGINAL_COMMAND as sshd would set
// it. A fake distccd on PATH prints the words it got, so an allowed request shows what runs.

const dir = mkdtempSync(join(tmpdir(), 'demerge-forced-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bin = join(dir, 'bin');
const script = join(dir, 'demerge-command');

async function runForced(request: string | undefined, shapes: CommandShape[] = commandShapes(), input = '') {
  writeFileSync(script, renderForcedCommand(shapes, 'test'));
  chmodSync(script, 0o755);
  mkdirSync(bin, { recursive: true });
  for (const name of ['distccd', 'otherd']) {
    // On stdout like a program's answer, and on stderr, where a daemon's --log-stderr goes.
    writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} ran: $*"\necho "${name} ran: $*" >&2\n`);
    chmodSync(join(bin, name), 0o755);
  }
  // No syslog here (and none of the host's polluted): the refusal goes to the fallback file.
  writeFileSync(join(bin, 'logger'), '#!/bin/sh\nexit 1\n');
  chmodSync(join(bin, 'logger'), 0o755);
  return execa(script, [], {
    reject: false,
    input,
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      HOME: dir,
      USER: 'distcc',
      SSH_CONNECTION: '198.18.1.1 40000 198.18.1.2 22',
      ...(request === undefined ? {} : { SSH_ORIGINAL_COMMAND: request }),
    },
    extendEnv: false,
  });
}

describe('the forced command', () => {
  it('is valid POSIX sh (dash -n)', async () => {
    writeFileSync(script, renderForcedCommand(commandShapes({ distccd: '/opt/distcc/bin/distccd' }), 'test'));
    const result = await execa('sh', ['-n', script], { reject: false });
    expect(result.exitCode, result.stderr).toBe(0);
  });

  it.each([
    ['distccd --inetd --enable-tcp-insecure', 'distccd ran: --inetd'],
    ['distccd --inetd', 'distccd ran: --inetd'],
  ])('runs %j as distccd without --enable-tcp-insecure', async (request, output) => {
    const result = await runForced(request);
    expect(result.exitCode, result.message).toBe(0);
    expect(result.stdout).toBe(output);
  });

  it('runs the dashboard sampling command, and its output parses', async () => {
    const result = await runForced(SAMPLE_COMMAND);
    expect(result.exitCode, result.stderr).toBe(0);
    const sample = parseSample(result.stdout);
    expect(sample.complete).toBe(true);
    expect(sample.cpus).toBeGreaterThan(0);
    expect(sample.load?.one).toBeGreaterThanOrEqual(0);
  });

  it("runs the dashboard sampler's loop, a sample for each line it reads, and its samples parse", async () => {
    const result = await runForced(SAMPLE_LOOP_COMMAND, commandShapes(), '\n\n');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const samples = result.stdout.split(`${SAMPLE_BEGIN}\n`).slice(1);
    expect(samples).toHaveLength(2);
    for (const text of samples) {
      const sample = parseSample(text);
      expect(sample.complete, text).toBe(true);
      expect(sample.cpus).toBeGreaterThan(0);
    }
  });

  it.each([
    [undefined],
    [''],
    ['id'],
    ['distccd --daemon'],
    ['distccd --inetd --enable-tcp-insecure; id'],
    ['distccd --inetd --enable-tcp-insecure --log-file=/tmp/x'],
    ['/tmp/distccd --inetd'],
    [`${SAMPLE_COMMAND} `],
    [`${SAMPLE_LOOP_COMMAND} `],
    [SAMPLE_LOOP_COMMAND.replace('while read', 'id; while read')],
    ['sh -c id'],
    ['$(id)'],
    ['distccd\t--inetd'],
    ['id\nwhoami\u001b[2J'],
  ])('refuses %j and logs it', async (request) => {
    rmSync(join(dir, 'demerge-command.log'), { force: true });
    const result = await runForced(request);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('demerge-command: refused');
    const logged = readFileSync(join(dir, 'demerge-command.log'), 'utf8');
    expect(logged).toMatch(/^\d{4}-\d\d-\d\dT\S+Z refused for distcc from 198\.18\.1\.1: \S/);
    expect(logged.split('\n').length).toBe(2); // one line, escapes and all
  });

  it("runs the tunnel transport's run-scoped distccd with checked values only", async () => {
    const request = renderRemoteCommand({ distccd: 'distccd', ports: [20001, 20002], jobs: 4 });
    const result = await runForced(request);
    // The fake distccd exits at once; its log line reaches stderr and the tunnel script gives up.
    expect(result.stderr).toContain('distccd ran: --daemon --no-detach --listen 127.0.0.1 --port 20001 --allow 127.0.0.1 --jobs 4');
    expect(result.stderr).not.toContain('refused');
    for (const bad of [
      request.replace('20002', '99999'),
      request.replace(' 4 ', ' 0 '),
      `${request} ;id`,
      request.replace('distccd 4', '/tmp/evil 4'),
      request.replace('--port', '--Port'),
      request.replace(' 20001 20002', ''),
    ]) {
      const refused = await runForced(bad);
      expect(refused.stderr, bad.slice(-60)).toContain('demerge-command: refused');
    }
  });

  it("runs the dry check's probe script from stdin only when it is exactly that script", async () => {
    const marker = 'demerge-0123456789abcdef';
    const probe = renderRemoteScript({ marker, distccd: 'distccd', compilers: ['x86_64-pc-linux-gnu-gcc', 'gcc'] });
    const result = await runForced('sh', commandShapes(), probe);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${marker} start`);
    expect(result.stdout).toContain(`${marker} distccd ${bin}/distccd`);
    expect(result.stdout).toContain(`${marker} end`);
    for (const bad of [
      `${probe}id\n`,
      probe.replace(marker, 'x;id'),
      `id\n${probe}`,
      renderRemoteScript({ marker, distccd: 'distccd', compilers: ['$(id)'] }),
      '',
    ]) {
      const refused = await runForced('sh', commandShapes(), bad);
      expect(refused.exitCode).toBe(1);
      expect(refused.stdout).not.toContain(`${marker} start`);
    }
  });

  it('accepts the configured distccd path and runs that one', async () => {
    const result = await runForced('/opt/distcc/bin/distccd --inetd --enable-tcp-insecure', commandShapes({ distccd: `${bin}/otherd` }));
    expect(result.exitCode).toBe(1); // not the configured path: refused
    const configured = await runForced(`${bin}/otherd --inetd --enable-tcp-insecure`, commandShapes({ distccd: `${bin}/otherd` }));
    expect(configured.stdout).toBe('otherd ran: --inetd');
  });

  it('passes checked placeholders through, and nothing else', async () => {
    const shapes: CommandShape[] = [
      {
        kind: 'words',
        name: 'test daemon',
        words: ['distccd', '--port', { placeholder: 'port' }],
        run: ['distccd', '--listen', '127.0.0.1', '--port', { word: 2 }],
      },
    ];
    expect((await runForced('distccd --port 3632', shapes)).stdout).toBe('distccd ran: --listen 127.0.0.1 --port 3632');
    for (const bad of ['0', '65536', '036', '1;id', '']) {
      expect((await runForced(`distccd --port ${bad}`, shapes)).exitCode, bad).toBe(1);
    }
  });

  it('refuses to run client words that are not placeholders', () => {
    const shapes: CommandShape[] = [{ kind: 'words', name: 'bad', words: ['x', 'y'], run: [{ word: 1 }] }];
    expect(() => renderForcedCommand(shapes, 'test')).toThrow(/not a placeholder/);
  });
});
