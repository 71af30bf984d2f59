import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSample } from '../../src/dashboard/parse/ps.js';
import { SAMPLE_BEGIN, SAMPLE_COMMAND, SAMPLE_LOOP_COMMAND } from '../../src/system/node-sample.js';
import { renderRemoteScript } from '../../src/checks/node/remote-script.js';
import { commandShapes, renderForcedCommand, type CommandShape } from '../../src/setup/forced-command.js';
import { NODE_BOOTSTRAP, NODE_PROGRAM_NAME, renderRemoteCommand, RUN_REQUEST_PREFIX, STATUS_REQUEST } from '../../src/transport/index.js';

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
  // The node program's interpreter shows the words it got, one a line.
  writeFileSync(join(bin, 'python3'), '#!/bin/sh\nprintf "%s\\n" "$@"\n');
  chmodSync(join(bin, 'python3'), 0o755);
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

  it("runs the tunnel transport's node session with checked values only, the program byte for byte", async () => {
    const request = renderRemoteCommand({ distccd: 'distccd', slots: 4, run: '42-abc.1' });
    const result = await runForced(request);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toEqual(['-I', '-S', '-c', NODE_BOOTSTRAP, NODE_PROGRAM_NAME, 'run', 'distccd', '4', '42-abc.1']);
    // A name with a leading "-" is an argument of the program (python stops at -c), not an option.
    const dashed = await runForced(renderRemoteCommand({ distccd: 'distccd', slots: 1, run: '-x' }));
    expect(dashed.stdout.split('\n').slice(-3)).toEqual(['distccd', '1', '-x']);
    // The values are split at spaces (sh's IFS), so more of them change nothing that runs.
    const spaced = await runForced(`${request.replace(' 4 ', '  4  ')} `);
    expect(spaced.stdout).toBe(result.stdout);
  });

  it("runs the configured distccd in the tunnel's session, whichever of the names the request gives", async () => {
    const shapes = commandShapes({ distccd: '/opt/distcc/bin/distccd' });
    for (const distccd of ['distccd', '/opt/distcc/bin/distccd']) {
      const result = await runForced(renderRemoteCommand({ distccd, slots: 2, run: 'r.1' }), shapes);
      expect(result.stdout.split('\n').slice(-4), distccd).toEqual(['run', '/opt/distcc/bin/distccd', '2', 'r.1']);
    }
    const other = await runForced(renderRemoteCommand({ distccd: '/tmp/distccd', slots: 2, run: 'r.1' }), shapes);
    expect(other.stderr).toContain('demerge-command: refused');
  });

  it("adds the entrance's port to the tunnel's session when the key may forward only there", async () => {
    const shapes = commandShapes({ entrancePort: 3633 });
    const result = await runForced(renderRemoteCommand({ distccd: 'distccd', slots: 2, run: 'r.1' }), shapes);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.split('\n').slice(-5)).toEqual(['run', 'distccd', '2', 'r.1', '3633']);
    // The client cannot name a port of its own: a sixth word does not match the shape.
    const asked = await runForced(`${renderRemoteCommand({ distccd: 'distccd', slots: 2, run: 'r.1' })} 22`, shapes);
    expect(asked.stderr).toContain('demerge-command: refused');
  });

  it("runs the node service's status request exactly", async () => {
    const result = await runForced(STATUS_REQUEST);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.split('\n')).toEqual(['-I', '-S', '-c', NODE_BOOTSTRAP, NODE_PROGRAM_NAME, 'status']);
  });

  it.each([
    ['another program hash', () => renderRemoteCommand({ distccd: 'distccd', slots: 4, run: 'r' }).replace(/=="[0-9a-f]{64}"/, `=="${'0'.repeat(64)}"`)],
    [
      'a bootstrap with one byte changed',
      () => {
        const request = renderRemoteCommand({ distccd: 'distccd', slots: 4, run: 'r' });
        const at = request.indexOf('hexdigest()=="') + 20;
        return `${request.slice(0, at)}${request[at] === 'a' ? 'b' : 'a'}${request.slice(at + 1)}`;
      },
    ],
    ['another program length', () => renderRemoteCommand({ distccd: 'distccd', slots: 4, run: 'r' }).replace(/p=r\((\d+)\)/, 'p=r(1$1)')],
    ['python instead of python3', () => renderRemoteCommand({ distccd: 'distccd', slots: 4, run: 'r' }).replace('python3 ', 'python ')],
    ['without -I', () => renderRemoteCommand({ distccd: 'distccd', slots: 4, run: 'r' }).replace(' -I ', ' ')],
    ['another program name', () => renderRemoteCommand({ distccd: 'distccd', slots: 4, run: 'r' }).replace(` ${NODE_PROGRAM_NAME} `, ' other ')],
    ['an extra word', () => `${renderRemoteCommand({ distccd: 'distccd', slots: 4, run: 'r' })} x`],
    ['a command after ";"', () => `${renderRemoteCommand({ distccd: 'distccd', slots: 4, run: 'r' })};id`],
    ['a command after " ; "', () => `${renderRemoteCommand({ distccd: 'distccd', slots: 4, run: 'r' })} ; id`],
    ['a run name with ";"', () => `${RUN_REQUEST_PREFIX}distccd 4 r;id`],
    ['a run name with "$(...)"', () => `${RUN_REQUEST_PREFIX}distccd 4 $(id)`],
    ['a run name with "/"', () => `${RUN_REQUEST_PREFIX}distccd 4 ../r`],
    ['a run name too long', () => `${RUN_REQUEST_PREFIX}distccd 4 ${'x'.repeat(65)}`],
    ['a unicode run name', () => `${RUN_REQUEST_PREFIX}distccd 4 ränn`],
    ['no run name', () => `${RUN_REQUEST_PREFIX}distccd 4`],
    ['slots 0', () => `${RUN_REQUEST_PREFIX}distccd 0 r`],
    ['slots with a leading 0', () => `${RUN_REQUEST_PREFIX}distccd 04 r`],
    ['slots of five digits', () => `${RUN_REQUEST_PREFIX}distccd 50000 r`],
    ['slots that are not a number', () => `${RUN_REQUEST_PREFIX}distccd x r`],
    ['another distccd', () => `${RUN_REQUEST_PREFIX}/tmp/evil 4 r`],
    ['a tab between the values', () => `${RUN_REQUEST_PREFIX}distccd\t4 r`],
    ['a newline and a command', () => `${RUN_REQUEST_PREFIX}distccd 4 r\nid`],
    ['status with an extra word', () => `${STATUS_REQUEST} x`],
    ['status with ";"', () => `${STATUS_REQUEST};id`],
    ['status as a run', () => `${STATUS_REQUEST} run distccd 4 r`],
    ['the program alone', () => `exec python3 -I -S -c '${NODE_BOOTSTRAP}'`],
  ])('refuses a node session request with %s', async (_name, request) => {
    rmSync(join(dir, 'demerge-command.log'), { force: true });
    const result = await runForced(request());
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('demerge-command: refused');
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
