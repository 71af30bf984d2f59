import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localCauseLabel, localCauseOfArgs, localCauseOfFlag, type LocalCause, type LocalCauseId } from '../../src/distcc/scan-args.js';

// Rows cite distcc 3.4's src/arg.c (dcc_scan_args) and src/filename.c; several are the command
// lines of distcc's own test/testdistcc.py ScanArgs_Case, with the verdict it expects.

const words = (line: string): string[] => line.split(' ');

describe('localCauseOfArgs', () => {
  it.each<[string, string, LocalCause | undefined]>([
    // Distributed: -c or -S, one source, one output (or one derived from the source).
    ['gcc -c hello.c', 'seen_opt_c, output derived (dcc_output_from_source)', undefined],
    ['gcc -o /tmp/hello.o -c ../src/hello.c', '"-o" then GOT_OUTPUT', undefined],
    ['gcc -DMYNAME=quasibar.c bar.c -c -o bar.o', 'an option word is never an input', undefined],
    ['gcc -ohello.o -c hello.c', 'str_startswith("-o")', undefined],
    ['gcc -S hello.c', 'seen_opt_s', undefined],
    ['gcc -c -S hello.c', '-S and -c together', undefined],
    ['gcc -MD -c hello.c', '-MD is a side effect of the compile', undefined],
    ['gcc -MMD -MP -MF deps/hello.d -MT hello.o -c hello.c', '-MF/-MT take the next word', undefined],
    ['gcc -MFdeps.d -MQhello.o -c hello.c', '-MF<file>, -MQ<target> attached', undefined],
    ['gcc -Wa,-xarch=v8 -c foo.c', '-Wa, without ,-a or --MD', undefined],
    ['gcc -Wa,--noexecstack -c foo.c', '",--" is not ",-a"', undefined],
    ['gcc -x c -c foo.c', '-x c', undefined],
    ['gcc -x c++ -c foo.cc', '-x c++', undefined],
    ['gcc -x objective-c -c foo.m', '-x objective-c', undefined],
    ['gcc -x c-header -c foo.c', 'str_startswith("c", next)', undefined],
    ['gcc -x go -c foo.c', '-x go', undefined],
    ['gcc -march=x86-64-v3 -mtune=znver3 -c foo.c', 'only the exact "native" words', undefined],
    ['gcc -march=native2 -c foo.c', 'strcmp, not a prefix', undefined],
    ['gcc -flto=auto -c foo.c', 'strcmp(a, "-flto"): -flto=auto is distributed', undefined],
    ['gcc -c foo.cpp -o foo.o', '.cpp', undefined],
    ['gcc -c foo.c++ -o foo.o', '.c++', undefined],
    ['gcc -c FOO.C', '.C', undefined],
    ['gcc -c foo.ii', '.ii (preprocessed)', undefined],
    ['gcc -c foo.mm', '.mm', undefined],
    ['gcc -c foo.M', '.M', undefined],
    ['gcc -c abc.c', 'a three-character base name is enough', undefined],
    ['gcc -c -o - -o2 foo.c', '-o2 is GOT_OUTPUT too', { id: 'several-outputs', flag: '2' }],
    // Flag rules, in dcc_scan_args' order.
    ['gcc -E foo.c', '"-E call for cpp must be local" (EXIT_LOCAL_CPP)', { id: 'preprocess-only', flag: '-E' }],
    ['gcc -M hello.c', "a[1] == 'M'", { id: 'dependencies-only', flag: '-M' }],
    ['gcc -MM -c hello.c', '-MM implies -E', { id: 'dependencies-only', flag: '-MM' }],
    ['gcc -ME hello.c', '-ME is no -MD/-MMD/-MG/-MP/-MF/-MT/-MQ', { id: 'dependencies-only', flag: '-ME' }],
    [
      'x86_64-pc-linux-gnu-gcc -march=native -O2 -pipe -c foo.c',
      '"-march=native generates code for local machine"',
      { id: 'march-native', flag: '-march=native' },
    ],
    ['gcc -O2 -mtune=native -c foo.c', '"-mtune=native optimizes for local machine"', { id: 'mtune-native', flag: '-mtune=native' }],
    ['gcc -flto -c foo.c', 'distcc 3.4: "LTO cc invocations are not worth distributing"', { id: 'lto', flag: '-flto' }],
    ['gcc -Wa,-alh,-a=foo.lst -c foo.c', 'strstr(a, ",-a")', { id: 'assembler-listing', flag: '-Wa,-alh,-a=foo.lst' }],
    ['gcc -Wa,--MD -c foo.c', 'strstr(a, "--MD")', { id: 'assembler-listing', flag: '-Wa,--MD' }],
    ['gcc -specs=foo.specs -c foo.c', 'distcc 3.4: str_startswith("-specs=")', { id: 'specs', flag: '-specs=foo.specs' }],
    ['gcc -fprofile-arcs -ftest-coverage -c hello.c', '-fprofile-arcs', { id: 'profile', flag: '-fprofile-arcs' }],
    ['gcc -ftest-coverage -c hello.c', '-ftest-coverage', { id: 'profile', flag: '-ftest-coverage' }],
    ['gcc --coverage -c hello.c', '--coverage', { id: 'profile', flag: '--coverage' }],
    ['gcc -fprofile-generate=/var/tmp/pgo -c hello.c', 'strncmp(a, "-fprofile-generate", 18)', { id: 'profile', flag: '-fprofile-generate=/var/tmp/pgo' }],
    ['gcc -fprofile-use -c hello.c', 'strncmp(a, "-fprofile-use", 13)', { id: 'profile', flag: '-fprofile-use' }],
    ['gcc -fauto-profile=perf.afdo -c hello.c', 'strncmp(a, "-fauto-profile", 14)', { id: 'profile', flag: '-fauto-profile=perf.afdo' }],
    ['gcc -fprofile-correction -c hello.c', 'strcmp(a, "-fprofile-correction")', { id: 'profile', flag: '-fprofile-correction' }],
    ['g++ -frepo foo.C', '"compiler will emit .rpo files"', { id: 'repo', flag: '-frepo' }],
    ['gcc -x assembler-with-cpp -c foo.c', '"gcc\'s -x handling is complex"', { id: 'language', flag: '-x assembler-with-cpp' }],
    ['gcc -xassembler-with-cpp -c foo.c', '-x<lang>: distcc tests the next word, "-c"', { id: 'language', flag: '-xassembler-with-cpp -c' }],
    ['gcc -x none -c foo.c', '-x none', { id: 'language', flag: '-x none' }],
    ['gcc -dr -c foo.c', '"gcc\'s debug option %s may write extra files"', { id: 'debug-dump', flag: '-dr' }],
    ['gcc -drtl-expand -c foo.c', 'str_startswith("-dr")', { id: 'debug-dump', flag: '-drtl-expand' }],
    // The first rule met wins.
    ['gcc -c foo.c -E -march=native', 'the first rule met returns', { id: 'preprocess-only', flag: '-E' }],
    ['gcc -march=native -c a.c b.c', '-march=native before the second input', { id: 'march-native', flag: '-march=native' }],
    ['gcc -c a.c b.c -march=native', 'the second input before -march=native', { id: 'several-inputs', flag: 'b.c' }],
    ['gcc -MF -E -c foo.c', '-MF takes "-E" as its file', undefined],
    ['gcc -o -march=native -c foo.c', '-o takes "-march=native" as its output', undefined],
    // Inputs and outputs.
    ['gcc -c a.c b.c', '"do we have two inputs?  i give up"', { id: 'several-inputs', flag: 'b.c' }],
    ['gcc -o hello main.o util.o', '"called for link?  i give up"', { id: 'several-outputs', flag: 'main.o' }],
    ['gcc main.o -o hello', 'a .o word, then -o', { id: 'several-outputs', flag: 'hello' }],
    ['gcc hello.c', '"compiler apparently called not for compile"', { id: 'not-compile' }],
    ['gcc hello.o', 'a .o alone: no -c', { id: 'not-compile' }],
    ['gcc -o hello.o hello.c', 'no -c or -S', { id: 'not-compile' }],
    ['gcc -o hello.o -c hello.s', '.s is no source without ENABLE_REMOTE_ASSEMBLE: "no visible input file"', { id: 'no-input' }],
    ['gcc -o hello.o -c hello.S', '.S likewise', { id: 'no-input' }],
    ['gcc -c foo.h', '.h is no source', { id: 'no-input' }],
    ['gcc -c foo.', 'a name ending in a dot (dcc_find_extension)', { id: 'no-input' }],
    ['gcc -c conftest.c', 'dcc_source_needs_local: "autoconf tests are run locally"', { id: 'source-needs-local', flag: 'conftest.c' }],
    ['gcc -c /tmp/x/tmp.conftest.abc.c -o t.o', 'tmp.conftest.*, by its base name', { id: 'source-needs-local', flag: '/tmp/x/tmp.conftest.abc.c' }],
    ['gcc -c src/.c', 'dcc_output_from_source: "source file %s is bogus"', { id: 'bad-source-name', flag: 'src/.c' }],
    ['gcc -S foo.c -o -', '"output to stdout?  running locally"', { id: 'output-stdout', flag: '-o -' }],
    ['gcc -S foo.c -o-', '-o- is "-" too', { id: 'output-stdout', flag: '-o -' }],
    ['gcc -c -o', '-o as the last word names no output', { id: 'no-input' }],
    ['gcc -c foo.c -o', '-o as the last word: the output is derived', undefined],
    ['ccache gcc -c hello.c', 'argv[0] is scanned too, and "ccache" is nothing', undefined],
    ['foo.c -o foo.o -c', 'argv[0] can be the input', undefined],
    ['-c foo.c', '"unrecognized distcc option" (argv[0] starts with -)', { id: 'bad-arguments', flag: '-c' }],
  ])('%s (%s)', (line, _rule, expected) => {
    expect(localCauseOfArgs(words(line))).toEqual(expected);
  });

  it('reads words as C strings', () => {
    expect(localCauseOfArgs(['gcc', '-E\0 ignored', 'foo.c'])).toEqual({ id: 'preprocess-only', flag: '-E' });
    expect(localCauseOfArgs(['gcc', '-c', 'foo.c\0.S'])).toBeUndefined();
  });

  it('takes words as they are: an empty word, spaces and unicode', () => {
    expect(localCauseOfArgs([])).toEqual({ id: 'not-compile' });
    expect(localCauseOfArgs([''])).toEqual({ id: 'not-compile' });
    expect(localCauseOfArgs(['gcc', '-c', '', 'foo.c'])).toBeUndefined();
    expect(localCauseOfArgs(['gcc', '-c', 'my file.c', '-o', 'my file.o'])).toBeUndefined();
    expect(localCauseOfArgs(['gcc', '-c', 'fü→ß.c'])).toBeUndefined();
    expect(localCauseOfArgs(['gcc', '-march=nätive', '-c', 'f.c'])).toBeUndefined();
    expect(localCauseOfArgs(['gcc', '-c', 'f.c', '-mtune=NATIVE'])).toBeUndefined();
    // Case matters, so this is no -march=native, but it is an -M option to distcc.
    expect(localCauseOfArgs(['gcc', '-c', 'f.c', '-MARCH=NATIVE'])).toEqual({ id: 'dependencies-only', flag: '-MARCH=NATIVE' });
    expect(localCauseOfArgs(['gcc', ' -E', '-c', 'f.c'])).toBeUndefined();
  });

  it('copes with a huge command line', () => {
    const includes = Array.from({ length: 200_000 }, (_, i) => `-I/usr/include/p${i}`);
    expect(localCauseOfArgs(['gcc', ...includes, '-c', 'big.c'])).toBeUndefined();
    expect(localCauseOfArgs(['gcc', ...includes, '-march=native', '-c', 'big.c'])).toEqual({ id: 'march-native', flag: '-march=native' });
    expect(localCauseOfArgs(['gcc', `-Wa,${'x'.repeat(1_000_000)},-a`, '-c', 'f.c'])?.id).toBe('assembler-listing');
  });

  it('never throws, and a cause carries one of its words (fuzz)', () => {
    const word = fc.oneof(
      fc.constantFrom('-c', '-S', '-E', '-o', '-x', '-MF', '-M', '-march=native', '-Wa,-a', 'a.c', 'b.o', 'conftest.c', '-', '', 'c', 'assembler'),
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.string({ maxLength: 6 }).map((s) => `-${s}`),
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 24 }), (argv) => {
        const cause = localCauseOfArgs(argv);
        if (cause?.flag !== undefined && cause.id !== 'output-stdout' && cause.id !== 'language') {
          expect(argv.some((w) => w.startsWith(cause.flag as string) || (w.startsWith('-o') && w.slice(2).startsWith(cause.flag as string)))).toBe(true);
        }
        if (cause !== undefined) expect(localCauseLabel(cause).length).toBeLessThanOrEqual(64);
      }),
      { seed: Number(process.env['FC_SEED'] ?? 42), numRuns: 3000 },
    );
  });
});

describe('localCauseOfFlag', () => {
  it.each<[string, string | undefined, LocalCauseId | undefined]>([
    ['-march=native', undefined, 'march-native'],
    ['-mtune=native', undefined, 'mtune-native'],
    ['-E', undefined, 'preprocess-only'],
    ['-M', undefined, 'dependencies-only'],
    ['-MM', undefined, 'dependencies-only'],
    ['-MD', undefined, undefined],
    ['-MMD', undefined, undefined],
    ['-MG', undefined, undefined],
    ['-MP', undefined, undefined],
    ['-MF', 'x.d', undefined],
    ['-MTfoo', undefined, undefined],
    ['-MQ', undefined, undefined],
    ['-Wa,-adhln=x.lst', undefined, 'assembler-listing'],
    ['-Wa,--noexecstack', undefined, undefined],
    ['-fprofile-generate', undefined, 'profile'],
    ['-fprofile-use=/p', undefined, 'profile'],
    ['--coverage', undefined, 'profile'],
    ['-frepo', undefined, 'repo'],
    ['-x', 'assembler', 'language'],
    ['-x', 'c', undefined],
    ['-x', undefined, undefined],
    ['-dr', undefined, 'debug-dump'],
    ['-flto', undefined, 'lto'],
    ['-flto=auto', undefined, undefined],
    ['-specs=/usr/lib/hardened.specs', undefined, 'specs'],
    ['-O2', undefined, undefined],
    ['-pipe', undefined, undefined],
    ['-march=x86-64-v2', undefined, undefined],
    ['-c', undefined, undefined],
    ['-S', undefined, undefined],
    ['-o', 'x', undefined],
    ['march=native', undefined, undefined],
    ['', undefined, undefined],
    ['-', undefined, undefined],
  ])('%j %j', (word, next, id) => {
    expect(localCauseOfFlag(word, next)?.id).toBe(id);
  });

  it('names the word, and the language for -x', () => {
    expect(localCauseOfFlag('-march=native')).toEqual({ id: 'march-native', flag: '-march=native' });
    expect(localCauseOfFlag('-x', 'assembler-with-cpp')).toEqual({ id: 'language', flag: '-x assembler-with-cpp' });
  });
});

describe('localCauseLabel', () => {
  it.each<[LocalCause, string]>([
    [{ id: 'march-native', flag: '-march=native' }, '-march=native'],
    [{ id: 'mtune-native' }, '-mtune=native'],
    [{ id: 'not-compile' }, 'linking or not a compile'],
    [{ id: 'several-outputs', flag: 'main.o' }, 'linking (several outputs)'],
    [{ id: 'preprocess-only', flag: '-E' }, 'preprocess only (-E)'],
    [{ id: 'dependencies-only', flag: '-MM' }, 'dependencies only (-MM)'],
    [{ id: 'language', flag: '-x assembler-with-cpp' }, '-x assembler-with-cpp'],
    [{ id: 'profile' }, 'profiling (-fprofile-*)'],
    [{ id: 'profile', flag: '-fprofile-use' }, 'profiling (-fprofile-use)'],
    [{ id: 'several-inputs', flag: 'b.c' }, 'several source files'],
    [{ id: 'source-needs-local', flag: 'conftest.c' }, 'autoconf test (conftest.*)'],
    [{ id: 'no-input' }, 'no C/C++ source (e.g. .S)'],
  ])('%j → %s', (cause, label) => {
    expect(localCauseLabel(cause)).toBe(label);
  });

  it('cuts a long flag', () => {
    const label = localCauseLabel({ id: 'specs', flag: `-specs=${'a'.repeat(500)}` });
    expect(label).toHaveLength(40);
    expect(label.endsWith('…')).toBe(true);
  });
});
