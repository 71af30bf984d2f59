import { describe, expect, it } from 'vitest';
import { classifyTrialFailure, lastErrorLine } from '../../src/checks/node/trial-failure.js';

const NODE = { host: 'node1', user: 'distcc', port: 22, slots: 4, options: [] };
const COMPILER = 'x86_64-pc-linux-gnu-gcc';

// Output as distcc 3.4 and OpenSSH 9.2 print it (DISTCC_VERBOSE log and stderr).
describe('trial compile failures', () => {
  it.each([
    {
      what: 'a refused host key',
      output: 'Host key verification failed.\ndistcc[1] (dcc_r_token_int) ERROR: read failed',
      forced: false,
      text: /Host key verification failed/,
    },
    {
      what: 'an unprotected key',
      output: "@ WARNING: UNPROTECTED PRIVATE KEY FILE! @\nPermissions 0644 for '/k' are too open.",
      forced: false,
      text: /UNPROTECTED/,
    },
    {
      what: 'an unreadable key',
      output: 'Load key "/etc/distcc/.ssh/id_ed25519": Permission denied\ndistcc@node1: Permission denied (publickey).',
      forced: false,
      text: /cannot load the key \/etc\/distcc\/.ssh\/id_ed25519/,
    },
    { what: 'a refused login', output: 'distcc@node1: Permission denied (publickey).', forced: false, text: /refused as distcc/ },
    { what: 'nologin', output: 'This account is currently not available.', forced: false, text: /nologin/ },
    {
      what: 'the whitelist behind a forced command',
      output:
        'distcc[9] (dcc_readx) ERROR: unexpected eof on fd9\ndistcc[9] (dcc_r_result_header) ERROR: server provided no answer. Is the server configured to allow access from your IP address?',
      forced: true,
      text: /not in the node's compiler whitelist/,
    },
    { what: 'no answer without a forced command', output: 'distcc[9] (dcc_r_result_header) ERROR: server provided no answer.', forced: false, text: /hung up/ },
    { what: 'a missing distccd', output: 'bash: line 1: distccd: command not found', forced: false, text: /distccd is not in the PATH/ },
    { what: 'a refused connection', output: 'ssh: connect to host node1 port 22: Connection refused', forced: false, text: /Connection refused/ },
    {
      what: 'something new',
      output: 'distcc[1] (dcc_x) ERROR: something odd happened\n',
      forced: false,
      text: /failed: \(dcc_x\) ERROR: something odd happened/,
    },
  ])('names $what', ({ output, forced, text }) => {
    const [message, fix] = classifyTrialFailure({ node: NODE, compiler: COMPILER, output, forcedCommand: forced, transport: 'ssh' });
    expect(message).toMatch(text);
    expect(fix.length).toBeGreaterThan(10);
  });

  it.each([
    ['a refused forwarding', "forwarding to the node's 127.0.0.1:20001 refused: (SSH) Channel open failure: administratively prohibited", /refuses to forward/],
    [
      "the tunnel's distccd refusing a compiler",
      'distccd[7] (dcc_check_compiler_whitelist) CRITICAL! x86_64-pc-linux-gnu-gcc not in /usr/lib/distcc whitelist.',
      /run-scoped distccd of transport = "tunnel" keeps on/,
    ],
  ])('with the tunnel transport, names %s', (_what, output, text) => {
    const [message] = classifyTrialFailure({ node: NODE, compiler: COMPILER, output, forcedCommand: false, transport: 'tunnel' });
    expect(message).toMatch(text);
  });

  it('gives the whitelist fix with the compiler name', () => {
    const [, fix] = classifyTrialFailure({ node: NODE, compiler: COMPILER, output: 'ERROR: server provided no answer', forcedCommand: true, transport: 'ssh' });
    expect(fix).toContain(`ln -s /usr/bin/distcc /usr/lib/distcc/${COMPILER}`);
    expect(fix).toContain('--enable-tcp-insecure');
  });

  it('takes the last error line without the pid prefix', () => {
    expect(lastErrorLine('distcc[12] first\ndistcc[12] (a) ERROR: one\ndistcc[12] (b) ERROR: two\ndistcc[12] exit')).toBe('(b) ERROR: two');
    expect(lastErrorLine('')).toBe('no output');
  });
});
