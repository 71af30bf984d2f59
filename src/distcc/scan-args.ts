// distcc's own answer to "must this compile run here?", read from distcc 3.4: dcc_scan_args
// in src/arg.c, with dcc_is_source, dcc_source_needs_local and dcc_output_from_source from
// src/filename.c. distcc logs most of these reasons at trace level only, so a DISTCC_LOG at
// its default INFO level says nothing about them; applying the same rules to the command line
// distcc logs for every local run ("exec on localhost: ...") recovers them.
//
// The rules are distcc 3.4's because that is the release Gentoo and Debian ship. distcc's
// master branch has since dropped two of them (-flto in 2021, -specs= in 2024); with a newer
// distcc those two words no longer keep a compile local.
//
// Words are taken as C strings (distcc never sees past a NUL), and matching is byte-exact as
// strcmp/strncmp are: no case folding, no trimming. No dependencies: the dry check and the
// dashboard both use this module.

import * as say from '../messages/distcc.js';

export type LocalCauseId =
  | 'march-native'
  | 'mtune-native'
  | 'lto'
  | 'specs'
  | 'preprocess-only'
  | 'dependencies-only'
  | 'assembler-listing'
  | 'profile'
  | 'repo'
  | 'language'
  | 'debug-dump'
  | 'not-compile'
  | 'no-input'
  | 'several-inputs'
  | 'several-outputs'
  | 'output-stdout'
  | 'source-needs-local'
  | 'bad-source-name'
  | 'bad-arguments';

export interface LocalCause {
  id: LocalCauseId;
  /** the word that decided it, e.g. "-march=native", "-x assembler-with-cpp" */
  flag?: string;
}

function cString(word: string): string {
  const nul = word.indexOf('\0');
  return nul === -1 ? word : word.slice(0, nul);
}

function cause(id: LocalCauseId, flag?: string): LocalCause {
  return flag === undefined ? { id } : { id, flag };
}

// Languages distcc passes on after -x; "c" and "objective-c" also cover c++, c-header,
// objective-c++ and the rest, as distcc's prefix test does.
const DISTRIBUTABLE_LANGUAGES = ['c', 'c++', 'objective-c', 'objective-c++', 'go'];

function isProfileFlag(a: string): boolean {
  return (
    a === '-fprofile-arcs' ||
    a === '-ftest-coverage' ||
    a === '--coverage' ||
    a.startsWith('-fprofile-generate') ||
    a.startsWith('-fprofile-use') ||
    a.startsWith('-fauto-profile') ||
    a === '-fprofile-correction'
  );
}

/** What one option word does to the scan; the order of the tests is distcc's. */
type Step =
  | { kind: 'local'; cause: LocalCause }
  | { kind: 'skip-next' }
  | { kind: 'compile'; stop: 'c' | 'S' }
  | { kind: 'output-next' }
  | { kind: 'output'; file: string }
  | { kind: 'none' };

const NONE: Step = { kind: 'none' };

function local(id: LocalCauseId, flag?: string): Step {
  return { kind: 'local', cause: cause(id, flag) };
}

// `a` starts with '-'; `next` is the word after it, which only -x looks at (without using it).
function optionStep(a: string, next: string | undefined): Step {
  if (a === '-E') return local('preprocess-only', a);
  // -MD and -MMD write dependencies beside a normal compile; -MG and -MP only modify other -M
  // options.
  if (a === '-MD' || a === '-MMD' || a === '-MG' || a === '-MP') return NONE;
  if (a === '-MF' || a === '-MT' || a === '-MQ') return { kind: 'skip-next' };
  if (a.startsWith('-MF') || a.startsWith('-MT') || a.startsWith('-MQ')) return NONE;
  // Any other -M implies -E: only the preprocessor runs.
  if (a[1] === 'M') return local('dependencies-only', a);
  if (a === '-march=native') return local('march-native', a);
  if (a === '-mtune=native') return local('mtune-native', a);
  if (a === '-flto') return local('lto', a);
  if (a.startsWith('-Wa,')) {
    // Assembler listings and dependency files would be written on the node.
    return a.includes(',-a') || a.includes('--MD') ? local('assembler-listing', a) : NONE;
  }
  if (a.startsWith('-specs=')) return local('specs', a);
  if (a === '-S') return { kind: 'compile', stop: 'S' };
  if (isProfileFlag(a)) return local('profile', a);
  if (a === '-frepo') return local('repo', a);
  // distcc tests the next word even for "-xc" and never skips it: "-xc -c" is local.
  if (a.startsWith('-x') && next !== undefined && !DISTRIBUTABLE_LANGUAGES.some((lang) => next.startsWith(lang))) {
    return local('language', `${a} ${next}`);
  }
  if (a.startsWith('-dr')) return local('debug-dump', a);
  if (a === '-c') return { kind: 'compile', stop: 'c' };
  if (a === '-o') return { kind: 'output-next' };
  if (a.startsWith('-o')) return { kind: 'output', file: a.slice(2) };
  return NONE;
}

/** dcc_is_source: by the extension after the last dot of the whole word. */
function isSource(word: string): boolean {
  const dot = word.lastIndexOf('.');
  if (dot === -1 || dot === word.length - 1) return false;
  switch (word.slice(dot + 1)) {
    case 'i':
    case 'ii':
    case 'c':
    case 'cc':
    case 'cpp':
    case 'cxx':
    case 'cp':
    case 'c++':
    case 'C':
    case 'm':
    case 'mm':
    case 'mi':
    case 'mii':
    case 'M':
      return true;
    default:
      // .s and .S count only in a distcc built with ENABLE_REMOTE_ASSEMBLE, which no release
      // configures: assembler sources have no visible input and stay local.
      return false;
  }
}

function lastPathPart(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash === -1 ? file : file.slice(slash + 1);
}

/** dcc_source_needs_local: autoconf's test programs are always built here. */
function sourceNeedsLocal(file: string): boolean {
  const slash = file.lastIndexOf('/');
  // dcc_find_basename keeps the whole name when it ends with a slash.
  const base = slash === -1 || slash === file.length - 1 ? file : file.slice(slash + 1);
  return base.startsWith('conftest.') || base.startsWith('tmp.conftest.');
}

/** Why distcc would compile this command line (argv[0] = compiler) locally; undefined if it would distribute it. */
export function localCauseOfArgs(argv: readonly string[]): LocalCause | undefined {
  const words = argv.map(cString);
  const first = words[0];
  // distcc refuses an argv[0] that is an option before scanning ("unrecognized distcc option").
  if (first !== undefined && first.startsWith('-')) return cause('bad-arguments', first);
  let seenC = false;
  let seenS = false;
  let input: string | undefined;
  let output: string | undefined;
  // Where the output went; "-o" as the last word records none, as distcc's NULL does.
  const gotOutput = (file: string | undefined): LocalCause | undefined => {
    if (output !== undefined) return cause('several-outputs', file);
    output = file;
    return undefined;
  };
  // argv[0] is scanned too: distcc's loop starts at 0.
  for (let i = 0; i < words.length; i++) {
    const a = words[i] as string;
    if (a.startsWith('-')) {
      const step = optionStep(a, words[i + 1]);
      switch (step.kind) {
        case 'local':
          return step.cause;
        case 'skip-next':
          i++;
          break;
        case 'compile':
          if (step.stop === 'c') seenC = true;
          else seenS = true;
          break;
        case 'output-next': {
          i++;
          const verdict = gotOutput(words[i]);
          if (verdict) return verdict;
          break;
        }
        case 'output': {
          const verdict = gotOutput(step.file);
          if (verdict) return verdict;
          break;
        }
        case 'none':
          break;
      }
    } else if (isSource(a)) {
      if (input !== undefined) return cause('several-inputs', a);
      input = a;
    } else if (a.endsWith('.o')) {
      const verdict = gotOutput(a);
      if (verdict) return verdict;
    }
  }
  if (!seenC && !seenS) return cause('not-compile');
  if (input === undefined) return cause('no-input');
  if (sourceNeedsLocal(input)) return cause('source-needs-local', input);
  // With no output named, distcc derives one from the source's base name, and gives up on a
  // base name under three characters (".c").
  if (output === undefined && lastPathPart(input).length < 3) return cause('bad-source-name', input);
  // "-o -" is stdout to some compilers and a file named "-" to others.
  if (output === '-') return cause('output-stdout', '-o -');
  return undefined;
}

/**
 * For one word of CFLAGS-like variables (and the word after it, for -x): the cause if that word alone makes
 * every compile local (the flag-level rules of dcc_scan_args: -march=native, -mtune=native, -E, -M* except
 * -MD/-MMD/-MG/-MP/-MF/-MT/-MQ, -Wa,... with ,-a or --MD, profile flags, -frepo, -x <non-c lang>, -dr*; in
 * distcc 3.4 also -flto and -specs=).
 */
export function localCauseOfFlag(word: string, next?: string): LocalCause | undefined {
  const a = cString(word);
  if (!a.startsWith('-')) return undefined;
  const step = optionStep(a, next === undefined ? undefined : cString(next));
  return step.kind === 'local' ? step.cause : undefined;
}

// Labels name the flag, cut: a hostile word must not make a label a screen wide.

/**
 * Short English label for the summary/dashboard, e.g. 'march-native' -> '-march=native', 'not-compile' ->
 * 'linking or not a compile', 'preprocess-only' -> 'preprocess only (-E)'. File names (second inputs,
 * conftest sources) are left out, so jobs with one cause share one label. Not sanitized for a terminal.
 */
export function localCauseLabel(cause: LocalCause): string {
  return say.localCauseLabel(cause.id, cause.flag);
}
