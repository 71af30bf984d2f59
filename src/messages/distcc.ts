// distcc's causes of a local-only job, in the words the summary, the status line, the
// dashboard and the dry check use.

const MAX_LABEL_FLAG = 40;

function shown(flag: string | undefined, fallback: string): string {
  const text = flag === undefined || flag === '' ? fallback : flag;
  return text.length <= MAX_LABEL_FLAG ? text : `${text.slice(0, MAX_LABEL_FLAG - 1)}\u2026`;
}

export function localCauseLabel(id: string, flag: string | undefined): string {
  switch (id) {
    case 'march-native':
      return '-march=native';
    case 'mtune-native':
      return '-mtune=native';
    case 'lto':
      return '-flto';
    case 'specs':
      return shown(flag, '-specs=');
    case 'preprocess-only':
      return 'preprocess only (-E)';
    case 'dependencies-only':
      return `dependencies only (${shown(flag, '-M')})`;
    case 'assembler-listing':
      return `assembler listing (${shown(flag, '-Wa,-a')})`;
    case 'profile':
      return `profiling (${shown(flag, '-fprofile-*')})`;
    case 'repo':
      return '-frepo';
    case 'language':
      return shown(flag, '-x');
    case 'debug-dump':
      return `debug dump (${shown(flag, '-dr')})`;
    case 'not-compile':
      return 'linking or not a compile';
    case 'no-input':
      return 'no C/C++ source (e.g. .S)';
    case 'several-inputs':
      return 'several source files';
    case 'several-outputs':
      return 'linking (several outputs)';
    case 'output-stdout':
      return 'output to stdout (-o -)';
    case 'source-needs-local':
      return 'autoconf test (conftest.*)';
    case 'bad-source-name':
      return 'source name too short';
    case 'bad-arguments':
      return 'not a compiler command line';
    default:
      return id;
  }
}
