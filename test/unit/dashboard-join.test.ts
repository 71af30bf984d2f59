import { describe, expect, it } from 'vitest';
import { joinNode, START_SLACK_MS, type JoinCompile, type JoinJob } from '../../src/dashboard/join.js';

// The join of one node's jobs (client state files) to its compilers (ps), case by case.
// Times in seconds from an origin; the sample interval is 1 s unless a case says otherwise.

type Job = JoinJob & { name: string };
type Compile = JoinCompile & { name: string };

const job = (name: string, phase: string, since: number, pid = 0): Job => ({ name, phase, sinceMs: since * 1000, pid });
const cc = (name: string, started: number, finished = false, pid = 0): Compile => ({ name, startedAt: started * 1000, finished, pid });

interface Case {
  name: string;
  jobs: Job[];
  compiles: Compile[];
  interval?: number;
  /** Compiles gone since that may have run when the jobs were read. */
  gone?: Compile[];
  /** "job=compile" for a certain pair, "job~compile" for one by order. */
  pairs: string[];
  unmatched?: string[];
  foreign?: string[];
  finished?: string[];
}

const CASES: Case[] = [
  { name: 'one job, one compiler', jobs: [job('a', 'compile', 10)], compiles: [cc('x', 10)], pairs: ['a=x'] },
  {
    // Seen on the lab through the tunnel: a's compile was over and reaped, its result still on
    // the way back, when b's compiler was sampled; the oldest job takes it, so only by order.
    name: "an older job's compile reaped, a younger job's compiler seconds later: by order",
    jobs: [job('a', 'compile', 10), job('b', 'send', 14)],
    compiles: [cc('y', 14.2)],
    pairs: ['a~y'],
    unmatched: ['b'],
  },
  {
    // Seen on the lab (CI): the state files were read while a's compile ran; the next sample
    // had it gone and, in the freed slot, the compiler of a job the read did not have yet.
    name: "a compile gone after the jobs were read, a younger job's compiler in its place: by order",
    jobs: [job('a', 'compile', 10)],
    gone: [cc('x', 10.1, true)],
    compiles: [cc('y', 11.6)],
    pairs: ['a~y'],
  },
  {
    name: 'a compile gone after the read that cannot be the job s: certain',
    jobs: [job('a', 'send', 10)],
    gone: [cc('x', 10.1, true)],
    compiles: [cc('y', 10.2)],
    pairs: ['a=y'],
  },
  {
    name: 'a compile gone after the read, younger than the pair s compile: certain',
    jobs: [job('a', 'compile', 10)],
    gone: [cc('x', 12, true)],
    compiles: [cc('y', 10.1)],
    pairs: ['a=y'],
  },
  {
    name: 'two jobs and two compilers seconds apart: oldest to oldest, certain',
    jobs: [job('b', 'compile', 14), job('a', 'compile', 10)],
    compiles: [cc('y', 14), cc('x', 10)],
    pairs: ['a=x', 'b=y'],
  },
  {
    name: 'two jobs and two compilers within one sample: by order',
    jobs: [job('a', 'compile', 10, 1), job('b', 'compile', 10.4, 2)],
    compiles: [cc('x', 10), cc('y', 10)],
    pairs: ['a~x', 'b~y'],
  },
  {
    name: 'a compiler older than the job: foreign, the job has none yet',
    jobs: [job('a', 'compile', 20)],
    compiles: [cc('old', 5)],
    pairs: [],
    unmatched: ['a'],
    foreign: ['old'],
  },
  {
    name: 'one compiler more than jobs, far from them: foreign, the pair certain',
    jobs: [job('a', 'compile', 10)],
    compiles: [cc('x', 10), cc('late', 30)],
    pairs: ['a=x'],
    foreign: ['late'],
  },
  {
    name: 'one compiler more than jobs, within a sample: the pair is by order',
    jobs: [job('a', 'compile', 10)],
    compiles: [cc('x', 10), cc('other', 10.5)],
    pairs: ['a~x'],
    foreign: ['other'],
  },
  {
    name: 'a job still sending takes no finished compile, and waits',
    jobs: [job('a', 'send', 10)],
    compiles: [cc('z', 10, true)],
    pairs: [],
    unmatched: ['a'],
    finished: ['z'],
  },
  {
    name: 'a job receiving takes only a finished compile',
    jobs: [job('a', 'receive', 10), job('b', 'compile', 10.2)],
    compiles: [cc('running', 10), cc('zombie', 10, true)],
    pairs: ['a=zombie', 'b=running'],
  },
  {
    name: 'jobs before send take no part',
    jobs: [job('c', 'connect', 10), job('p', 'preprocess', 10), job('a', 'compile', 11)],
    compiles: [cc('x', 11)],
    pairs: ['a=x'],
  },
  {
    name: 'a start just inside the slack still fits',
    jobs: [job('a', 'compile', 10)],
    compiles: [cc('x', 10 - (START_SLACK_MS - 100) / 1000)],
    pairs: ['a=x'],
  },
  {
    name: 'equal times: by client pid and compiler pid',
    jobs: [job('second', 'compile', 10, 20), job('first', 'compile', 10, 10)],
    compiles: [cc('y', 10, false, 200), cc('x', 10, false, 100)],
    pairs: ['first~x', 'second~y'],
  },
  {
    name: 'with 5 s sampling, 3 s apart is too close to tell',
    interval: 5000,
    jobs: [job('a', 'compile', 10), job('b', 'compile', 13)],
    compiles: [cc('x', 12), cc('y', 15)],
    pairs: ['a~x', 'b~y'],
  },
  {
    name: 'a swap that does not fit is no doubt: the later job cannot have the earlier compiler',
    jobs: [job('a', 'compile', 10), job('b', 'compile', 12)],
    compiles: [cc('x', 10), cc('y', 12)],
    pairs: ['a=x', 'b=y'],
  },
  {
    name: 'nothing on the node: every job waits or has none yet',
    jobs: [job('a', 'send', 10), job('b', 'compile', 10)],
    compiles: [],
    pairs: [],
    unmatched: ['a', 'b'],
  },
];

describe('joinNode', () => {
  it.each(CASES)('$name', (c) => {
    const result = joinNode(c.jobs, c.compiles, c.interval ?? 1000, c.gone);
    expect(result.pairs.map((p) => `${p.job.name}${p.byOrder ? '~' : '='}${p.compile.name}`).sort()).toEqual([...c.pairs].sort());
    expect(result.unmatchedJobs.map((j) => j.name).sort()).toEqual([...(c.unmatched ?? [])].sort());
    expect(result.foreign.map((x) => x.name)).toEqual(c.foreign ?? []);
    expect(result.finished.map((x) => x.name)).toEqual(c.finished ?? []);
  });

  it('never pairs a compiler twice nor drops one, whatever the input', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const phases = ['connect', 'send', 'compile', 'receive'];
    for (let round = 0; round < 2000; round++) {
      const jobs = Array.from({ length: Math.floor(random() * 6) }, (_, i) => job(`j${i}`, phases[Math.floor(random() * 4)] as string, random() * 20, i));
      const compiles = Array.from({ length: Math.floor(random() * 6) }, (_, i) => cc(`c${i}`, random() * 20, random() < 0.3, i));
      const result = joinNode(jobs, compiles, 1000);
      const used = result.pairs.map((p) => p.compile);
      expect(new Set(used).size).toBe(used.length);
      expect(used.length + result.foreign.length + result.finished.length).toBe(compiles.length);
      expect(result.pairs.length + result.unmatchedJobs.length).toBe(jobs.filter((j) => j.phase !== 'connect').length);
      for (const pair of result.pairs) expect(pair.compile.startedAt).toBeGreaterThanOrEqual(pair.job.sinceMs - START_SLACK_MS);
    }
  });
});
