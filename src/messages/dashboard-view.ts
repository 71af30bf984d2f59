// What the dashboard says on its screen (src/dashboard/render/*), in the status line that
// stands in for it, and about the nodes it samples. Column titles and section headings stay
// with the layouts they size. (One file per concern; the rest still lives in src/messages.ts.)

// ---- title and footer ----

export const titleText = (wall: string, nodesUp: number, nodes: number, running: number): string =>
  `demerge · wall ${wall} · ${nodesUp}/${nodes} nodes up · ${running} jobs running`;
export const titleKeys = (readOnly: boolean): string => (readOnly ? 'viewer · ? help ' : '? help ');
export const terminalTooSmall = (width: number, height: number, minWidth: number, minHeight: number): string =>
  `demerge: terminal too small (${width}x${height}, need ${minWidth}x${minHeight})`;

export const leaveQuestion = (): string => "Leave the dashboard? The build goes on and emerge's output comes back.";
export const leaveKeys = (): string => 'q/Enter: leave   s: stop the build   other keys: stay';
export const stopQuestion = (): string => 'Stop the build? emerge gets SIGINT, as from Ctrl-C.';
export const stopKeys = (): string => 'y: stop the build   other keys: keep building';
export const emergeSaid = (line: string): string => `emerge: ${line}`;
export const detailKeys = (readOnly: boolean): string => `Esc back   up/down other host   ? help   q ${readOnly ? 'quit' : 'leave'}`;
export const mainKeys = (readOnly: boolean): string =>
  readOnly ? 'up/down/Tab select   Enter detail   ? help   q quit' : 'up/down/Tab select   Enter detail   e emerge output   ? help   q leave';

export const helpLines = (readOnly: boolean): string[] => [
  ' KEYS',
  '   up/down, j/k   select a host          Tab, Shift-Tab   next, previous host',
  '   Enter          details of the host    Esc              back',
  ...(readOnly
    ? ['   q, Ctrl-C      quit the viewer (the build is not touched)']
    : [
        "   e              emerge's own output (e or Esc comes back)",
        "   q              leave the dashboard: the build goes on, emerge's output",
        '                  comes back; s in that dialog stops the build',
        '   Ctrl-C         interrupt emerge, as without the dashboard',
      ]),
  '',
  ' HOSTS',
  '   STATE  up; unreachable (the sampler gets no answer); connecting;',
  '          backoff Ns (distcc skips the node for a while after a failure)',
  '   RTT    channel round trip   SLOTS  jobs on the host / its distcc limit',
  "          (localhost: compiles here / the larger of localhost/N and distcc's 4)",
  "   FOREIGN  +N compilers there that serve no job of this run (another run's)",
  '   DONE   compiles completed there (DISTCC_LOG)   FELL  jobs that gave up on it',
  '   CPU    CPU time of the distcc user there, as sampled (a lower bound)',
  '',
  ' WORK',
  '   one row per distcc job (its state file) with the compiler serving it on the',
  '   node, joined by start time: oldest job to oldest compiler. JOIN "by order":',
  '   another job or compiler there started within a sample, so only the order',
  '   decided. COMPILER: waiting (still sending), none yet (not sampled yet, or',
  '   shorter than a sample), done (receiving). PHASE foreign: a compiler of the',
  "   distcc user there that serves no job of this run (another run's, say)",
  '   LOCAL-ONLY  compiles distcc keeps here by its own rules, and which rule',
  '',
  ' any key goes back',
];

// ---- hosts ----

/** A host's STATE, by its condition (src/dashboard/render/rows.ts). */
export const hostStateWords = {
  up: 'up',
  unreachable: 'unreachable',
  connecting: 'connecting',
  'distcc-backoff': 'backoff',
  local: 'local',
} as const;
/** Compilers on a node that serve no job of this run. */
export const foreignCount = (count: number): string => `+${count}`;
/** Other runs' jobs on the node now, and theirs waiting for a slot ("2", "2+3"). */
export const otherRunsCell = (jobs: number, waiting: number): string => (waiting > 0 ? `${jobs}+${waiting}` : String(jobs));
/** The title of the hosts' busy-slot strips, with the time they span. */
export const activityTitle = (span: string): string => `BUSY SLOTS, LAST ${span}`;
export const activityShort = (): string => 'BUSY';
export const remoteChartLabel = (): string => 'REMOTE';
export const rateChartLabel = (): string => 'JOBS/S';
export const shareNowText = (percent: number): string => `${percent.toFixed(0)}% remote`;
export const rateNowText = (rate: number, peak: number): string => `${rate.toFixed(1)}/s top ${peak.toFixed(0)}`;
export const distccBackoffLeft = (seconds: number): string => `backoff ${seconds}s`;

// ---- work, totals, Portage ----

/** "3 -march=native", "2 compile": a count and what it counts. */
export const counted = (count: number, what: string): string => `${count} ${what}`;
export const otherCount = (count: number): string => `${count} other`;
/** "node2 1": a host and how many of something it has. */
export const hostAndCount = (host: string, count: number): string => `${host} ${count}`;

/** The PHASE of a compiler of the distcc user that serves no job of this run. */
export const foreignPhase = (): string => 'foreign';
/** The COMPILER of a job compiling on the front end. */
export const localCompile = (): string => 'local';
/** What a work row says of its job's compiler on the node (src/dashboard/join.ts). */
export const joinWords = {
  paired: '',
  'by-order': 'by order',
  waiting: 'waiting',
  'no-compiler': 'none yet',
  done: 'done',
  foreign: '',
  here: '',
} as const;
export const noWork = (): string => 'no distcc jobs or compilers running';
export const moreWork = (count: number): string => `… ${count} more (Enter on a host shows all of its work)`;
export const moreRows = (count: number): string => `… ${count} more`;

export const compiledCounts = (remote: number, local: number, remoteSharePercent: number | undefined): string =>
  `${remote} remote, ${local} local${remoteSharePercent === undefined ? '' : ` (${remoteSharePercent.toFixed(0)}% remote)`}`;
export const fallbacksDetail = (parts: readonly string[]): string => `: ${parts.join(', ')}`;
export const reasonTimes = (reason: string, count: number): string => `${reason} ×${count}`;
export const problemsText = (nodes: ReadonlyArray<{ name: string; problem: string }>): string =>
  nodes.map((node) => `${node.name}: ${node.problem}`).join('; ');

/** Portage's or emerge.log's packages, one after the other. */
export const packagesText = (packages: readonly string[]): string => ` │ ${packages.join(' │ ')}`;
export const snapshotProgress = (completed: number, total: number, running: number): string => `${completed} of ${total} done, ${running} running`;
export const snapshotFailed = (failed: number): string => `, ${failed} failed`;
export const taskText = (cpv: string, phase: string, elapsed: string): string => `${cpv} ${phase} ${elapsed}`.trimEnd();
/** A package's distcc jobs so far (from the per-package tallies). */
export const tallyText = (remote: number, local: number, sharePercent: number | undefined): string =>
  `${remote} remote, ${local} local${sharePercent === undefined ? '' : ` (${sharePercent.toFixed(0)}% remote)`}`;
export const shareShort = (sharePercent: number): string => `${sharePercent.toFixed(0)}% remote`;
export const localCausesText = (causes: string): string => ` · local: ${causes}`;
/** Causes of a package's distributable jobs that compiled locally, beside distcc's local-only ones. */
export const localByChoiceCause = (): string => 'by choice';
export const localAfterFallbackCause = (): string => 'after a fallback';
export const emergeStopped = (): string => 'emerge stopped';
export const waitingForEmerge = (): string => 'waiting for emerge to start building';
export const packagesDone = (completed: number, total: number | undefined): string =>
  total === undefined ? `${completed} done` : `${completed} of ${total} done`;
export const emergeFailed = (): string => ', failed';
export const openPackageText = (cpv: string, index: number, total: number, phase: string | undefined, elapsed: string): string =>
  `${cpv} (${index} of ${total})${phase === undefined ? '' : ` ${phase}`} ${elapsed}`;

// ---- one host in full ----

export const rttText = (rtt: string): string => `rtt ${rtt}`;
export const loadText = (one: number, five: number, fifteen: number): string => `load ${one.toFixed(2)} ${five.toFixed(2)} ${fifteen.toFixed(2)}`;
export const cpusText = (cpus: number): string => `${cpus} CPUs`;
export const sampledAgo = (age: string): string => `sampled ${age} ago`;
export const slotsBusy = (busy: number, slots: number): string => `slots ${busy}/${slots} busy`;
export const localSlotsExplained = (listed: number, localOnly: number, preprocessing: number): string =>
  `${listed > 0 ? `localhost/${listed} takes jobs distcc could send` : 'no localhost in DISTCC_HOSTS'}; ` +
  `local-only jobs and fallbacks: up to ${localOnly} (distcc's own limit)` +
  (preprocessing > 0 ? `; ${preprocessing} node job${preprocessing === 1 ? '' : 's'} preprocessing here` : '');
export const foreignDetail = (count: number): string => `+${count} foreign (compiler${count === 1 ? '' : 's'} serving no job of this run)`;
export const jobsByPhase = (phases: string): string => `jobs: ${phases}`;
export const distccCounts = (done: number, failed: number, retried: number, fellBack: number): string =>
  `distcc: ${done} done, ${failed} failed, ${retried} retried elsewhere, ${fellBack} fell back`;
export const jobTimeText = (time: string): string => `job time ${time}`;
export const compilerCpuText = (time: string): string => `compiler CPU ${time}`;
export const unreachableBecause = (reason: string): string => `unreachable: ${reason}`;
export const distccSkipsNode = (seconds: number | undefined): string => `distcc skips this node for ${seconds ?? '?'} s more (a job failed there)`;
export const noneListed = (): string => 'none';
export const processesUnknown = (): string => 'unknown while the node is not sampled';

// ---- the status line (no dashboard) ----

export const statusLine = (parts: readonly string[]): string => `demerge: ${parts.join('; ')}`;
export const nodesUpText = (nodesUp: number, nodes: number): string => `${nodesUp}/${nodes} nodes up`;
export const jobsRunning = (hosts: ReadonlyArray<{ name: string; busy: number }>): string =>
  `jobs running: ${hosts.map((host) => hostAndCount(host.name, host.busy)).join(', ')}`;
export const compiledStatus = (remote: number, local: number): string => `compiled ${remote} remote, ${local} local`;
export const localOnlyStatus = (causes: string): string => `local-only: ${causes}`;
export const fallbackCount = (count: number): string => `${count} fallback${count === 1 ? '' : 's'}`;
export const nodeInDistccBackoff = (name: string, seconds: number): string => `${name} in distcc backoff ${seconds}s`;
export const nodeUnreachable = (name: string): string => `${name} unreachable`;

// ---- the sampler: why it cannot reach a node, and what a sample lacks ----

export const noAnswerFor = (timeoutMs: number): string => `no answer for ${timeoutMs / 1000} s`;
export const connectionClosed = (): string => 'the connection closed';
export const sampleTooLarge = (): string => 'the node sent more than a sample';
export const sampleIncomplete = (): string => 'no process list from the node (a forced command in authorized_keys?)';

// ---- distcc's log, in a person's words (on the screen and in the summary) ----

export const remoteCompileFailed = (): string => 'remote compile failed';
export const noHostAfter = (attempts: number): string => `no host after ${attempts} attempts`;
export const unsupportedDirectives = (): string => 'unsupported directives (.incbin)';
export const causeNotLogged = (): string => '(cause not logged)';
export const otherCauses = (): string => '(other causes)';
export const reasonNotLogged = (): string => '(no reason logged)';
export const otherReasons = (): string => '(other reasons)';
