import { dirname, join } from 'node:path';
import type { SshAuth } from '../../ssh/connect.js';
import { DistccLogInterpreter } from '../parse/distcc-log.js';
import { parseEmergeLogLine, type EmergeLogEvent } from '../parse/emerge-log.js';
import { LineSplitter } from '../parse/line-splitter.js';
import { parseNodeEventLine, type NodeEvent } from '../parse/node-events.js';
import { OBSERVABILITY_DIR } from '../parse/observability.js';
import { SHARED_SLOTS_FILE } from '../parse/shared-slots.js';
import { PACKAGE_LOG_SUBDIRS, packageOfLogName } from '../../run-env/package-logs.js';
import type { RunInfo } from '../run-info.js';
import {
  withClusterSample,
  withDistccBackoff,
  withDistccLogEvents,
  withEmergeLogEvents,
  withJobs,
  withNodeEvents,
  withOtherRuns,
  withNodeSample,
  withNodeUnreachable,
  withPackageLogEvents,
  withPortageSnapshot,
} from '../state.js';
import type { DashboardStore } from '../store.js';
import { DirectoryTail, FileTail, readDistccBackoffs, readDistccJobs, readPortageSnapshot, readSharedSlots } from './local-files.js';
import { NodeSampler, type SamplerOptions } from './node-sampler.js';

// The collectors of one run: a sampler per node (timers of their own) and one local tick
// that reads distcc's state and lock directories, DISTCC_LOG and every package's own one,
// emerge.log and Portage's status file. They only write the store; nothing here draws.

interface CollectorOptions {
  now?: () => number;
  /** Which pids are this run's emerge, to pick its Portage status file. */
  isOurEmerge?: (pid: number) => boolean;
  observabilityDir?: string;
  connect?: SamplerOptions['connect'];
}

interface Collectors {
  /** Reads the local files once more now (at the end, so the summary sees the last lines). */
  flush(): Promise<void>;
  stop(): void;
}

/** An unreachable node shows within 3 s at 1 Hz: the next sample starts within 1 s and times out 1.5 s later. */
export function sampleTimeoutMs(intervalMs: number): number {
  return Math.max(1500, Math.min(10_000, Math.round(intervalMs * 1.5)));
}

class LocalTick {
  private readonly emergeTail: FileTail;
  private readonly emergeLines = new LineSplitter();
  private readonly distccTail: FileTail | undefined;
  private readonly distccLines = new LineSplitter();
  private readonly interpreter = new DistccLogInterpreter();
  private readonly eventsTail: FileTail | undefined;
  private readonly eventLines = new LineSplitter();
  private readonly sharedSlotsPath: string | undefined;
  private readonly packageTails: readonly DirectoryTail[];
  /** Per package: its lines and its own interpreter (its pids are its own PID namespace's). */
  private readonly packageReaders = new Map<string, { lines: LineSplitter; interpreter: DistccLogInterpreter }>();

  constructor(
    private readonly info: RunInfo,
    private readonly store: DashboardStore,
    private readonly options: CollectorOptions,
    private readonly now: () => number,
  ) {
    this.emergeTail = new FileTail(info.emergeLog.path, info.emergeLog.offset);
    if (info.distccLog) this.distccTail = new FileTail(info.distccLog.path, info.distccLog.offset);
    if (info.nodeEvents) this.eventsTail = new FileTail(info.nodeEvents.path, info.nodeEvents.offset);
    // Beside the node events, with the tunnel transport (transport/ writes both).
    if (info.nodeEvents) this.sharedSlotsPath = join(dirname(info.nodeEvents.path), SHARED_SLOTS_FILE);
    const logs = info.packageLogs;
    this.packageTails = logs === undefined ? [] : PACKAGE_LOG_SUBDIRS.map((sub) => new DirectoryTail(join(logs.dir, sub), packageOfLogName));
  }

  /** One round of reads (synchronous, about a millisecond); a failed read waits for the next. */
  run(): void {
    try {
      this.round();
    } catch {
      // A file that cannot be read this round is tried again next round.
    }
  }

  private round(): void {
    const { info, store } = this;
    const jobs = readDistccJobs(join(info.distccDir, 'state'));
    store.update((s) => withJobs(s, jobs, this.now()));
    const backoffs = readDistccBackoffs(join(info.distccDir, 'lock'), info.backoffPeriodMs, this.now());
    store.update((s) => s.nodes.reduce((acc, node) => withDistccBackoff(acc, node.name, backoffs.get(node.name)), s));
    // emerge.log first: a shared DISTCC_LOG's lines belong to the package building while they
    // were written, which is one open before this read or started during it.
    const openBefore = store.state.emerge.open.map((p) => p.cpv);
    const emergeLines = this.emergeLines.push(this.emergeTail.read());
    const events = emergeLines.map(parseEmergeLogLine).filter((e): e is EmergeLogEvent => e !== undefined);
    if (events.length > 0) store.update((s) => withEmergeLogEvents(s, events));
    const started = events.flatMap((e) => (e.kind === 'package-start' ? [e.cpv] : []));
    const building = [...new Set([...openBefore, ...started])];
    if (this.distccTail) {
      const lines = this.distccLines.push(this.distccTail.read());
      if (lines.length > 0)
        store.update((s) =>
          withDistccLogEvents(
            s,
            lines.flatMap((line) => this.interpreter.pushLine(line)),
            building,
          ),
        );
    }
    // A package can have a log in each directory (its build user's jobs, its root phases' jobs):
    // each file gets its own line splitter.
    const chunks = this.packageTails.flatMap((tail, index) => tail.read().map((chunk) => ({ ...chunk, file: `${String(index)}/${chunk.key}` })));
    for (const { key, bytes, file } of chunks) {
      let reader = this.packageReaders.get(file);
      if (reader === undefined) {
        reader = { lines: new LineSplitter(), interpreter: new DistccLogInterpreter() };
        this.packageReaders.set(file, reader);
      }
      const { lines, interpreter } = reader;
      const jobEvents = lines.push(bytes).flatMap((line) => interpreter.pushLine(line));
      if (jobEvents.length > 0) store.update((s) => withPackageLogEvents(s, key, jobEvents));
    }
    if (this.eventsTail) {
      const events = this.eventLines
        .push(this.eventsTail.read())
        .map(parseNodeEventLine)
        .filter((e): e is NodeEvent => e !== undefined);
      if (events.length > 0) store.update((s) => withNodeEvents(s, events));
    }
    if (this.sharedSlotsPath !== undefined) {
      const byHost = readSharedSlots(this.sharedSlotsPath);
      if (byHost.size > 0) store.update((s) => withOtherRuns(s, byHost));
    }
    if (this.options.isOurEmerge) {
      const snapshot = readPortageSnapshot(this.options.observabilityDir ?? OBSERVABILITY_DIR, this.options.isOurEmerge);
      store.update((s) => withPortageSnapshot(s, snapshot));
    }
    store.update((s) => withClusterSample(s, this.now()));
  }
}

// A sample that cannot be used is dropped: the next one comes in a second, and a throw here
// would surface in ssh2's event handlers and end demerge (and with it the build's terminal).
function guarded<A extends unknown[]>(update: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      update(...args);
    } catch {
      // Dropped; see above.
    }
  };
}

export function startCollectors(info: RunInfo, auth: SshAuth | undefined, store: DashboardStore, options: CollectorOptions = {}): Collectors {
  const now = options.now ?? Date.now;
  const samplers: NodeSampler[] = [];
  if (auth !== undefined) {
    for (const node of info.nodes) {
      const sampler = new NodeSampler(
        { host: node.host, port: node.port, user: node.user },
        auth,
        {
          sample: guarded((sample, at, rttMs) => store.update((s) => withNodeSample(s, node.host, sample, at, rttMs))),
          unreachable: guarded((reason) => store.update((s) => withNodeUnreachable(s, node.host, reason))),
        },
        {
          intervalMs: info.sampleIntervalMs,
          timeoutMs: sampleTimeoutMs(info.sampleIntervalMs),
          now,
          ...(options.connect === undefined ? {} : { connect: options.connect }),
        },
      );
      samplers.push(sampler);
      sampler.start();
    }
  }
  const local = new LocalTick(info, store, options, now);
  local.run();
  const timer = setInterval(() => local.run(), Math.min(info.sampleIntervalMs, 1000));
  return {
    flush: async () => local.run(),
    stop: () => {
      clearInterval(timer);
      for (const sampler of samplers) sampler.stop();
    },
  };
}
