import { renderRemoteScript } from '../checks/node/remote-script.js';
import { SAMPLE_COMMAND, SAMPLE_LOOP_COMMAND } from '../system/node-sample.js';
import { shellQuote } from '../run-env/shell-quote.js';
import { NODE_BOOTSTRAP, NODE_PROGRAM_NAME, RUN_REQUEST_PREFIX, STATUS_REQUEST } from '../transport/index.js';

// With `setup node --restrict` the build key's authorized_keys line carries
// command="/etc/distcc/demerge-command": sshd runs that file whatever the client asks for and
// puts the request in SSH_ORIGINAL_COMMAND. The file, generated from COMMAND SHAPES below,
// runs the requests of known shapes and refuses (and logs) everything else, a shell included.
//
// ADDING A SHAPE: a new way of using the nodes adds an entry to commandShapes() and nothing
// else, built from the same code that builds the request (as the tunnel and probe shapes are),
// so the two cannot drift apart. `setup node --restrict` rewrites the file on every node from
// this list: re-running it (after an upgrade of demerge, say) is how nodes learn new shapes.

export const COMMAND_FILE = '/etc/distcc/demerge-command';

/** A checked piece of client text: a TCP port, a small count, a word of a safe alphabet. */
export type Placeholder = 'port' | 'count' | 'token';

/** A word of a request: a literal, one of several literals, or a placeholder. */
export type ShapeWord = string | readonly string[] | { placeholder: Placeholder };

/** A word of the command that runs: a literal, the request's word at this index (0-based, a
 * placeholder there), or all the words after the fixed ones (`rest`). */
export type RunWord = string | { word: number } | { rest: true };

export type CommandShape =
  /** The request must equal `request` exactly; `run` is executed. */
  | { kind: 'exact'; name: string; request: string; run: readonly string[] }
  /**
   * The request, after an exact `prefix` (if any), split at spaces, must match `words` one for
   * one, followed by one or more `rest` placeholders when `rest` is set.
   */
  | { kind: 'words'; name: string; prefix?: string; words: readonly ShapeWord[]; rest?: Placeholder; run: readonly RunWord[] }
  /**
   * The request must equal `request`, and stdin must be exactly `parts` with a token between
   * each two (checked placeholders): then stdin runs as a script of `sh`. For demerge's own
   * scripts sent on stdin, whose text is fixed but for a few values.
   */
  | { kind: 'script'; name: string; request: string; parts: readonly string[]; holes: readonly ('token' | 'tokens')[] };

export interface ShapeContext {
  /** The node's distccd path from demerge.conf (`command = "..."`), if any. */
  distccd?: string;
  /** The node service's TCP entrance, the only place the key may forward to (authorized-keys.ts). */
  entrancePort?: number;
}

export function commandShapes(context: ShapeContext = {}): CommandShape[] {
  const distccd = context.distccd ?? 'distccd';
  const names = [...new Set(['distccd', distccd])];
  return [
    {
      // distcc's ssh mode (transport "ssh") asks for `distccd --inetd --enable-tcp-insecure`
      // (ssh.c). The flag is dropped: without it the node's compiler whitelist applies again.
      kind: 'words',
      name: 'distcc job (transport "ssh")',
      words: [names, '--inetd', '--enable-tcp-insecure'],
      run: [distccd, '--inetd'],
    },
    { kind: 'words', name: 'distcc job (no flags)', words: [names, '--inetd'], run: [distccd, '--inetd'] },
    {
      // Transport "tunnel": a run's session with the node's shared service
      // (src/transport/remote-command.ts), its bootstrap byte for byte (it runs only the program
      // whose SHA-256 it names); distccd, the slots and the run's name checked.
      kind: 'words',
      name: 'node service session (transport "tunnel")',
      prefix: RUN_REQUEST_PREFIX,
      words: [names, { placeholder: 'count' }, { placeholder: 'token' }],
      // The key may forward to the entrance only, so the session is told to open it.
      run: [
        'python3',
        '-I',
        '-S',
        '-c',
        NODE_BOOTSTRAP,
        NODE_PROGRAM_NAME,
        'run',
        distccd,
        { word: 1 },
        { word: 2 },
        ...(context.entrancePort === undefined ? [] : [String(context.entrancePort)]),
      ],
    },
    {
      kind: 'exact',
      name: 'node service status',
      request: STATUS_REQUEST,
      run: ['python3', '-I', '-S', '-c', NODE_BOOTSTRAP, NODE_PROGRAM_NAME, 'status'],
    },
    {
      kind: 'exact',
      name: 'status sampling (dashboard)',
      request: SAMPLE_COMMAND,
      run: shellCommandWords(SAMPLE_COMMAND),
    },
    {
      // The sampler's long-lived channel, a sample per newline it sends. Refused, the sampler
      // falls back to a channel per sample and every run leaves a refusal in the node's log.
      kind: 'exact',
      name: 'status sampling loop (dashboard)',
      request: SAMPLE_LOOP_COMMAND,
      run: shellCommandWords(SAMPLE_LOOP_COMMAND),
    },
    probeShape(distccd),
  ];
}

/** `sh -c '<script>'` runs as sh -c <script> directly, saving a shell that ps would list. */
function shellCommandWords(command: string): string[] {
  const match = /^sh -c '([^']*)'$/.exec(command);
  return match?.[1] === undefined ? ['sh', '-c', command] : ['sh', '-c', match[1]];
}

/**
 * `demerge --dry-check` sends its node probe (src/checks/node/remote-script.ts) to `sh` on stdin,
 * with a random marker and the compiler names to look at. Its text comes from the same
 * renderer, with the two values as holes.
 */
function probeShape(distccd: string): CommandShape {
  const markerHole = 'DEMERGEHOLEMARKER';
  const compilersHole = 'DEMERGEHOLECOMPILERS';
  const text = renderRemoteScript({ marker: markerHole, distccd, compilers: [compilersHole] });
  const [before, rest = ''] = splitOnce(text, markerHole);
  const [middle, after] = splitOnce(rest, compilersHole);
  if (after === undefined || after.includes(markerHole) || after.includes(compilersHole)) {
    throw new Error("the dry check's probe script no longer has one marker and one compiler list");
  }
  return { kind: 'script', name: 'node probe (demerge --dry-check)', request: 'sh', parts: [before, middle, after], holes: ['token', 'tokens'] };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

function testWord(position: number, word: ShapeWord): string {
  const ref = `"$${position + 1}"`;
  if (typeof word === 'string') return `[ ${ref} = ${shellQuote(word)} ]`;
  if ('placeholder' in word) return `is_${word.placeholder} ${ref}`;
  const tests = word.map((literal) => `[ ${ref} = ${shellQuote(literal)} ]`);
  return tests.length === 1 ? (tests[0] as string) : `{ ${tests.join(' || ')}; }`;
}

function renderRun(shape: Extract<CommandShape, { kind: 'exact' | 'words' }>): string {
  return shape.run
    .map((word) => {
      if (typeof word === 'string') return shellQuote(word);
      if ('rest' in word) {
        if (shape.kind !== 'words' || shape.rest === undefined) throw new Error(`shape "${shape.name}": no rest to run`);
        return '"$@"';
      }
      const source = shape.kind === 'words' ? shape.words[word.word] : undefined;
      if (source === undefined || typeof source === 'string' || !('placeholder' in source)) {
        throw new Error(`shape "${shape.name}": run word ${word.word} is not a placeholder of the request`);
      }
      return `"$a${word.word + 1}"`;
    })
    .join(' ');
}

function renderShape(shape: CommandShape, index: number): string {
  const head = `# ${shape.name}\n`;
  if (shape.kind === 'exact') {
    return `${head}if [ "$request" = ${shellQuote(shape.request)} ]; then\n\texec ${renderRun(shape)}\nfi\n`;
  }
  if (shape.kind === 'script') {
    const lines = [`if [ "$request" = ${shellQuote(shape.request)} ]; then`, '\tscript=$(head -c 65536; echo .)', '\tscript=${script%.}'];
    shape.parts.forEach((part, i) => lines.push(`\tpart${i}=${shellQuote(part)}`));
    lines.push('\trest=${script#"$part0"}', '\tok=1; expected=$part0');
    shape.holes.forEach((hole, i) => {
      const next = `$part${i + 1}`;
      lines.push(`\thole=\${rest%%"${next}"*}`, `\tis_${hole} "$hole" || ok=0`, `\texpected=$expected$hole${next}`, `\trest=\${rest#"$hole${next}"}`);
    });
    lines.push('\tif [ $ok = 1 ] && [ "$script" = "$expected" ]; then', '\t\texec sh -c "$script" sh', '\tfi', '\trefuse', 'fi');
    return `${head}${lines.join('\n')}\n`;
  }
  const fixed = shape.words.length;
  const split = shape.prefix === undefined ? 'set -- $request' : `set -- \${request#"$prefix${index}"}`;
  const count = shape.rest === undefined ? `[ $# -eq ${fixed} ]` : `[ $# -gt ${fixed} ]`;
  const tests = [count, ...shape.words.map((word, i) => testWord(i, word))];
  const lines: string[] = [];
  if (shape.prefix !== undefined) {
    lines.push(`prefix${index}=${shellQuote(shape.prefix)}`, `if [ "\${request#"$prefix${index}"}" != "$request" ]; then`);
  } else {
    lines.push('if :; then');
  }
  lines.push(`\t${split}`, `\tif ${tests.join(' && ')}; then`);
  const assigned = shape.words.map((_, i) => `a${i + 1}=$${i + 1}; `).join('');
  lines.push(`\t\t${assigned}shift ${fixed}`);
  if (shape.rest !== undefined) lines.push(`\t\tok=1; for word do is_${shape.rest} "$word" || ok=0; done`);
  else lines.push('\t\tok=1');
  lines.push(`\t\tif [ $ok = 1 ]; then exec ${renderRun(shape)}; fi`, '\tfi', 'fi');
  return `${head}${lines.join('\n')}\n`;
}

export function renderForcedCommand(shapes: readonly CommandShape[], version: string): string {
  return `#!/bin/sh
# ${COMMAND_FILE}: forced command of demerge's build key (demerge ${version}).
# authorized_keys runs it as command="${COMMAND_FILE}" whatever the client asks for; the
# request is in SSH_ORIGINAL_COMMAND. Requests of the shapes below run, all others are
# refused and logged (syslog, or ~/demerge-command.log without a syslog).
# Generated: \`demerge setup node --restrict\` rewrites this file. Add shapes to demerge's
# src/setup/forced-command.ts and run setup node again, rather than editing it here.
set -f
IFS=' '
request=\${SSH_ORIGINAL_COMMAND-}

is_port() {
\tcase $1 in '' | *[!0-9]* | 0*) return 1 ;; esac
\t[ \${#1} -le 5 ] && [ "$1" -le 65535 ]
}
is_count() {
\tcase $1 in '' | *[!0-9]* | 0*) return 1 ;; esac
\t[ \${#1} -le 4 ]
}
is_token() {
\tcase $1 in '' | *[!A-Za-z0-9._+-]*) return 1 ;; esac
\t[ \${#1} -le 64 ]
}
is_tokens() {
\t[ -n "$1" ] && [ \${#1} -le 256 ] || return 1
\tfor token in $1; do is_token "$token" || return 1; done
}

refuse() {
\tshown=$(printf '%s' "$request" | tr -c '[:print:]' '?' | cut -c 1-300)
\tline="refused for \${USER:-?} from \${SSH_CONNECTION%% *}: \${shown:-(no command: a shell)}"
\t# logger exits 0 even when no syslog listens: look for the socket first.
\tif ! { [ -S /dev/log ] && logger -t demerge-command -p auth.notice -- "$line" 2>/dev/null; }; then
\t\tlog=\${HOME:-/tmp}/demerge-command.log
\t\tif [ ! -f "$log" ] || [ "$(wc -c <"$log")" -lt 1048576 ]; then
\t\t\tprintf '%s %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$line" >>"$log" 2>/dev/null
\t\tfi
\tfi
\techo "demerge-command: refused: this key runs only distcc jobs and demerge's own requests" >&2
\texit 1
}

${shapes.map(renderShape).join('\n')}
refuse
`;
}
