import { DemergeError } from '../errors.js';
import { badOptionValue, dashboardTakesNoArguments, unknownDemergeOption } from '../messages.js';
import { parseSetupArgs, SETUP_COMMANDS, type SetupArgs } from './setup-args.js';

// demerge's own options are a small set that emerge does not know; everything else reaches
// emerge byte for byte and in order. `--config` alone is emerge's pkg_config action, so demerge's
// is only ever `--config=FILE`; `-j/--jobs` stay emerge's (parallel packages), so make's -j is
// `--make-jobs=N`. A first `--` ends demerge's options and is not passed on.

export type Mode = 'build' | 'dry-check' | 'help' | 'version' | 'setup' | 'trust' | 'dashboard';

export interface Args {
  mode: Mode;
  emergeArgs: string[];
  config?: string;
  makeJobs?: number;
  strict: boolean;
  json: boolean;
  /** For the setup and trust modes: the sub-command and its options. */
  setup?: SetupArgs;
  /** --no-dashboard: plain output and status lines even on a terminal. */
  noDashboard?: true;
  /** --sample-interval=SECONDS, in milliseconds. */
  sampleIntervalMs?: number;
  /** --dashboard=PID: the demerge process whose build to watch. */
  watchPid?: number;
}

type Handler = (args: Args, value: string | undefined, option: string) => void;

const withValue =
  (apply: (args: Args, value: string, option: string) => void): Handler =>
  (args, value, option) => {
    if (value === undefined || value === '') throw new DemergeError(...unknownDemergeOption(option));
    apply(args, value, option);
  };

const flag =
  (apply: (args: Args) => void): Handler =>
  (args, value, option) => {
    if (value !== undefined) throw new DemergeError(...badOptionValue(option, value, 'no value'));
    apply(args);
  };

const OPTIONS: Record<string, Handler> = {
  '--dry-check': flag((args) => {
    args.mode = 'dry-check';
  }),
  '--json': flag((args) => {
    args.json = true;
  }),
  '--strict': flag((args) => {
    args.strict = true;
  }),
  '--config': withValue((args, value) => {
    args.config = value;
  }),
  // `--dashboard` watches the newest build running under demerge, `--dashboard=PID` that one's.
  '--dashboard': (args, value, option) => {
    if (value !== undefined && !/^[1-9][0-9]{0,9}$/.test(value)) throw new DemergeError(...badOptionValue(option, value, 'the pid of a running demerge'));
    args.mode = 'dashboard';
    if (value !== undefined) args.watchPid = Number(value);
  },
  '--no-dashboard': flag((args) => {
    args.noDashboard = true;
  }),
  '--sample-interval': withValue((args, value, option) => {
    const seconds = /^[0-9]{1,2}(\.[0-9]{1,3})?$/.test(value) ? Number(value) : NaN;
    if (!(seconds >= 0.2 && seconds <= 60)) throw new DemergeError(...badOptionValue(option, value, 'seconds from 0.2 to 60'));
    args.sampleIntervalMs = Math.round(seconds * 1000);
  }),
  '--make-jobs': withValue((args, value, option) => {
    if (!/^[1-9][0-9]{0,3}$/.test(value)) throw new DemergeError(...badOptionValue(option, value, 'a whole number from 1 to 9999'));
    args.makeJobs = Number(value);
  }),
};

export const DEMERGE_OPTIONS = Object.keys(OPTIONS);

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { mode: 'build', emergeArgs: [], strict: false, json: false };
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) return { ...args, mode: 'help' };
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) return { ...args, mode: 'version' };
  // `setup` and `trust` are demerge's sub-commands only as the first word (`demerge -- setup`
  // emerges a package of that name).
  if ((SETUP_COMMANDS as readonly string[]).includes(argv[0] ?? '')) return parseSetupArgs(argv);
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === '--') {
      args.emergeArgs.push(...argv.slice(i + 1));
      break;
    }
    const equals = word.indexOf('=');
    const name = equals === -1 ? word : word.slice(0, equals);
    const handler = OPTIONS[name];
    // Bare `--config` is emerge's action; only `--config=FILE` is demerge's.
    if (handler === undefined || (name === '--config' && equals === -1)) {
      args.emergeArgs.push(word);
      continue;
    }
    handler(args, equals === -1 ? undefined : word.slice(equals + 1), name);
  }
  if (args.mode === 'dashboard' && args.emergeArgs.length > 0) throw new DemergeError(...dashboardTakesNoArguments(args.emergeArgs[0] as string));
  return args;
}
