import { describe, expect, it } from 'vitest';
import { frameText, renderFrame } from '../../src/dashboard/render/frame.js';
import { renderStatusLine } from '../../src/dashboard/render/status-line.js';
import { escapeTags, lineText, toTagged } from '../../src/dashboard/render/text.js';
import { causeCounts, hostRows, workRows } from '../../src/dashboard/render/rows.js';
import { parseEmergeLogLine, type EmergeLogEvent } from '../../src/dashboard/parse/emerge-log.js';
import {
  createDashboardState,
  withDistccBackoff,
  withEmergeLogEvents,
  withJobs,
  withNodeSample,
  withOtherRuns,
  withPackageTallies,
  withPortageSnapshot,
  type DashboardState,
} from '../../src/dashboard/state.js';
import { parseSample } from '../../src/dashboard/parse/ps.js';
import { initialUi, type UiState } from '../../src/dashboard/ui.js';
import { busyState, cc1, job, localOnlyState, NOW, psLine, sampleText, T0 } from './dashboard-fixtures.js';

function frame(ui: Partial<UiState> = {}, width = 80, height = 24, state = busyState()): string[] {
  const lines = renderFrame({ state, ui: { ...initialUi(false), ...ui }, width, height, now: NOW, emergeLine: '>>> Compiling source' });
  expect(lines).toHaveLength(height);
  for (const line of lines) expect(lineText(line).length).toBeLessThanOrEqual(width);
  return frameText(lines).split('\n');
}

describe('the main view at 80x24', () => {
  const text = frame();

  it('has a title, Portage progress, the hosts, the work, totals and keys', () => {
    expect(text[0]).toMatch(/^ demerge · wall 0:42 · 2\/3 nodes up · 4 jobs running +\? help$/);
    expect(text[1]).toBe(' PORTAGE 0 of 1 done');
    expect(text[2]).toBe('   dev-util/hello-1.0 (1 of 1) Compiling/Merging 0:42');
    expect(text[3]).toMatch(/^ {2}HOST +STATE +RTT +LOAD SLOTS FOREIGN +DONE FELL +CPU BUSY$/);
    expect(text.at(-2)).toBe(' emerge: >>> Compiling source');
    expect(text.at(-1)).toContain('q leave');
  });

  it('shows each host with its state, rtt, load, slots and counts', () => {
    const row = (name: string): string => text.find((l) => l.trimStart().startsWith(name) || l.startsWith(`> ${name}`)) ?? '';
    expect(row('node1')).toMatch(/^> node1 +up +3ms +1\.52 +2\/2 +1 +0/);
    expect(row('node2')).toMatch(/node2 +unreachable +- +- +0\/2 +0 +1/);
    expect(row('node3')).toMatch(/node3 +up +5ms +1\.52 +1\/4 +0 +0/);
    expect(row('localhost')).toMatch(/localhost +local +1\/4 +1/);
  });

  it('shows each job with the compiler serving it on its node, and what stands in for one', () => {
    const work = text.filter((l) => /^ (node\d|localhost) /.test(l));
    // 80 columns keep file, phase, pid, CPU, RSS, compiler and join; 120 add package, age, time.
    expect(work[0]).toMatch(/^ node1 +u010\.c +compile +4242 +95\.0 +12M cc1$/);
    expect(work[1]).toMatch(/^ node1 +u011\.c +compile +4243 +95\.0 +12M cc1$/);
    expect(work[2]).toMatch(/^ node3 +u013\.c +send +waiting$/);
    expect(work[3]).toMatch(/^ localhost +u012\.c +compile +local$/);
    const wide = frame({}, 120, 40).filter((l) => /^ (node\d|localhost) /.test(l));
    expect(wide[0]).toMatch(/^ node1 +u010\.c +dev-util\/hello-1\.0 +compile +2\.5s +4242 +0:02 +95\.0 +12M cc1$/);
    expect(wide[2]).toMatch(/^ node3 +u013\.c +dev-util\/hello-1\.0 +send +0\.1s +waiting$/);
  });

  it('counts compiles and fallbacks with their reason', () => {
    expect(text.find((l) => l.startsWith(' COMPILED'))).toMatch(/^ COMPILED 1 remote, 1 local \(50% remote\) {2}FALLBACKS 1: node2 1, .+…$/);
    expect(frame({}, 120).find((l) => l.startsWith(' COMPILED'))).toBe(
      ' COMPILED 1 remote, 1 local (50% remote)  FALLBACKS 1: node2 1, unexpected eof on fd ×1',
    );
  });
});

describe("other runs on a shared node (the tunnel's node service)", () => {
  it('adds an OTHERS column with their jobs and waiting jobs, only while some node has other runs', () => {
    const shared = withOtherRuns(
      busyState(),
      new Map([
        ['node1', { jobs: 2, waiting: 3, runs: 1 }],
        ['node3', { jobs: 0, waiting: 0, runs: 0 }],
      ]),
    );
    const text = frame({}, 120, 30, shared);
    const header = text.find((l) => /HOST +STATE/.test(l)) ?? '';
    expect(header).toMatch(/SLOTS FOREIGN +OTHERS +DONE/);
    expect(text.find((l) => l.startsWith('> node1')) ?? '').toMatch(/ 2\+3 /);
    // A node whose service has no other run shows nothing there.
    expect(text.find((l) => l.trimStart().startsWith('node3')) ?? '').not.toMatch(/ 0\+0 /);
    expect(frame({}, 120, 30).find((l) => /HOST +STATE/.test(l))).not.toContain('OTHERS');
  });
});

describe("Portage's side", () => {
  const twoPackages = (): DashboardState =>
    withEmergeLogEvents(
      busyState(),
      ['1795700010:  >>> emerge (2 of 3) dev-libs/b-2.0 to /'].map(parseEmergeLogLine).filter((e): e is EmergeLogEvent => e !== undefined),
    );

  it('names every package building, N of M and how long, a line each when there is room', () => {
    const text = frame({}, 80, 24, twoPackages());
    expect(text.slice(1, 4)).toEqual([' PORTAGE 0 of 3 done', '   dev-util/hello-1.0 (1 of 1) Compiling/Merging 0:42', '   dev-libs/b-2.0 (2 of 3) 0:32']);
    // Several packages and no attribution: a job's package is not guessed.
    expect(workRows(twoPackages(), NOW).every((r) => r.package === undefined)).toBe(true);
    expect(frame({}, 40, 10, twoPackages())[1]).toBe(' PORTAGE 0 of 3 done │ dev-util/hello-1…');
  });

  it("shows each package's jobs so far when the state has per-package tallies, and nothing when not", () => {
    const state = withPackageTallies(twoPackages(), [
      { atom: 'dev-util/hello-1.0', remote: 38, local: 2, localCauses: [{ cause: 'linking', count: 2 }] },
      { atom: 'dev-libs/b-2.0', remote: 0, local: 3, localCauses: [{ cause: '-march=native', count: 3 }] },
      { atom: 'dev-libs/done-1', remote: 5, local: 0, localCauses: [] },
    ]);
    const text = frame({}, 120, 40, state);
    expect(text[2]).toBe('   dev-util/hello-1.0 (1 of 1) Compiling/Merging 0:42  38 remote, 2 local (95% remote) · local: 2 linking');
    expect(text[3]).toBe('   dev-libs/b-2.0 (2 of 3) 0:32  0 remote, 3 local (0% remote) · local: 3 -march=native');
    expect(frame({}, 200, 12, state)[1]).toContain('dev-util/hello-1.0 (1 of 1) Compiling/Merging 0:42 95% remote │ dev-libs/b-2.0 (2 of 3) 0:32 0% remote');
    const packageLines = (s: DashboardState): string[] => frame({}, 120, 40, s).filter((l) => l.startsWith('   dev-'));
    expect(packageLines(twoPackages())).toEqual(['   dev-util/hello-1.0 (1 of 1) Compiling/Merging 0:42', '   dev-libs/b-2.0 (2 of 3) 0:32']);
    expect(packageLines(withPackageTallies(state, undefined))).toEqual(packageLines(twoPackages()));
  });

  it("takes the packages from Portage's status file when it publishes one", () => {
    const state = withPortageSnapshot(busyState(), {
      emergePid: 1,
      writtenAt: NOW,
      running: 1,
      completed: 3,
      total: 9,
      failed: 0,
      tasks: [{ cpv: 'dev-util/hello-1.0', kind: 'build', phase: 'compile', elapsedSeconds: 12.5 }],
    });
    expect(frame({}, 80, 24, state).slice(1, 3)).toEqual([' PORTAGE 3 of 9 done, 1 running', '   dev-util/hello-1.0 compile 0:12']);
  });
});

describe('local-only compiles', () => {
  it('get a line of their own, with distcc’s causes, most first', () => {
    const text = frame({}, 80, 24, localOnlyState());
    expect(text.find((l) => l.startsWith(' COMPILED'))).toBe(' COMPILED 0 remote, 0 local  FALLBACKS 0');
    expect(text.find((l) => l.startsWith(' LOCAL-ONLY'))).toBe(' LOCAL-ONLY 5: 3 -march=native, 1 preprocess only (-E), 1 other');
    expect(frame({}, 120, 24, localOnlyState()).find((l) => l.startsWith(' LOCAL-ONLY'))).toBe(
      ' LOCAL-ONLY 5: 3 -march=native, 1 preprocess only (-E), 1 linking (several outputs)',
    );
    expect(frame({}, 40, 10, localOnlyState()).find((l) => l.startsWith(' LOCAL-ONLY'))).toBe(' LOCAL-ONLY 5: 3 -march=native, 2 other');
  });

  it('take no line when there are none', () => {
    expect(frame().some((l) => l.startsWith(' LOCAL-ONLY'))).toBe(false);
  });

  it('are in the status line', () => {
    expect(renderStatusLine(localOnlyState(), NOW)).toBe(
      'demerge: 2/2 nodes up; jobs running: node1 0, node2 0, localhost 0; compiled 0 remote, 0 local; local-only: 3 -march=native, 1 preprocess only (-E), 1 other',
    );
  });

  it.each<[number, string]>([
    [68, '40 -march=native, 1 linking or not a compile, 2 preprocess only (-E)'],
    [67, '40 -march=native, 1 linking or not a compile, 2 other'],
    [53, '40 -march=native, 1 linking or not a compile, 2 other'],
    [52, '40 -march=native, 3 other'],
    [5, '40 -march=native, 3 other'],
  ])('are counted in %i columns so that the numbers add up', (room, text) => {
    const causes = [
      { cause: '-march=native', count: 40 },
      { cause: 'linking or not a compile', count: 1 },
      { cause: 'preprocess only (-E)', count: 2 },
    ];
    expect(causeCounts(causes, room)).toBe(text);
  });
});

describe('other views and sizes', () => {
  it('details the selected host with all its processes', () => {
    const text = frame({ view: 'detail', selected: 0 });
    expect(text[1]).toMatch(/^ NODE node1 up {2}rtt 3ms · load 1\.52 0\.80 0\.40 · 4 CPUs · sampled 0\.5s ago/);
    expect(text.join('\n')).toContain('distccd --daemon --no-detach');
    expect(text.join('\n')).toMatch(/4242 +800 R +0:02/);
    expect(text.at(-1)).toContain('Esc back');
  });

  it('says why a node is unreachable', () => {
    expect(frame({ view: 'detail', selected: 1 }).join('\n')).toContain('unreachable: connection refused (is sshd running on the node?)');
  });

  it('counts down distcc backoff', () => {
    const state = withDistccBackoff(busyState(), 'node3', NOW + 41_200);
    expect(frame({}, 80, 24, state).find((l) => l.includes('node3 '))).toMatch(/backoff 42s/);
  });

  it('shows help and the leave dialog', () => {
    expect(frame({ view: 'help' }).join('\n')).toContain('leave the dashboard: the build goes on');
    const dialog = frame({ dialog: 'leave' });
    expect(dialog.at(-2)).toContain('Leave the dashboard? The build goes on');
    expect(frame({ dialog: 'stop' }).at(-2)).toContain('Stop the build?');
  });

  it('keeps the selected host in view among 32', () => {
    const nodes = Array.from({ length: 32 }, (_, i) => ({ name: `198.18.${i + 1}.2`, slots: 4 }));
    const state = createDashboardState({ startedAt: T0, nodes, localSlots: 2 });
    const text = frame({ selected: 30 }, 80, 24, state);
    expect(text.some((l) => l.startsWith('> 198.18.31.2'))).toBe(true);
    expect(text.some((l) => l.includes('198.18.1.2 '))).toBe(false);
  });

  it.each([
    [40, 10],
    [60, 15],
    [120, 40],
    [200, 60],
  ])('lays out at %ix%i', (width, height) => {
    const text = frame({}, width, height);
    expect(text[0]).toContain('demerge');
  });

  it('says so when the terminal is too small', () => {
    expect(frame({}, 30, 8)[0]).toContain('terminal too small');
  });
});

describe('untrusted text', () => {
  const hostile = '\x1b]0;pwned\x07\x1b[2J{red-fg}x{/red-fg}';

  it('reaches the frame without escape sequences, and braces never become tags', () => {
    const ps = [psLine(4242, 800, 'R', 1, '90.0', 1000, 'cc1', `/usr/libexec/cc1 /tmp/${hostile}evil.c`)];
    let state = withNodeSample(createDashboardState({ startedAt: T0, nodes: [{ name: 'node1', slots: 2 }] }), 'node1', parseSample(sampleText(900, ps)), NOW);
    state = withJobs(state, [job(1, 'node1', '{bold}x.c', 'compile', 10)], NOW);
    const lines = renderFrame({ state, ui: { ...initialUi(false), view: 'detail' }, width: 120, height: 30, now: NOW });
    const tagged = toTagged(lines);
    expect(tagged).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(tagged).not.toContain('pwned');
    expect(tagged).toContain('{open}bold{close}x.c');
    expect(tagged).not.toContain('{red-fg}x');
  });

  it('escapes braces', () => {
    expect(escapeTags('{a}')).toBe('{open}a{close}');
  });
});

describe('rows and the status line', () => {
  it('joins jobs to compilers by time, says when only the order decided, and never shows a temp name', () => {
    const rows = workRows(busyState(), NOW);
    expect(rows.filter((r) => r.host === 'node1').map((r) => [r.file, r.process?.pid, r.match])).toEqual([
      ['u010.c', 4242, 'paired'],
      ['u011.c', 4243, 'paired'],
    ]);
    // One job and two compilers started within a second of each other: the oldest takes it,
    // by order; the other serves no job of this run.
    const state = withNodeSample(
      withJobs(busyState(), [job(21, 'node1', 'u010.c', 'compile', 2500)], NOW),
      'node1',
      parseSample(sampleText(900, [cc1(1, 800, 'distccd_x', 2), cc1(2, 800, 'distccd_y', 2)])),
      NOW,
    );
    const node1 = workRows(state, NOW).filter((r) => r.host === 'node1');
    expect(node1.map((r) => [r.file, r.process?.pid, r.match])).toEqual([
      ['u010.c', 1, 'by-order'],
      [undefined, 2, 'foreign'],
    ]);
    const text = frame({}, 120, 40, state);
    expect(text.find((l) => l.includes('u010.c'))).toMatch(/ 1 +0:02 +95\.0 +12M cc1 +by order$/);
    expect(text.find((l) => /^ node1 +- /.test(l))).toMatch(/^ node1 +- +foreign +2 +0:02 +95\.0 +12M cc1$/);
    expect(text.find((l) => l.startsWith('> node1'))).toMatch(/ 1\/2 +\+1 /);
    expect(text.join('\n')).not.toContain('distccd_');
  });

  it('shows one compile as one row: gcc, its cc1 and its as are one tree', () => {
    const ps = [
      psLine(129, 46, 'S', 0, '0.0', 2000, 'x86_64-linux-gn', 'x86_64-linux-gnu-gcc -O2 -c -o /tmp/distccd_aa.o /tmp/distccd_aa.i'),
      psLine(130, 129, 'R', 0, '22.2', 34000, 'cc1', '/usr/lib/gcc/x86_64-linux-gnu/12/cc1 -fpreprocessed /tmp/distccd_aa.i -o /tmp/cc.s'),
      psLine(131, 129, 'S', 0, '0.0', 3000, 'as', 'as --64 -o /tmp/distccd_aa.o /tmp/cc.s'),
    ];
    const state = withNodeSample(withJobs(busyState(), [job(21, 'node1', 'u010.c', 'compile', 900)], NOW), 'node1', parseSample(sampleText(900, ps)), NOW);
    const rows = workRows(state, NOW).filter((r) => r.host === 'node1');
    expect(rows.map((r) => [r.file, r.process?.pid, r.process?.compiler])).toEqual([['u010.c', 130, 'cc1']]);
    expect(frame({}, 120, 24, state).find((l) => l.includes('u010.c'))).toMatch(/u010\.c +dev-util\/hello-1\.0 +compile +0\.9s +130 +0:00 +22\.2 +33M cc1$/);
  });

  it('summarizes hosts in one plain line', () => {
    expect(renderStatusLine(busyState(), NOW)).toBe(
      'demerge: 2/3 nodes up; jobs running: node1 2, node2 0, node3 1, localhost 1; compiled 1 remote, 1 local; 1 fallback; node2 unreachable',
    );
  });

  it.each<[string, number, string]>([
    // The lab's local_slots = 0: no localhost in DISTCC_HOSTS, and still local-only jobs run
    // here, on distcc's own 4 slots. It showed "3/0" (the preprocessing job counted too).
    ['local_slots = 0', 0, '2/4'],
    ['the default localhost/2', 2, '2/4'],
    ['localhost/8', 8, '2/8'],
  ])("counts localhost's compiles against distcc's local limit (%s)", (_name, localSlots, slots) => {
    const state = withJobs(
      createDashboardState({ startedAt: T0, nodes: [{ name: 'node1', slots: 2 }], localSlots }),
      [
        job(31, 'localhost', 'main.c', 'compile', 100),
        job(32, 'localhost', 'link', 'compile', 50),
        // A node's job taking the local preprocessor lock: distcc writes host "localhost", no file.
        job(33, 'localhost', '', 'preprocess', 10),
        job(34, 'node1', 'u001.c', 'send', 10),
      ],
      NOW,
    );
    const local = hostRows(state, NOW).find((r) => r.name === 'localhost');
    expect(`${local?.busy}/${local?.slots}`).toBe(slots);
    expect(local?.preprocessing).toBe(1);
    expect(frame({}, 80, 24, state).find((l) => l.includes('localhost ') && l.includes('local '))).toContain(` ${slots} `);
    const detail = frame({ view: 'detail', selected: 1 }, 160, 30, state).join('\n');
    expect(detail).toContain(`slots ${slots} busy`);
    expect(detail).toContain("local-only jobs and fallbacks: up to 4 (distcc's own limit)");
    expect(detail).toContain('1 node job preprocessing here');
    expect(renderStatusLine(state, NOW)).toContain('localhost 2');
  });

  it('puts localhost last', () => {
    expect(hostRows(busyState(), NOW).map((r) => r.name)).toEqual(['node1', 'node2', 'node3', 'localhost']);
  });
});
