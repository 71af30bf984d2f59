// The compiler the build asks distcc for: Gentoo's tc-getCC is ${CHOST}-gcc, and CHOST is what
// the front end's gcc was built for. Its version and target are what every node must match.

export interface FrontCompiler {
  chost: string;
  /** The name distcc sends to the nodes, e.g. x86_64-pc-linux-gnu-gcc. */
  name: string;
  version: string;
  machine: string;
}

export type FrontCompilerResult = { ok: true; compiler: FrontCompiler } | { ok: false; reason: string };

export type Run = (program: string, args: readonly string[]) => Promise<string | undefined>;

export async function queryFrontCompiler(run: Run): Promise<FrontCompilerResult> {
  const chost = (await run('gcc', ['-dumpmachine']))?.trim();
  if (chost === undefined || chost === '') return { ok: false, reason: 'gcc -dumpmachine printed nothing (is gcc installed?)' };
  const name = `${chost}-gcc`;
  // ${CHOST}-gcc is the name distcc forwards; gcc alone answers for it where the link is missing.
  const [version, machine] = await Promise.all([run(name, ['-dumpfullversion']), run(name, ['-dumpmachine'])]);
  if (version === undefined || machine === undefined) return { ok: false, reason: `${name} does not run on the front end` };
  return { ok: true, compiler: { chost, name, version: version.trim(), machine: machine.trim() } };
}
