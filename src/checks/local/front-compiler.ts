// The compiler the build asks distcc for: Gentoo's tc-getCC is ${CHOST}-gcc, with Portage's
// CHOST (or, when Portage does not answer, what the front end's gcc was built for).
// Its version and target are what every node must match.

export interface FrontCompiler {
  chost: string;
  /** The name distcc sends to the nodes, e.g. x86_64-pc-linux-gnu-gcc. */
  name: string;
  version: string;
  machine: string;
}

export type FrontCompilerResult = { ok: true; compiler: FrontCompiler } | { ok: false; reason: string };

export type Run = (program: string, args: readonly string[]) => Promise<string | undefined>;

// One process for the three questions: each spawn blocks Node.js's event loop for a while (it
// forks the whole process), and the nodes' connects are timed on that loop.
const QUERY = [
  'c=$(gcc -dumpmachine 2>/dev/null); echo "chost $c"',
  '[ -n "$c" ] || exit 0',
  // ${CHOST}-gcc is the name distcc forwards; gcc alone answers for it where the link is missing.
  'v=$("$c-gcc" -dumpfullversion 2>/dev/null) && echo "version $v"',
  'm=$("$c-gcc" -dumpmachine 2>/dev/null) && echo "machine $m"',
  'exit 0',
].join('\n');

/** With `chost` (Portage's CHOST), that compiler; without, the one gcc -dumpmachine names. */
export async function queryFrontCompiler(run: Run, portageChost?: string): Promise<FrontCompilerResult> {
  const plain = portageChost !== undefined && /^[A-Za-z0-9._+-]+$/.test(portageChost);
  const script = plain ? QUERY.replace('c=$(gcc -dumpmachine 2>/dev/null)', `c=${portageChost}`) : QUERY;
  const answers = parseQuery((await run('sh', ['-c', script])) ?? '');
  const chost = answers.get('chost');
  if (chost === undefined) return { ok: false, reason: 'gcc -dumpmachine printed nothing (is gcc installed?)' };
  const name = `${chost}-gcc`;
  const [version, machine] = [answers.get('version'), answers.get('machine')];
  if (version === undefined || machine === undefined) return { ok: false, reason: `${name} does not run on the front end` };
  return { ok: true, compiler: { chost, name, version, machine } };
}

/** `TAG VALUE` lines; empty values count as missing. */
export function parseQuery(output: string): Map<string, string> {
  const answers = new Map<string, string>();
  for (const line of output.split('\n')) {
    const space = line.indexOf(' ');
    const value = space === -1 ? '' : line.slice(space + 1).trim();
    if (value !== '') answers.set(line.slice(0, space), value);
  }
  return answers;
}
