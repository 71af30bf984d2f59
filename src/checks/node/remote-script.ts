import { shellQuote } from '../../run-env/shell-quote.js';

// ONE round trip tells what the build needs to know about a node: a small sh script, sent on
// stdin to `sh` (so the login shell's quoting never matters), prints lines tagged with a random
// marker. No marker in the answer means our command did not run: a forced command
// (authorized_keys command=...) or a shell that runs nothing.

export interface ScriptInput {
  marker: string;
  /** The node's distccd: `command` of its [[node]] table, else distccd from PATH. */
  distccd: string;
  /** Compiler names to look at, the one distcc forwards first. */
  compilers: readonly string[];
}

export function renderRemoteScript(input: ScriptInput): string {
  const m = input.marker;
  // Every node of a big cluster runs this before each build: shell builtins where they do, and a
  // compiler that is the same file as the previous one is not asked twice.
  return [
    `m=${m}`,
    'echo "$m start"',
    `d=$(command -v ${shellQuote(input.distccd)} 2>/dev/null)`,
    'echo "$m distccd $d"',
    'if [ -n "$d" ]; then v=$("$d" --version 2>&1); echo "$m distccd-version ${v%%\n*}"; fi',
    'seen= version= machine=',
    `for c in ${input.compilers.map(shellQuote).join(' ')}; do`,
    '  p=$(command -v "$c" 2>/dev/null)',
    '  echo "$m cc-path $c $p"',
    '  if [ -n "$p" ]; then',
    // test -ef (same file) is a builtin of dash, bash and busybox sh: no readlink process per
    // compiler. A shell without it fails the test, and the compiler is simply asked again.
    '    if [ -z "$seen" ] || ! [ "$p" -ef "$seen" ]; then',
    '      seen=$p',
    '      version=$("$p" -dumpfullversion 2>/dev/null || "$p" -dumpversion 2>/dev/null)',
    '      machine=$("$p" -dumpmachine 2>/dev/null)',
    '    fi',
    '    echo "$m cc-version $c $version"',
    '    echo "$m cc-machine $c $machine"',
    '  fi',
    'done',
    'echo "$m nproc $(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null)"',
    'read -r load rest </proc/loadavg 2>/dev/null && echo "$m loadavg $load"',
    'echo "$m end"',
    '',
  ].join('\n');
}

export interface RemoteCompiler {
  name: string;
  path?: string;
  version?: string;
  machine?: string;
}

export interface RemoteFacts {
  /** False when the marker never came back: our command did not run. */
  ran: boolean;
  /** The script ran to its end (not cut short by a timeout or a dying shell). */
  complete: boolean;
  distccd?: string;
  distccdVersion?: string;
  compilers: RemoteCompiler[];
  cpus?: number;
  load?: number;
}

export function parseRemoteOutput(output: string, marker: string, compilerNames: readonly string[]): RemoteFacts {
  const facts: RemoteFacts = { ran: false, complete: false, compilers: compilerNames.map((name) => ({ name })) };
  const compiler = (name: string | undefined): RemoteCompiler | undefined => facts.compilers.find((c) => c.name === name);
  for (const raw of output.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.startsWith(`${marker} `)) continue;
    const rest = line.slice(marker.length + 1);
    const space = rest.indexOf(' ');
    const tag = space === -1 ? rest : rest.slice(0, space);
    const value = space === -1 ? '' : rest.slice(space + 1).trim();
    switch (tag) {
      case 'start':
        facts.ran = true;
        break;
      case 'end':
        facts.complete = true;
        break;
      case 'distccd':
        if (value !== '') facts.distccd = value;
        break;
      case 'distccd-version':
        if (value !== '') facts.distccdVersion = value;
        break;
      case 'cc-path':
      case 'cc-version':
      case 'cc-machine': {
        const [name, ...words] = value.split(' ');
        const target = compiler(name);
        const text = words.join(' ').trim();
        if (target === undefined || text === '') break;
        if (tag === 'cc-path') target.path = text;
        else if (tag === 'cc-version') target.version = text;
        else target.machine = text;
        break;
      }
      case 'nproc': {
        const cpus = Number(value);
        if (Number.isInteger(cpus) && cpus > 0) facts.cpus = cpus;
        break;
      }
      case 'loadavg': {
        const load = Number(value.split(' ')[0]);
        if (value !== '' && Number.isFinite(load)) facts.load = load;
        break;
      }
    }
  }
  return facts;
}

/** `distccd 3.4 x86_64-pc-linux-gnu` -> `3.4`; the whole line when it has no such shape. */
export function distccdVersion(line: string): string {
  return /^distccd\s+(\S+)/.exec(line)?.[1] ?? line;
}
