import type { DistccJob } from '../../src/dashboard/parse/distcc-state.js';
import { DistccLogInterpreter } from '../../src/dashboard/parse/distcc-log.js';
import { parseEmergeLogLine, type EmergeLogEvent } from '../../src/dashboard/parse/emerge-log.js';
import { parseSample } from '../../src/dashboard/parse/ps.js';
import {
  createDashboardState,
  withClusterSample,
  withDistccLogEvents,
  withEmergeLogEvents,
  withJobs,
  withNodeSample,
  withNodeUnreachable,
  type DashboardState,
} from '../../src/dashboard/state.js';

// A dashboard state built the way the collectors build it: from what the nodes, distcc and
// Portage actually print (ps output as procps-ng 4 formats it, DISTCC_LOG and emerge.log lines).

export const T0 = 1_795_700_000_000;
export const NOW = T0 + 42_000;

export function psLine(pid: number, ppid: number, stat: string, etimes: number, pcpu: string, rss: number, comm: string, args: string): string {
  return `${String(pid).padStart(5)} ${String(ppid).padStart(5)} ${stat.padEnd(4)} ${String(etimes).padStart(5)} ${pcpu.padStart(4)} ${String(rss).padStart(5)} ${comm.padEnd(15)} ${args}`;
}

export function sampleText(shell: number, ps: string[], cpu: string[] = []): string {
  return [
    '@@demerge:loadavg',
    '1.52 0.80 0.40 3/210 9999',
    '@@demerge:nproc',
    '4',
    '@@demerge:stat',
    ...cpu,
    `@@demerge:ps ${shell}`,
    ...ps,
    '@@demerge:end',
    '',
  ].join('\n');
}

export function cc1(pid: number, ppid: number, temp: string, etimes = 1): string {
  return psLine(pid, ppid, 'R', etimes, '95.0', 12000, 'cc1', `/usr/libexec/gcc/x86_64-linux-gnu/12/cc1 -fpreprocessed /tmp/${temp}.i -quiet -o /tmp/cc.s`);
}

export function job(pid: number, host: string, file: string, phase: DistccJob['phase'], ageMs: number): DistccJob {
  return { pid, cpid: pid, file, host, slot: 0, phase, mtimeMs: NOW - ageMs };
}

const DISTCC_LOG = [
  'distcc[11] compile from u001.c to u001.o',
  'distcc[11] exec on distcc@node1/2: gcc -c src/u001.c',
  'distcc[11] compile src/u001.c on distcc@node1/2 completed ok',
  'distcc[12] compile from u002.c to u002.o',
  'distcc[12] exec on distcc@node2/2: gcc -c src/u002.c',
  'distcc[12] (dcc_readx) ERROR: unexpected eof on fd5',
  'distcc[12] exec on localhost: gcc -c src/u002.c',
  'distcc[12] compile src/u002.c on localhost completed ok',
];

const EMERGE_LOG = [
  '1795699990:  *** emerge --oneshot dev-util/hello',
  '1795700000:  >>> emerge (1 of 1) dev-util/hello-1.0 to /',
  '1795700000:  === (1 of 1) Compiling/Merging (dev-util/hello-1.0::/var/db/repos/gentoo/dev-util/hello/hello-1.0.ebuild)',
];

/** The fixtures' run: node1 and node2 with 2 slots, node3 with 4, localhost 2, nothing seen yet. */
function threeNodes(): DashboardState {
  return createDashboardState({
    startedAt: T0,
    nodes: [
      { name: 'node1', slots: 2 },
      { name: 'node2', slots: 2 },
      { name: 'node3', slots: 4 },
    ],
    localSlots: 2,
  });
}

/** Three nodes: node1 busy with two compilers, node2 unreachable, node3 idle; jobs on all sides. */
export function busyState(): DashboardState {
  let state = threeNodes();
  const ps = [
    psLine(800, 1, 'Ss', 30, '0.0', 2000, 'distccd', 'distccd --daemon --no-detach --listen 127.0.0.1'),
    cc1(4242, 800, 'distccd_aaaa', 2),
    cc1(4243, 800, 'distccd_bbbb', 0),
    psLine(900, 1, 'S', 30, '0.0', 900, 'sh', 'sh -c echo ...'),
  ];
  state = withNodeSample(state, 'node1', parseSample(sampleText(900, ps)), NOW - 500, 3.2);
  state = withNodeSample(state, 'node3', parseSample(sampleText(901, [])), NOW - 400, 4.8);
  state = withNodeUnreachable(state, 'node2', 'connection refused (is sshd running on the node?)');
  state = withJobs(
    state,
    [
      job(21, 'node1', 'u010.c', 'compile', 2500),
      job(22, 'node1', 'u011.c', 'compile', 400),
      job(23, 'localhost', 'u012.c', 'compile', 100),
      job(24, 'node3', 'u013.c', 'send', 50),
    ],
    NOW,
  );
  const interpreter = new DistccLogInterpreter();
  state = withDistccLogEvents(
    state,
    DISTCC_LOG.flatMap((line) => interpreter.pushLine(line)),
  );
  state = withEmergeLogEvents(
    state,
    EMERGE_LOG.map(parseEmergeLogLine).filter((e): e is EmergeLogEvent => e !== undefined),
  );
  return state;
}

/**
 * A build with the Gentoo handbook's CFLAGS="-march=native -O2 -pipe", as distcc 3.4 logs it at
 * INFO level: -march=native is logged at trace level only, so the cause is in nothing but the
 * command lines. Two compiles and a -E run at once, then two links (one with CFLAGS).
 */
export const MARCH_NATIVE_LOG = [
  'distcc[24301] exec on localhost: x86_64-pc-linux-gnu-gcc -DHAVE_CONFIG_H -I. -I.. -march=native -O2 -pipe -MT src/main.o -MD -MP -MF src/.deps/main.Tpo -c -o src/main.o src/main.c',
  'distcc[24302] exec on localhost: x86_64-pc-linux-gnu-gcc -DHAVE_CONFIG_H -I. -I.. -march=native -O2 -pipe -MT src/util.o -MD -MP -MF src/.deps/util.Tpo -c -o src/util.o src/util.c',
  'distcc[24303] exec on localhost: x86_64-pc-linux-gnu-gcc -E -P -I. "-DVERSION="1.0"" -',
  'distcc[24302] compile (null) on localhost completed ok',
  'distcc[24301] compile (null) on localhost completed ok',
  'distcc[24303] compile (null) on localhost completed ok',
  'distcc[24302] elapsed compilation time 0.382114s',
  'distcc[24301] elapsed compilation time 0.401877s',
  'distcc[24303] elapsed compilation time 0.012040s',
  'distcc[24302] (dcc_exit) exit: code 0; self: 0.000911 user 0.001822 sys; children: 0.341033 user 0.036410 sys',
  'distcc[24301] (dcc_exit) exit: code 0; self: 0.000000 user 0.002713 sys; children: 0.358215 user 0.040127 sys',
  'distcc[24303] (dcc_exit) exit: code 0; self: 0.000000 user 0.000912 sys; children: 0.007001 user 0.003002 sys',
  'distcc[24310] (dcc_scan_args) called for link?  i give up',
  'distcc[24310] exec on localhost: x86_64-pc-linux-gnu-gcc -Wl,-O1 -Wl,--as-needed -o hello src/main.o src/util.o',
  'distcc[24311] exec on localhost: x86_64-pc-linux-gnu-gcc -march=native -O2 -pipe -Wl,-O1 -o hello-cli src/cli.o',
  'distcc[24310] compile (null) on localhost completed ok',
  'distcc[24311] compile (null) on localhost completed ok',
  'distcc[24310] elapsed compilation time 0.051003s',
  'distcc[24311] elapsed compilation time 0.049710s',
  'distcc[24310] (dcc_exit) exit: code 0; self: 0.000000 user 0.001006 sys; children: 0.031420 user 0.012077 sys',
  'distcc[24311] (dcc_exit) exit: code 0; self: 0.000000 user 0.000998 sys; children: 0.030011 user 0.011873 sys',
];

/** busyState's nodes, with nothing distributed: every job of MARCH_NATIVE_LOG stayed local. */
export function localOnlyState(): DashboardState {
  let state = createDashboardState({
    startedAt: T0,
    nodes: [
      { name: 'node1', slots: 2 },
      { name: 'node2', slots: 2 },
    ],
    localSlots: 2,
  });
  state = withNodeSample(state, 'node1', parseSample(sampleText(900, [])), NOW - 500, 3.2);
  state = withNodeSample(state, 'node2', parseSample(sampleText(901, [])), NOW - 500, 4.1);
  const interpreter = new DistccLogInterpreter();
  state = withDistccLogEvents(
    state,
    MARCH_NATIVE_LOG.flatMap((line) => interpreter.pushLine(line)),
  );
  return withEmergeLogEvents(
    state,
    EMERGE_LOG.map(parseEmergeLogLine).filter((e): e is EmergeLogEvent => e !== undefined),
  );
}

/**
 * busyState's nodes after a minute of samples, a second apart: node1 and node3 busier and
 * idler in turn, node2 lost after 40 s, jobs completing on the nodes and here, as the
 * collectors record them (state files, samples, DISTCC_LOG, a cluster sample per tick).
 */
export function historyState(seconds = 60): DashboardState {
  let state = threeNodes();
  const interpreter = new DistccLogInterpreter();
  const start = NOW - seconds * 1000;
  let client = 1000;
  for (let t = 0; t < seconds; t++) {
    const at = start + t * 1000;
    const jobs: DistccJob[] = [];
    for (let i = 0; i < t % 3; i++) jobs.push({ pid: 100 + i, cpid: 100 + i, file: `a${i}.c`, host: 'node1', slot: i, phase: 'compile', mtimeMs: at - 200 });
    for (let i = 0; i < Math.floor(t / 15); i++)
      jobs.push({ pid: 200 + i, cpid: 200 + i, file: `b${i}.c`, host: 'node3', slot: i, phase: 'compile', mtimeMs: at - 200 });
    if (t % 4 === 0) jobs.push({ pid: 300, cpid: 300, file: 'main.c', host: 'localhost', slot: 0, phase: 'compile', mtimeMs: at - 100 });
    state = withJobs(state, jobs, at);
    state = withNodeSample(state, 'node1', parseSample(sampleText(900, [])), at, 3);
    state = withNodeSample(state, 'node3', parseSample(sampleText(901, [])), at, 4);
    if (t < 40) state = withNodeSample(state, 'node2', parseSample(sampleText(902, [])), at, 5);
    else state = withNodeUnreachable(state, 'node2', 'connection refused');
    const lines: string[] = [];
    for (let i = 0; i < (t % 4) + (t > 30 ? 2 : 0); i++) {
      client++;
      const host = i % 2 === 0 ? 'node1/2' : 'node3/4';
      lines.push(
        `distcc[${client}] exec on distcc@${host}: gcc -c src/x${client}.c`,
        `distcc[${client}] compile src/x${client}.c on distcc@${host} completed ok`,
      );
    }
    if (t % 5 === 0) {
      client++;
      lines.push(`distcc[${client}] exec on localhost: gcc -c src/y${client}.c`, `distcc[${client}] compile src/y${client}.c on localhost completed ok`);
    }
    state = withDistccLogEvents(
      state,
      lines.flatMap((line) => interpreter.pushLine(line)),
    );
    state = withClusterSample(state, at);
  }
  return state;
}
