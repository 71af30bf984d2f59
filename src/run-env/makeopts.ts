// MAKEOPTS for the run, after the Gentoo wiki's distcc advice: -j(2 x slots + 1) keeps every slot
// fed while the next jobs preprocess locally; -l(local CPUs) stops make from piling local work
// onto the front end when nodes fall back to local compiles.

export interface MakeoptsInput {
  /** Slots of the nodes that answered, plus the local slots. */
  totalSlots: number;
  /** make -l value; 0 leaves -l out. */
  loadLimit: number;
  /** demerge --make-jobs=N, which replaces the computed -j. */
  jobsOverride?: number | undefined;
}

export function makeJobs(totalSlots: number): number {
  return 2 * totalSlots + 1;
}

export function computeMakeopts(input: MakeoptsInput): string {
  const jobs = input.jobsOverride ?? makeJobs(input.totalSlots);
  return input.loadLimit > 0 ? `-j${jobs} -l${input.loadLimit}` : `-j${jobs}`;
}
