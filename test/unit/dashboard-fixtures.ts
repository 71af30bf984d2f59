import type { DistccJob } from '../../src/dashboard/parse/distcc-state.js';
import { DistccLogInterpreter } from '../../src/dashboard/parse/distcc-log.js';
import { parseEmergeLogLine, type EmergeLogEvent } from '../../src/dashboard/parse/emerge-log.js';
import { parseSample } from '../../src/dashboard/parse/ps.js';
import {
  createDashboardState,
  withDistccLogEvents,
  withEmergeLogEvents,
  withJobs,
  withNodeDown,
  withNodeSample,
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

/** Three nodes: node1 busy with two compilers, node2 down, node3 idle; jobs on all sides. */
export function busyState(): DashboardState {
  let state = createDashboardState({
    startedAt: T0,
    nodes: [
      { name: 'node1', slots: 2 },
      { name: 'node2', slots: 2 },
      { name: 'node3', slots: 4 },
    ],
    localSlots: 2,
  });
  const ps = [
    psLine(800, 1, 'Ss', 30, '0.0', 2000, 'distccd', 'distccd --daemon --no-detach --listen 127.0.0.1'),
    cc1(4242, 800, 'distccd_aaaa', 2),
    cc1(4243, 800, 'distccd_bbbb', 0),
    psLine(900, 1, 'S', 30, '0.0', 900, 'sh', 'sh -c echo ...'),
  ];
  state = withNodeSample(state, 'node1', parseSample(sampleText(900, ps)), NOW - 500, 3.2);
  state = withNodeSample(state, 'node3', parseSample(sampleText(901, [])), NOW - 400, 4.8);
  state = withNodeDown(state, 'node2', 'connection refused (is sshd running on the node?)');
  state = withJobs(
    state,
    [job(21, 'node1', 'u010.c', 'compile', 2500), job(22, 'node1', 'u011.c', 'compile', 400), job(23, 'localhost', 'u012.c', 'compile', 100), job(24, 'node3', 'u013.c', 'send', 50)],
    NOW,
  );
  const interpreter = new DistccLogInterpreter();
  state = withDistccLogEvents(state, DISTCC_LOG.flatMap((line) => interpreter.pushLine(line)));
  state = withEmergeLogEvents(state, EMERGE_LOG.map(parseEmergeLogLine).filter((e): e is EmergeLogEvent => e !== undefined));
  return state;
}
