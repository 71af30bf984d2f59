// Which compiler on a node serves which distcc job of this run. The node cannot say: distccd
// runs cc1 on its own temp file (`distccd_XXXXXX.i`), so the source file's name only exists on
// the front end, in the client's state file. What both sides do know is time: the client
// notes when a job enters each phase (its state file's mtime), and ps gives each compiler's
// elapsed seconds. The join is by node and by time, and says how sure it is.
//
// How, for one node:
//  1. The candidates are this run's jobs on that host in phase send, compile or receive
//     (connect and preprocess come before the node has anything to compile), ordered by when
//     they entered those phases (`sinceMs`: the mtime of the first state file seen in one of
//     them), ties by client pid.
//  2. The compilers are the node's compiles (one process tree of compiler processes of the
//     login user: gcc, cc1, cc1plus, as, collect2, lto1, ...), ordered by start time (sample
//     time minus the tree root's `etimes`), ties by pid.
//  3. Greedy, oldest to oldest: each job in order takes the oldest compiler not yet taken that
//     started no earlier than the job entered send, less START_SLACK_MS (etimes counts whole
//     seconds, and the sample lands a round trip after ps ran). A job in send only takes a
//     compiler still running, one in receive only a finished one (all its processes zombies:
//     distccd reaps them within its 1 s select), one in compile either.
//  4. What is shown when it is not certain: a pair is `byOrder` when another assignment fits
//     as well: swapping compilers with a pair whose job or compiler started within one sample
//     interval (plus etimes' second and the node service's wait), or a compiler that close no
//     job claims; or any job left without one that the compiler fits (a finished compile is
//     reaped while its result still travels back, so an older job may hold on to a younger
//     job's compiler). Then only the order decided. A job left without a compiler is waiting
//     (send), has no compiler yet (compile: not sampled yet, or too short to be seen) or is
//     done there (receive). A running compiler left without a job is the node's own or
//     foreign load (another front end, another run); a finished one left over is a job of
//     ours that ended since the last state-file read.
//  5. `gone`: compiles first missed by a sample taken after the state files were read, so they
//     may still have run at that read. They take no job (the read may or may not hold theirs),
//     but a pair is by order when one of them, no younger than its compile, fits its job.

/** How long the node's service may hold a job before distccd takes it, as the join allows for. */
const SERVICE_WAIT_MS = 1000;

/** A job as the join needs it. */
export interface JoinJob {
  pid: number;
  phase: string;
  sinceMs: number;
}

/** A compile on the node as the join needs it. */
export interface JoinCompile {
  /** The tree root's pid. */
  pid: number;
  startedAt: number;
  /** Every process of the tree is a zombie: the compile is over. */
  finished: boolean;
}

export interface JoinedPair<J, C> {
  job: J;
  compile: C;
  /** Another job or compiler is within one sample interval: the match is by order only. */
  byOrder: boolean;
}

export interface NodeJoin<J, C> {
  pairs: JoinedPair<J, C>[];
  /** Candidate jobs with no compiler (see above for what each phase means). */
  unmatchedJobs: J[];
  /** Running compilers with no job of this run: the node's own or foreign load. */
  foreign: C[];
  /** Finished compilers with no job: jobs of ours that ended since the state files were read. */
  finished: C[];
}

/** The phases in which a job has, or is about to have, a compiler on its node. */
export const REMOTE_PHASES: ReadonlySet<string> = new Set(['send', 'compile', 'receive']);

/** etimes is whole seconds, and the sample arrives a round trip after ps ran. */
export const START_SLACK_MS = 1500;

function fits(job: JoinJob, compile: Pick<JoinCompile, 'startedAt' | 'finished'>): boolean {
  if (compile.startedAt < job.sinceMs - START_SLACK_MS) return false;
  if (job.phase === 'send') return !compile.finished;
  if (job.phase === 'receive') return compile.finished;
  return true;
}

/** The join for one node. `jobs` may hold any of the node's jobs; only candidates take part. */
export function joinNode<J extends JoinJob, C extends JoinCompile>(
  jobs: readonly J[],
  compiles: readonly C[],
  sampleIntervalMs: number,
  gone: readonly Pick<JoinCompile, 'startedAt'>[] = [],
): NodeJoin<J, C> {
  const candidates = jobs.filter((j) => REMOTE_PHASES.has(j.phase)).sort((a, b) => a.sinceMs - b.sinceMs || a.pid - b.pid);
  const ordered = [...compiles].sort((a, b) => a.startedAt - b.startedAt || a.pid - b.pid);
  const taken = new Set<C>();
  const matched: Array<{ job: J; compile: C }> = [];
  const unmatchedJobs: J[] = [];
  for (const job of candidates) {
    const compile = ordered.find((c) => !taken.has(c) && fits(job, c));
    if (compile === undefined) {
      unmatchedJobs.push(job);
      continue;
    }
    taken.add(compile);
    matched.push({ job, compile });
  }
  // etimes' second, and the node service's own wait: a job can sit there until a slot frees
  // (shared nodes) or distccd's next child accepts, so its compile may start up to about a
  // second after a job sent later.
  const window = Math.max(sampleIntervalMs, 0) + 1000 + SERVICE_WAIT_MS;
  const near = (a: number, b: number): boolean => Math.abs(a - b) <= window;
  const left = ordered.filter((c) => !taken.has(c));
  // Another assignment that fits as well: swapping with a pair close in time, or taking a
  // close compiler (or giving this one to a close job) that nothing else claims.
  const pairs = matched.map(({ job, compile }) => ({
    job,
    compile,
    byOrder:
      matched.some(
        (other) =>
          other.job !== job &&
          (near(other.compile.startedAt, compile.startedAt) || near(other.job.sinceMs, job.sinceMs)) &&
          fits(job, other.compile) &&
          fits(other.job, compile),
      ) ||
      left.some((c) => near(c.startedAt, compile.startedAt) && fits(job, c)) ||
      // A job left without a compiler that could have this one, however far apart they
      // started: the matched job's own compile may be over and reaped while its result is
      // still on the way back (the tunnel's relays), so the other may be this compile's job.
      unmatchedJobs.some((j) => fits(j, compile)) ||
      // A compile gone since, that may still have run when the jobs were read: this job may
      // be the one it served, still in compile while its result came back, and this compile
      // a younger job's that the read does not have yet.
      gone.some((g) => g.startedAt <= compile.startedAt && fits(job, { startedAt: g.startedAt, finished: true })),
  }));
  return { pairs, unmatchedJobs, foreign: left.filter((c) => !c.finished), finished: left.filter((c) => c.finished) };
}
