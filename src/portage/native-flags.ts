import * as say from '../messages/portage.js';
import { runProgram } from '../system/spawn.js';

// -march=native and -mtune=native keep every distcc job local (distcc's arg.c: on a node they
// would mean the node's CPU). gcc's driver turns them into explicit cc1 options before it runs
// cc1 (the local_cpu_detect spec function): `gcc -### -march=native` shows them. Handing those
// explicit options to the driver instead gives cc1 the same command line, so a job compiled
// on a node with them is the object a local -march=native build makes.

export interface NativeFlags {
  /** The compiler that answered, e.g. x86_64-pc-linux-gnu-gcc. */
  compiler: string;
  /** What -march=native stands for: -march=<cpu>, the -m<isa> set, --param cache sizes, -mtune=<cpu>. */
  march: string[];
  /** What -mtune=native stands for: --param cache sizes and -mtune=<cpu>. */
  mtune: string[];
}

export type NativeResolution = { ok: true; flags: NativeFlags } | { ok: false; reason: string };

// Only words that need no quoting anywhere: they are written into make.conf-style values and
// split on spaces by make and the shell.
const PLAIN_FLAG = /^-[A-Za-z0-9_=.,+-]+$/;

// One shell for the three questions: each spawn blocks Node's event loop (it forks the whole
// process) while the nodes' connects are being timed.
const QUERY = (compiler: string) =>
  [`for f in '' -march=native -mtune=native; do`, `  echo "@@ $f"`, `  ${compiler} -### $f -x c -c /dev/null -o /dev/null 2>&1`, `done`].join('\n');

export type Run = (program: string, args: readonly string[]) => Promise<string | undefined>;

/** The explicit flags for -march=native and -mtune=native from `compiler` (CHOST-gcc). */
export async function resolveNativeFlags(compiler: string, run: Run = runShell): Promise<NativeResolution> {
  if (!/^[A-Za-z0-9._+-]+$/.test(compiler) && !/^\/[A-Za-z0-9._+/-]+$/.test(compiler)) {
    return { ok: false, reason: say.compilerNotPlain(compiler) };
  }
  const output = await run('sh', ['-c', QUERY(compiler)]);
  if (output === undefined) return { ok: false, reason: say.compilerDidNotRun(compiler) };
  const sections = splitSections(output);
  const base = cc1Words(sections.get('') ?? '');
  const march = cc1Words(sections.get('-march=native') ?? '');
  const mtune = cc1Words(sections.get('-mtune=native') ?? '');
  if (base === undefined || march === undefined || mtune === undefined) {
    return { ok: false, reason: say.compilerNoCc1(compiler) };
  }
  const flags = { compiler, march: added(base, march), mtune: added(base, mtune) };
  const bad = [...flags.march, ...flags.mtune].find((word) => !PLAIN_FLAG.test(word));
  if (bad !== undefined) return { ok: false, reason: say.compilerOddOption(compiler, bad) };
  if (!flags.march.some((word) => word.startsWith('-march=')) || flags.march.includes('-march=native')) {
    return { ok: false, reason: say.compilerNotResolved(compiler) };
  }
  return { ok: true, flags };
}

function splitSections(output: string): Map<string, string> {
  const sections = new Map<string, string>();
  let current: string | undefined;
  for (const line of output.split('\n')) {
    if (line.startsWith('@@ ')) {
      current = line.slice(3).trim();
      sections.set(current, '');
    } else if (current !== undefined) sections.set(current, `${sections.get(current) ?? ''}${line}\n`);
  }
  return sections;
}

/** The words of the cc1 line of `gcc -###`, with `--param "x=y"` joined into `--param=x=y`. */
export function cc1Words(output: string): string[] | undefined {
  const line = output.split('\n').find((l) => /^ \S*\/cc1(plus)? /.test(l));
  if (line === undefined) return undefined;
  const words = shellWords(line.trim()).slice(1);
  const joined: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (word === '--param' && words[i + 1] !== undefined) {
      joined.push(`--param=${words[i + 1]}`);
      i++;
    } else joined.push(word);
  }
  return joined;
}

// The driver quotes words with "..." when they hold anything but [A-Za-z0-9/._-].
function shellWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) current += line[++i];
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === ' ') {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

/** Words of `withFlag` that the plain command line lacks, in order: what the flag stood for. */
function added(base: readonly string[], withFlag: readonly string[]): string[] {
  const remaining = new Map<string, number>();
  for (const word of base) remaining.set(word, (remaining.get(word) ?? 0) + 1);
  const out: string[] = [];
  for (const word of withFlag) {
    const left = remaining.get(word) ?? 0;
    if (left > 0) remaining.set(word, left - 1);
    else out.push(word);
  }
  // Temporary file names differ from run to run.
  return out.filter((word) => !word.startsWith('/tmp/') && !/^\/.*\.s$/.test(word));
}

async function runShell(program: string, args: readonly string[]): Promise<string | undefined> {
  const result = await runProgram(program, args, { env: { PATH: '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C' }, timeoutMs: 10_000 });
  return result.exitCode === 0 ? result.stdout : undefined;
}
