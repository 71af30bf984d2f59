// The one walk up a process tree, for every tree the dashboard looks at: a compile on a node
// (gcc and the cc1 and as it runs), the distcc user's CPU by tree on a node, the sampling
// shell's own processes, and whether a local pid is this run's emerge. Parent links come from
// ps or /proc at different moments, so pid reuse can make them loop, and a node's list is not
// trusted: every walk is bounded.

/** The parents of `start`, nearest first, as far as `parentOf` knows them and `maxDepth` allows. */
export function* ancestors<T>(start: T, parentOf: (item: T) => T | undefined, maxDepth: number): Generator<T, void, undefined> {
  let current = start;
  for (let depth = 0; depth < maxDepth; depth++) {
    const parent = parentOf(current);
    if (parent === undefined) return;
    yield parent;
    if (parent === current) return;
    current = parent;
  }
}

/** The farthest ancestor of `item` within `maxDepth`, or `item` itself. */
export function rootOf<T>(item: T, parentOf: (item: T) => T | undefined, maxDepth: number): T {
  let root = item;
  for (const parent of ancestors(item, parentOf, maxDepth)) root = parent;
  return root;
}

/** The items grouped by their root, roots in the order their first member came. */
export function treesByRoot<T>(items: readonly T[], parentOf: (item: T) => T | undefined, maxDepth: number): Map<T, T[]> {
  const trees = new Map<T, T[]>();
  for (const item of items) {
    const root = rootOf(item, parentOf, maxDepth);
    const members = trees.get(root);
    if (members === undefined) trees.set(root, [item]);
    else members.push(item);
  }
  return trees;
}

/** A parent lookup by ppid among `processes`: outside the list, a tree ends. */
export function parentIn<P extends { pid: number; ppid: number }>(processes: readonly P[]): (process: P) => P | undefined {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  return (process) => byPid.get(process.ppid);
}
